// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1), as used by every
// authenticator app, and the RFC 4648 base32 that carries the shared secret.
//
// SHA-1 only: it is what Google Authenticator, Microsoft Authenticator and the WeChat/Alipay mini
// programs implement reliably, and HOTP's truncated HMAC does not rest on SHA-1's collision resistance.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = '城乡居保征缴';
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** RFC 4226 §4 R6: at least 128 bits; 160 bits is its recommendation and what apps expect. */
export const TOTP_SECRET_BYTES = 20;
const MIN_SECRET_BYTES = 16;
const MAX_WINDOW = 10;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32. Secrets go into otpauth URIs without padding (`padding: false`). */
export function base32Encode(bytes: Uint8Array, options: { padding?: boolean } = {}): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  if (options.padding ?? true) while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Decodes base32, forgiving what people do when they type a secret by hand: lower case, spaces,
 * missing padding. Anything outside the alphabet, or a length no encoder produces, is refused.
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s-]/g, '').toUpperCase().replace(/=+$/, '');
  if (![0, 2, 4, 5, 7].includes(clean.length % 8)) throw new Error(`base32: invalid length ${clean.length}`);
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`base32: invalid character ${JSON.stringify(ch)}`);
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A fresh shared secret, base32 without padding, for enrolment. */
export function generateSecret(bytes: number = TOTP_SECRET_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > 64) {
    throw new RangeError(`TOTP secret must be ${MIN_SECRET_BYTES}–64 bytes`);
  }
  return base32Encode(randomBytes(bytes), { padding: false });
}

export interface TotpOptions {
  /** 6–8; 6 is what apps show. */
  digits?: number;
  stepSeconds?: number;
}

/** A secret as base32 text (what is stored and shown) or raw bytes (the RFC test vectors). */
export type TotpSecret = string | Uint8Array;

/** RFC 4226 HOTP value for one counter. */
export function hotp(secret: TotpSecret, counter: number, digits: number = TOTP_DIGITS): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('TOTP digits must be 6–8');
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('HOTP counter must be a non-negative integer');
  const key = secretBytes(secret);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step that contains `now`. */
export function totpStep(now: Date | number, stepSeconds: number = TOTP_STEP_SECONDS): number {
  const ms = typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('TOTP time is not a valid instant');
  return Math.floor(ms / 1000 / stepSeconds);
}

/** The code an authenticator shows at `now` (a Date or epoch milliseconds). */
export function totpCode(secret: TotpSecret, now: Date | number, options: TotpOptions = {}): string {
  return hotp(secret, totpStep(now, options.stepSeconds), options.digits);
}

export interface VerifyTotpOptions extends TotpOptions {
  /** Steps accepted either side of now, for clock drift and typing time. Default 1 (±30 s). */
  window?: number;
  /**
   * The step of the last code this account used. Steps at or before it are refused, so a code seen
   * over a shoulder or in a proxy log cannot be replayed within its lifetime. Store the returned
   * `step` after every successful login and pass it back here.
   */
  lastUsedStep?: number | null;
}

export interface TotpMatch {
  /** The time step the code belongs to: store it as the account's last used step. */
  step: number;
  /** step − current step: how far the authenticator's clock is off, for logging. */
  drift: number;
}

/**
 * Checks a code typed by the user. Returns the matched step, or null for a wrong, malformed or
 * already used code. All candidate steps are computed and compared in constant time, so the response
 * time does not tell which step (if any) nearly matched.
 */
export function verifyTotp(secret: TotpSecret, code: string, now: Date | number, options: VerifyTotpOptions = {}): TotpMatch | null {
  const digits = options.digits ?? TOTP_DIGITS;
  const stepSeconds = options.stepSeconds ?? TOTP_STEP_SECONDS;
  const window = options.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW) throw new RangeError(`TOTP window must be 0–${MAX_WINDOW}`);
  const key = secretBytes(secret);
  if (key.length < MIN_SECRET_BYTES) throw new RangeError(`TOTP secret must be at least ${MIN_SECRET_BYTES} bytes`);

  // Apps display "123 456"; people copy it with the space.
  const typed = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  const wellFormed = new RegExp(`^\\d{${digits}}$`).test(typed);
  const candidate = Buffer.from(wellFormed ? typed : '0'.repeat(digits));

  const current = totpStep(now, stepSeconds);
  const lastUsed = options.lastUsedStep ?? -1;
  let matched: number | null = null;
  // Highest step wins: if the same digits happen to be valid at two steps, recording the later one
  // also refuses the replay at that later step.
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const equal = timingSafeEqual(Buffer.from(hotp(key, step, digits)), candidate);
    if (equal && step > lastUsed) matched = step;
  }
  if (!wellFormed || matched === null) return null;
  return { step: matched, drift: matched - current };
}

export interface OtpauthUriInput {
  issuer: string;
  /** The login name, shown under the issuer in the app. */
  account: string;
  /** Base32 secret. */
  secret: string;
  digits?: number;
  stepSeconds?: number;
}

/**
 * The `otpauth://totp/…` URI an authenticator scans from a QR code (Google's Key URI Format).
 * Percent-encoding uses encodeURIComponent, not URLSearchParams: apps read "+" literally.
 */
export function otpauthUri(input: OtpauthUriInput): string {
  const { issuer, account } = input;
  if (!issuer || issuer.includes(':')) throw new Error('TOTP 签发方名称不能为空，且不能包含冒号');
  if (!account || account.includes(':')) throw new Error('TOTP 账号名称不能为空，且不能包含冒号');
  const secret = base32Encode(base32Decode(input.secret), { padding: false });
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = [
    `secret=${secret}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${input.digits ?? TOTP_DIGITS}`,
    `period=${input.stepSeconds ?? TOTP_STEP_SECONDS}`,
  ];
  return `otpauth://totp/${label}?${params.join('&')}`;
}

function secretBytes(secret: TotpSecret): Buffer {
  const key = typeof secret === 'string' ? base32Decode(secret) : Buffer.from(secret);
  if (key.length === 0) throw new RangeError('TOTP secret is empty');
  return key;
}
