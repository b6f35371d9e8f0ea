// Password hashing (scrypt) and the password policy for console accounts.
//
// A stored hash names its own parameters (`scrypt$N$r$p$saltB64$hashB64`), so the cost can be raised
// later without a migration: verify with the parameters in the string, then `needsRehash` tells the
// login handler to store a fresh hash while it still holds the plaintext.
//
// Passwords are NFKC-normalised before hashing and before the policy runs (NIST SP 800-63B §5.1.1.2).
// For our users this matters: a Chinese IME left in full-width mode types `Ａｂｃ１２３` for `Abc123`,
// and both must log in. The normalisation is part of the stored format: changing it would lock every
// existing account out.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
  /** Bytes of derived key. */
  keyLength: number;
  /** Bytes of random salt. */
  saltLength: number;
}

/** What new hashes use. 2^15 × 8 × 128 B = 32 MiB and roughly 50–100 ms per hash on a server core. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 });

/** Longest password accepted, in characters (Unicode code points, before normalisation). */
export const PASSWORD_MAX_LENGTH = 1024;
export const PASSWORD_MIN_LENGTH = 10;

/**
 * The most memory one hash may take. It bounds what a stored string can make us spend (a string with
 * N = 2^30 would otherwise ask for 128 GiB) and still leaves room to raise N to 2^17 at r = 8.
 */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const PREFIX = 'scrypt';

/** The password itself is unusable (empty, too long, not a string); the message is for the user. */
export class PasswordInputError extends Error {
  constructor(
    readonly code: 'empty' | 'too_long' | 'not_string',
    message: string,
  ) {
    super(message);
    this.name = 'PasswordInputError';
  }
}

/** A stored hash string cannot be read: data corruption or tampering, never the user's fault. */
export class PasswordHashFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordHashFormatError';
  }
}

/** Checks length and normalises; every entry point goes through here so hash and verify agree. */
export function normalisePassword(password: unknown): string {
  if (typeof password !== 'string') throw new PasswordInputError('not_string', '密码格式不正确');
  if (password.length === 0) throw new PasswordInputError('empty', '密码不能为空');
  // Code points, so a password of Chinese characters or emoji is counted as the user sees it.
  if (password.length > PASSWORD_MAX_LENGTH && codePointLength(password) > PASSWORD_MAX_LENGTH) {
    throw new PasswordInputError('too_long', `密码过长：不得超过 ${PASSWORD_MAX_LENGTH} 个字符`);
  }
  return password.normalize('NFKC');
}

/** Hashes a password for storage. `params` exists for tests and for raising the cost later. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const normalised = normalisePassword(password);
  checkParams(params, (m) => new RangeError(`scrypt parameters: ${m}`));
  const salt = randomBytes(params.saltLength);
  const key = await derive(normalised, salt, params.N, params.r, params.p, params.keyLength);
  return [PREFIX, params.N, params.r, params.p, b64(salt), b64(key)].join('$');
}

/**
 * True when `password` matches the stored hash. Throws PasswordInputError for an unusable password
 * (map it to 400, not to "wrong password") and PasswordHashFormatError for a corrupt stored string.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const normalised = normalisePassword(password);
  const stored = parsePasswordHash(encoded);
  const key = await derive(normalised, stored.salt, stored.N, stored.r, stored.p, stored.hash.length);
  return timingSafeEqual(key, stored.hash);
}

/** True when the stored hash is weaker than `current` in any parameter: rehash after a successful login. */
export function needsRehash(encoded: string, current: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const stored = parsePasswordHash(encoded);
  return (
    stored.N < current.N ||
    stored.r < current.r ||
    stored.p < current.p ||
    stored.hash.length < current.keyLength ||
    stored.salt.length < current.saltLength
  );
}

export interface ParsedPasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export function parsePasswordHash(encoded: string): ParsedPasswordHash {
  const fail = (why: string) => new PasswordHashFormatError(`stored password hash is malformed: ${why}`);
  if (typeof encoded !== 'string') throw fail('not a string');
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) throw fail(`expected ${PREFIX}$N$r$p$salt$hash`);
  const [, nText, rText, pText, saltText, hashText] = parts;
  const int = (text: string, name: string) => {
    if (!/^[1-9]\d{0,9}$/.test(text)) throw fail(`${name} is not a positive integer`);
    return Number(text);
  };
  const N = int(nText, 'N');
  const r = int(rText, 'r');
  const p = int(pText, 'p');
  const salt = unb64(saltText, 'salt', fail);
  const hash = unb64(hashText, 'hash', fail);
  checkParams({ N, r, p, keyLength: hash.length, saltLength: salt.length }, fail, 8);
  return { N, r, p, salt, hash };
}

// ---------------------------------------------------------------------------------------------------
// Policy

export type PasswordViolationCode =
  | 'too_short'
  | 'too_long'
  | 'too_few_classes'
  | 'too_few_distinct'
  | 'predictable'
  | 'contains_account'
  | 'contains_personal';

export interface PasswordViolation {
  code: PasswordViolationCode;
  /** zh-CN text for the user; the code is stable for other languages. */
  message: string;
}

export interface PasswordPolicyContext {
  /** The login name; a password containing it is refused. */
  account?: string;
  /** ID number, mobile number, name in pinyin…: a password containing one (or its last six characters) is refused. */
  personal?: readonly string[];
}

export interface PasswordPolicyOptions {
  minLength?: number;
  /** Of lower-case, upper-case, digits, other (symbols, Chinese characters…). 等保 profiles often ask for 3. */
  minClasses?: number;
}

export interface PasswordPolicyResult {
  ok: boolean;
  violations: PasswordViolation[];
}

// Fragments that make up most guessed passwords, including the ones common in China (woaini, 5201314,
// pinyin keyboard walks). A password that is nothing but these, sequences and repeats is refused.
const WEAK_FRAGMENTS = [
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1qaz2wsx', '3edc4rfv',
  'qazwsx', 'iloveyou', 'woaini', 'admin', 'root', 'welcome', 'letmein', 'abc', 'test', 'user', 'guest',
  '5201314', '1314520', 'aini', 'love', 'china', 'zhongguo', 'beijing', 'shanghai', 'baidu', 'taobao', 'qq',
];
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Checks a new password. It never throws: every problem is one violation with a Chinese reason. */
export function checkPasswordPolicy(
  password: string,
  context: PasswordPolicyContext = {},
  options: PasswordPolicyOptions = {},
): PasswordPolicyResult {
  const minLength = options.minLength ?? PASSWORD_MIN_LENGTH;
  const minClasses = options.minClasses ?? 2;
  const violations: PasswordViolation[] = [];
  const add = (code: PasswordViolationCode, message: string) => violations.push({ code, message });

  const normalised = typeof password === 'string' ? password.normalize('NFKC') : '';
  const chars = [...normalised];
  if (chars.length < minLength) add('too_short', `密码至少需要 ${minLength} 个字符`);
  if (chars.length > PASSWORD_MAX_LENGTH) add('too_long', `密码过长：不得超过 ${PASSWORD_MAX_LENGTH} 个字符`);
  if (chars.length === 0) return { ok: false, violations };

  const classes = new Set(chars.map(charClass)).size;
  if (classes < minClasses) {
    add('too_few_classes', `密码至少需要包含以下 ${minClasses} 类字符：小写字母、大写字母、数字、符号（含汉字），不能全是同一类`);
  }
  if (new Set(chars.map((c) => c.toLowerCase())).size < 5) add('too_few_distinct', '密码中不同的字符太少，请不要大量重复同一字符');

  const lower = normalised.toLowerCase();
  if ([...stripPredictable(lower)].length < 6) {
    add('predictable', '密码主要由常见单词、连续或重复的字符、键盘序列组成，容易被猜中');
  }

  const account = context.account?.trim().toLowerCase();
  if (account && [...account].length >= 3 && lower.includes(account)) add('contains_account', '密码不能包含账号名');

  const personal = (context.personal ?? [])
    .map((s) => s.normalize('NFKC').trim().toLowerCase())
    .filter((s) => [...s].length >= 6);
  if (personal.some((s) => lower.includes(s) || lower.includes(s.slice(-6)))) {
    add('contains_personal', '密码不能包含身份证号、手机号、姓名等个人信息');
  }
  return { ok: violations.length === 0, violations };
}

function charClass(c: string): 'lower' | 'upper' | 'digit' | 'other' {
  if (/^[a-z]$/.test(c)) return 'lower';
  if (/^[A-Z]$/.test(c)) return 'upper';
  if (/^[0-9]$/.test(c)) return 'digit';
  return 'other';
}

/** What is left of a lower-cased password once common words, sequences and repeats are taken out. */
function stripPredictable(lower: string): string {
  let rest = lower;
  for (const fragment of [...WEAK_FRAGMENTS].sort((a, b) => b.length - a.length)) rest = rest.split(fragment).join('');
  // Then runs of three or more characters linked by one relation: aaa, abc, 321, qwe, lkj.
  const chars = [...rest];
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let longest = 1;
    for (const linked of RUN_RELATIONS) {
      let j = i + 1;
      while (j < chars.length && linked(chars[j - 1], chars[j])) j++;
      longest = Math.max(longest, j - i);
    }
    if (longest >= 3) i += longest;
    else out.push(chars[i++]);
  }
  return out.join('');
}

const codeStep = (d: number) => (a: string, b: string) => b.codePointAt(0)! - a.codePointAt(0)! === d;
const keyStep = (d: number) => (a: string, b: string) =>
  KEYBOARD_ROWS.some((row) => row.includes(a) && row.includes(b) && row.indexOf(b) === row.indexOf(a) + d);
const RUN_RELATIONS = [codeStep(0), codeStep(1), codeStep(-1), keyStep(1), keyStep(-1)];

// ---------------------------------------------------------------------------------------------------

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** OpenSSL's own accounting: V is 128·r·(N+2) bytes, B is 128·r·p. */
function scryptMemory(N: number, r: number, p: number): number {
  return 128 * r * (N + 2) + 128 * r * p;
}

/**
 * New hashes get at least a 16-byte salt; stored strings may have 8 (what older systems and the RFC 7914
 * test vectors use) and are then reported by needsRehash.
 */
function checkParams(params: ScryptParams, fail: (m: string) => Error, minSalt = 16): void {
  const { N, r, p, keyLength, saltLength } = params;
  const isInt = (v: number) => Number.isSafeInteger(v) && v > 0;
  if (!isInt(N) || N < 2 || (N & (N - 1)) !== 0) throw fail('N must be a power of two ≥ 2');
  if (!isInt(r) || !isInt(p) || p > 16) throw fail('r and p must be positive integers, p ≤ 16');
  if (!isInt(keyLength) || keyLength < 16 || keyLength > 64) throw fail('key length must be 16–64 bytes');
  if (!isInt(saltLength) || saltLength < minSalt || saltLength > 64) throw fail(`salt length must be ${minSalt}–64 bytes`);
  if (scryptMemory(N, r, p) > MAX_SCRYPT_MEMORY) throw fail(`N·r·p needs more than ${MAX_SCRYPT_MEMORY / 2 ** 20} MiB`);
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly what N = 2^15, r = 8 needs minus OpenSSL's overhead, so
  // the default parameters would fail without it.
  const maxmem = scryptMemory(N, r, p) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

function unb64(text: string, name: string, fail: (m: string) => Error): Buffer {
  // Buffer.from(…, 'base64') skips characters it does not know; a stored string must be exact.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw fail(`${name} is not base64`);
  return Buffer.from(text, 'base64');
}
