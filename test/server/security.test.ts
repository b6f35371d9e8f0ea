// Security primitives for accounts and personal-data protection: scrypt password hashes (RFC 7914
// vector, format, rehash, tampering), the password policy, TOTP against the RFC 4226/6238 vectors with
// replay refusal, base32 against RFC 4648, the AES-256-GCM payload codec on real Temporal payloads
// (wire format decrypted by hand, rotation, tampering, passthrough), and the rate limiter and login
// lockout on an injected clock.
import { createDecipheriv, randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  PasswordHashFormatError,
  PasswordInputError,
  checkPasswordPolicy,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  verifyPassword,
  type PasswordPolicyContext,
  type PasswordPolicyOptions,
  type ScryptParams,
} from '../../server/security/password';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  METADATA_SCOPE_KEY,
  KeyRingError,
  PayloadCodecError,
  payloadScope,
  scopeOf,
  generatePayloadKey,
  isEncrypted,
  parseKeyRing,
  type KeyRing,
} from '../../server/security/payloadCodec';
import { LoginLockout, SlidingWindowLimiter } from '../../server/security/rateLimit';
import {
  TOTP_ISSUER,
  base32Decode,
  base32Encode,
  generateSecret,
  hotp,
  otpauthUri,
  totpCode,
  verifyTotp,
} from '../../server/security/totp';

/** Cheap parameters for tests: 1 MiB, a few milliseconds per hash. */
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 };

async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('password hashing', () => {
  it('verifies the RFC 7914 §12 scrypt vector written in our format', async () => {
    // scrypt("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1, dkLen=64)
    const hash = Buffer.from(
      '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2' +
        'd5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
      'hex',
    );
    const encoded = `scrypt$16384$8$1$${Buffer.from('SodiumChloride').toString('base64')}$${hash.toString('base64')}`;
    expect(await verifyPassword('pleaseletmein', encoded)).toBe(true);
    expect(await verifyPassword('pleaseletmeiN', encoded)).toBe(false);
    // N 2^14 and a 14-byte salt are both below what new hashes get.
    expect(needsRehash(encoded)).toBe(true);
  });

  it('writes a self-describing string and verifies it', async () => {
    const encoded = await hashPassword('Xk9#mPq2Lw', FAST);
    expect(encoded).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const parsed = parsePasswordHash(encoded);
    expect([parsed.N, parsed.r, parsed.p, parsed.salt.length, parsed.hash.length]).toEqual([1024, 8, 1, 16, 32]);
    expect(await verifyPassword('Xk9#mPq2Lw', encoded)).toBe(true);
    expect(await verifyPassword('Xk9#mPq2Lx', encoded)).toBe(false);
    expect(await verifyPassword('xk9#mPq2Lw', encoded)).toBe(false);
    expect(await verifyPassword('Xk9#mPq2Lw ', encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('Xk9#mPq2Lw', FAST);
    const b = await hashPassword('Xk9#mPq2Lw', FAST);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Xk9#mPq2Lw', b)).toBe(true);
  });

  it('hashes with the default parameters (N 2^15 needs a raised maxmem)', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 32768, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    const encoded = await hashPassword('城乡居保2025征缴!', DEFAULT_SCRYPT_PARAMS);
    expect(encoded.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('城乡居保2025征缴!', encoded)).toBe(true);
    expect(needsRehash(encoded)).toBe(false);
  });

  it('asks for a rehash when any stored parameter is below the current ones', async () => {
    const encoded = await hashPassword('Xk9#mPq2Lw', FAST);
    expect(needsRehash(encoded)).toBe(true);
    expect(needsRehash(encoded, FAST)).toBe(false);
    expect(needsRehash(encoded, { ...FAST, N: 2048 })).toBe(true);
    expect(needsRehash(encoded, { ...FAST, r: 16 })).toBe(true);
    expect(needsRehash(encoded, { ...FAST, p: 2 })).toBe(true);
    expect(needsRehash(encoded, { ...FAST, keyLength: 64 })).toBe(true);
    expect(needsRehash(encoded, { ...FAST, saltLength: 32 })).toBe(true);
    // Lower current parameters never ask to downgrade.
    expect(needsRehash(encoded, { ...FAST, N: 512 })).toBe(false);
  });

  it('refuses a well-formed but altered hash string', async () => {
    const encoded = await hashPassword('Xk9#mPq2Lw', FAST);
    const [prefix, N, r, p, salt, hash] = encoded.split('$');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(await verifyPassword('Xk9#mPq2Lw', [prefix, N, r, p, salt, flip(hash)].join('$'))).toBe(false);
    expect(await verifyPassword('Xk9#mPq2Lw', [prefix, N, r, p, flip(salt), hash].join('$'))).toBe(false);
    expect(await verifyPassword('Xk9#mPq2Lw', [prefix, '2048', r, p, salt, hash].join('$'))).toBe(false);
    expect(await verifyPassword('Xk9#mPq2Lw', [prefix, N, '4', p, salt, hash].join('$'))).toBe(false);
  });

  it('throws PasswordHashFormatError for a string it cannot read, naming the problem', async () => {
    const good = await hashPassword('Xk9#mPq2Lw', FAST);
    const [, , , , salt, hash] = good.split('$');
    const cases: Array<[string, string]> = [
      ['', 'expected scrypt$N$r$p$salt$hash'],
      [`scrypt$1024$8$1$${salt}`, 'expected scrypt$N$r$p$salt$hash'],
      [`bcrypt$1024$8$1$${salt}$${hash}`, 'expected scrypt$N$r$p$salt$hash'],
      [`scrypt$1000$8$1$${salt}$${hash}`, 'N must be a power of two'],
      [`scrypt$01024$8$1$${salt}$${hash}`, 'N is not a positive integer'],
      [`scrypt$1024$8$1$${salt}!$${hash}`, 'salt is not base64'],
      [`scrypt$1024$8$1$${salt}$${hash.slice(0, 10)}`, 'key length must be 16–64 bytes'],
      // A stored string must not be able to make the server allocate 128 GiB.
      [`scrypt$${2 ** 30}$8$1$${salt}$${hash}`, 'needs more than 256 MiB'],
    ];
    for (const [encoded, why] of cases) {
      const err = await thrown(() => verifyPassword('Xk9#mPq2Lw', encoded));
      expect(err, encoded).toBeInstanceOf(PasswordHashFormatError);
      expect((err as Error).message, encoded).toContain(why);
    }
    expect(() => needsRehash('scrypt$x')).toThrow(PasswordHashFormatError);
  });

  it('refuses empty and over-long passwords in Chinese, on hash and on verify', async () => {
    const good = await hashPassword('Xk9#mPq2Lw', FAST);
    for (const call of [() => hashPassword('', FAST), () => verifyPassword('', good)]) {
      const err = await thrown(call);
      expect(err).toBeInstanceOf(PasswordInputError);
      expect(err).toMatchObject({ code: 'empty', message: '密码不能为空' });
    }
    for (const long of ['a'.repeat(1025), '😀'.repeat(1025)]) {
      for (const call of [() => hashPassword(long, FAST), () => verifyPassword(long, good)]) {
        const err = await thrown(call);
        expect(err).toBeInstanceOf(PasswordInputError);
        expect(err).toMatchObject({ code: 'too_long', message: '密码过长：不得超过 1024 个字符' });
      }
    }
    // The limit counts characters as the user sees them: 1024 emoji are 2048 UTF-16 units, and allowed.
    for (const atLimit of ['a'.repeat(1024), '😀'.repeat(1024)]) {
      expect(await verifyPassword(atLimit, await hashPassword(atLimit, FAST))).toBe(true);
    }
  });

  it('treats a full-width IME password as the half-width one (NFKC)', async () => {
    const encoded = await hashPassword('Ａｂｃ１２３ｘｙｚ！', FAST);
    expect(await verifyPassword('Abc123xyz!', encoded)).toBe(true);
  });
});

describe('password policy', () => {
  const codes = (password: string, context?: PasswordPolicyContext, options?: PasswordPolicyOptions) =>
    checkPasswordPolicy(password, context, options).violations.map((v) => v.code);

  it('accepts a reasonable password', () => {
    expect(checkPasswordPolicy('Xk9#mPq2Lw')).toEqual({ ok: true, violations: [] });
    expect(checkPasswordPolicy('correcthorsebattery9')).toEqual({ ok: true, violations: [] });
    expect(checkPasswordPolicy('Ｘｋ９＃ｍＰｑ２Ｌｗ').ok).toBe(true);
    expect(checkPasswordPolicy('社保征缴2025年度任务').ok).toBe(true);
  });

  it('gives each reason in Chinese with a stable code', () => {
    expect(checkPasswordPolicy('')).toEqual({ ok: false, violations: [{ code: 'too_short', message: '密码至少需要 10 个字符' }] });
    expect(checkPasswordPolicy('abcdefghijk').violations).toEqual([
      { code: 'too_few_classes', message: '密码至少需要包含以下 2 类字符：小写字母、大写字母、数字、符号（含汉字），不能全是同一类' },
      { code: 'predictable', message: '密码主要由常见单词、连续或重复的字符、键盘序列组成，容易被猜中' },
    ]);
    expect(checkPasswordPolicy('aaaaaaaaaA').violations.map((v) => v.code)).toEqual(['too_few_distinct', 'predictable']);
    expect(checkPasswordPolicy('aaaaaaaaaA').violations[0].message).toBe('密码中不同的字符太少，请不要大量重复同一字符');
  });

  it('refuses the passwords people actually guess', () => {
    expect(codes('1234567890')).toEqual(['too_few_classes', 'predictable']);
    expect(codes('Password123!')).toEqual(['predictable']);
    expect(codes('woaini5201314')).toEqual(['predictable']);
    expect(codes('qwer1234ASDF')).toEqual(['predictable']);
    expect(codes('Abc12')).toEqual(['too_short', 'predictable']);
  });

  it('refuses the account name and personal identifiers', () => {
    expect(codes('zhangsan#2024x', { account: 'ZhangSan' })).toEqual(['contains_account']);
    expect(checkPasswordPolicy('zhangsan#2024x', { account: 'ZhangSan' }).violations[0].message).toBe('密码不能包含账号名');
    // The last six characters of an ID number are a common "secret".
    expect(codes('Wang@31002x', { personal: ['11010519491231002X'] })).toEqual(['contains_personal']);
    expect(codes('Tel13800138000!', { personal: ['13800138000'] })).toEqual(['contains_personal']);
    expect(codes('Xk9#mPq2Lw', { account: 'zhangsan', personal: ['11010519491231002X'] })).toEqual([]);
  });

  it('lets the class requirement be raised (等保 profiles ask for three)', () => {
    expect(codes('correcthorsebattery9', {}, { minClasses: 3 })).toEqual(['too_few_classes']);
    expect(codes('Correcthorsebattery9', {}, { minClasses: 3 })).toEqual([]);
    expect(codes('Xk9#mPq2Lw', {}, { minLength: 12 })).toEqual(['too_short']);
  });

  it('refuses over-long passwords', () => {
    expect(codes('Xk9#mPq2Lw'.repeat(103))).toEqual(['too_long']);
  });
});

describe('base32 (RFC 4648)', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];

  it('matches the §10 test vectors both ways', () => {
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
    expect(base32Encode(Buffer.from('foobar'), { padding: false })).toBe('MZXW6YTBOI');
    expect(base32Encode(Buffer.from('12345678901234567890'))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('reads what people type: lower case, spaces, no padding', () => {
    expect(base32Decode('mzxw 6ytb oi').toString()).toBe('foobar');
    expect(base32Decode('MZXW6YQ').toString()).toBe('foob');
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    expect(() => base32Decode('MZXW1YTB')).toThrow('base32: invalid character "1"');
    expect(() => base32Decode('MZXW6YT')).not.toThrow();
    expect(() => base32Decode('M')).toThrow('base32: invalid length 1');
    expect(() => base32Decode('MZX')).toThrow('base32: invalid length 3');
    expect(() => base32Decode('MZXW6Y')).toThrow('base32: invalid length 6');
  });

  it('round-trips every length from 0 to 64 bytes', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = randomBytes(n);
      expect(base32Decode(base32Encode(bytes)).equals(bytes)).toBe(true);
      expect(base32Decode(base32Encode(bytes, { padding: false })).equals(bytes)).toBe(true);
    }
  });
});

describe('TOTP', () => {
  const RFC_SECRET = Buffer.from('12345678901234567890');
  const RFC_SECRET_B32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('matches the RFC 4226 Appendix D HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_SECRET, counter))).toEqual(expected);
  });

  it('matches the RFC 6238 Appendix B SHA-1 vectors (8 digits)', () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) {
      expect(totpCode(RFC_SECRET, seconds * 1000, { digits: 8 })).toBe(code);
      expect(totpCode(RFC_SECRET_B32, new Date(seconds * 1000), { digits: 8 })).toBe(code);
    }
    // Six digits are the same truncation, modulo 10^6.
    expect(totpCode(RFC_SECRET_B32, 59_000)).toBe('287082');
  });

  // 1111111111 s is step 37037037; 1111111109 s is step 37037036.
  const NOW = 1111111111_000;

  it('accepts the current step and one either side, and says which', () => {
    expect(verifyTotp(RFC_SECRET_B32, '050471', NOW)).toEqual({ step: 37037037, drift: 0 });
    expect(verifyTotp(RFC_SECRET_B32, '081804', NOW)).toEqual({ step: 37037036, drift: -1 });
    expect(verifyTotp(RFC_SECRET_B32, '050 471', NOW)).toEqual({ step: 37037037, drift: 0 });
    // Codes two steps away (computed independently with Python's hmac) are outside window 1.
    expect(verifyTotp(RFC_SECRET_B32, '306183', NOW)).toBeNull();
    expect(verifyTotp(RFC_SECRET_B32, '731029', NOW)).toBeNull();
    expect(verifyTotp(RFC_SECRET_B32, '306183', NOW, { window: 2 })).toEqual({ step: 37037039, drift: 2 });
    expect(verifyTotp(RFC_SECRET_B32, '081804', NOW, { window: 0 })).toBeNull();
    expect(verifyTotp(RFC_SECRET_B32, '14050471', NOW, { digits: 8 })).toEqual({ step: 37037037, drift: 0 });
  });

  it('refuses a step at or before the last one used (replay)', () => {
    expect(verifyTotp(RFC_SECRET_B32, '050471', NOW, { lastUsedStep: 37037037 })).toBeNull();
    expect(verifyTotp(RFC_SECRET_B32, '081804', NOW, { lastUsedStep: 37037036 })).toBeNull();
    expect(verifyTotp(RFC_SECRET_B32, '050471', NOW, { lastUsedStep: 37037036 })).toEqual({ step: 37037037, drift: 0 });
  });

  it('refuses malformed codes without throwing', () => {
    for (const code of ['', '05047', '0504710', 'abcdef', '05047a', '-50471']) {
      expect(verifyTotp(RFC_SECRET_B32, code, NOW), code).toBeNull();
    }
  });

  it('refuses secrets shorter than 128 bits', () => {
    expect(() => verifyTotp(randomBytes(10), '123456', NOW)).toThrow('TOTP secret must be at least 16 bytes');
  });

  it('generates 160-bit secrets that apps can read', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a).length).toBe(20);
    expect(generateSecret()).not.toBe(a);
    const code = totpCode(a, NOW);
    expect(verifyTotp(a, code, NOW)).toEqual({ step: 37037037, drift: 0 });
  });

  it('writes the otpauth URI with the Chinese issuer percent-encoded', () => {
    const issuer = '%E5%9F%8E%E4%B9%A1%E5%B1%85%E4%BF%9D%E5%BE%81%E7%BC%B4';
    expect(TOTP_ISSUER).toBe('城乡居保征缴');
    const uri = otpauthUri({ issuer: TOTP_ISSUER, account: 'zhang san@440703', secret: RFC_SECRET_B32.toLowerCase() });
    expect(uri).toBe(
      `otpauth://totp/${issuer}:zhang%20san%40440703?secret=${RFC_SECRET_B32}&issuer=${issuer}&algorithm=SHA1&digits=6&period=30`,
    );
    const parsed = new URL(uri);
    expect(parsed.searchParams.get('issuer')).toBe('城乡居保征缴');
    expect(() => otpauthUri({ issuer: 'a:b', account: 'x', secret: RFC_SECRET_B32 })).toThrow('TOTP 签发方名称不能为空，且不能包含冒号');
    expect(() => otpauthUri({ issuer: TOTP_ISSUER, account: 'a:b', secret: RFC_SECRET_B32 })).toThrow('TOTP 账号名称不能为空，且不能包含冒号');
  });
});

describe('payload encryption codec', () => {
  const k1 = Buffer.alloc(32, 1);
  const k2 = Buffer.alloc(32, 2);
  const ringV1: KeyRing = { current: 'k1', keys: { k1 } };
  const ringV2: KeyRing = { current: 'k2', keys: { k2, k1 } };
  const ID_NUMBER = '11010519491231002X';
  const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');
  const serialise = (p: Payload) => Buffer.from(proto.temporal.api.common.v1.Payload.encode(p).finish());

  const values: unknown[] = [
    { name: '张三', idNumber: ID_NUMBER, amountFen: 20000 },
    'hello',
    null,
    undefined,
    new Uint8Array([0, 1, 2, 255]),
    [1, 2, 3],
  ];

  it('round-trips real Temporal payloads', async () => {
    const codec = new EncryptionCodec(ringV2);
    const payloads = values.map((v) => defaultPayloadConverter.toPayload(v));
    const encoded = await codec.encode(payloads);
    expect(encoded.every(isEncrypted)).toBe(true);
    expect(payloads.some(isEncrypted)).toBe(false);
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(values);
    decoded.forEach((p, i) => expect(serialise(p).equals(serialise(payloads[i]))).toBe(true));
    expect(await codec.encode([])).toEqual([]);
  });

  it('writes the documented wire format, readable with nothing but AES-GCM', async () => {
    const [encoded] = await new EncryptionCodec(ringV2).encode([defaultPayloadConverter.toPayload('hello')]);
    expect(Object.keys(encoded.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
    expect(utf8(encoded.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(utf8(encoded.metadata!['encryption-key-id'])).toBe('k2');
    // Payload{metadata{encoding: json/plain}, data: "hello"} is 33 bytes of protobuf; plus IV and tag.
    const data = Buffer.from(encoded.data!);
    expect(data.length).toBe(12 + 33 + 16);
    const decipher = createDecipheriv('aes-256-gcm', k2, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(-16));
    const plain = Buffer.concat([decipher.update(data.subarray(12, -16)), decipher.final()]);
    expect(plain.toString('hex')).toBe(
      '0a16' + '0a08' + Buffer.from('encoding').toString('hex') + '120a' + Buffer.from('json/plain').toString('hex') +
        '1207' + Buffer.from('"hello"').toString('hex'),
    );
  });

  it('uses a fresh IV every time', async () => {
    const codec = new EncryptionCodec(ringV1);
    const payload = defaultPayloadConverter.toPayload('same');
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('does not leave personal data readable in the stored payload', async () => {
    const payload = defaultPayloadConverter.toPayload({ name: '张三', idNumber: ID_NUMBER });
    // The check below can fail: the plaintext payload does carry the number.
    expect(serialise(payload).includes(ID_NUMBER)).toBe(true);
    const [encoded] = await new EncryptionCodec(ringV1).encode([payload]);
    const stored = serialise(encoded);
    expect(stored.includes(ID_NUMBER)).toBe(false);
    expect(stored.includes('张三')).toBe(false);
    expect(stored.includes('json/plain')).toBe(false);
  });

  it('decodes old payloads after rotation and encodes new ones with the new key', async () => {
    const old = await new EncryptionCodec(ringV1).encode([defaultPayloadConverter.toPayload({ idNumber: ID_NUMBER })]);
    const rotated = new EncryptionCodec(ringV2);
    expect(rotated.keyIds).toEqual(['k2', 'k1']);
    const [decoded] = await rotated.decode(old);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ idNumber: ID_NUMBER });
    const [fresh] = await rotated.encode([decoded]);
    expect(utf8(fresh.metadata!['encryption-key-id'])).toBe('k2');
    // The old codec, which never had k2, cannot read it, and says which key is missing.
    const err = await thrown(() => new EncryptionCodec(ringV1).decode([fresh]));
    expect(err).toBeInstanceOf(PayloadCodecError);
    expect(err).toMatchObject({ code: 'unknown_key', keyId: 'k2' });
    expect((err as Error).message).toContain('payload was encrypted with key "k2", which is not in the key ring (have: k1)');
    // Once k1 is retired, its histories no longer decode: retire a key only after they have aged out.
    const retired = await thrown(() => new EncryptionCodec({ current: 'k2', keys: { k2 } }).decode(old));
    expect(retired).toMatchObject({ code: 'unknown_key', keyId: 'k1' });
  });

  it('detects any flipped byte: IV, ciphertext or tag', async () => {
    const codec = new EncryptionCodec(ringV1);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload({ idNumber: ID_NUMBER })]);
    const length = encoded.data!.length;
    for (const at of [0, 11, 12, 20, length - 17, length - 16, length - 1]) {
      const data = Buffer.from(encoded.data!);
      data[at] ^= 0x01;
      const err = await thrown(() => codec.decode([{ metadata: encoded.metadata, data }]));
      expect(err, `byte ${at}`).toBeInstanceOf(PayloadCodecError);
      expect(err, `byte ${at}`).toMatchObject({ code: 'authentication_failed', keyId: 'k1' });
    }
    // The original still decodes: the loop changed copies.
    expect(defaultPayloadConverter.fromPayload((await codec.decode([encoded]))[0])).toEqual({ idNumber: ID_NUMBER });
  });

  it('refuses a payload relabelled with another key id, a changed key, a truncation or no key id', async () => {
    const [encoded] = await new EncryptionCodec(ringV1).encode([defaultPayloadConverter.toPayload('x')]);
    const relabelled = { data: encoded.data, metadata: { ...encoded.metadata, 'encryption-key-id': Buffer.from('k2') } };
    expect(await thrown(() => new EncryptionCodec(ringV2).decode([relabelled]))).toMatchObject({ code: 'authentication_failed' });
    const otherK1 = new EncryptionCodec({ current: 'k1', keys: { k1: Buffer.alloc(32, 9) } });
    const wrongKey = await thrown(() => otherK1.decode([encoded]));
    expect((wrongKey as Error).message).toContain('数据校验失败：密文或其归属标记被篡改，或密钥 "k1" 与加密时所用的不一致');
    const truncated = { metadata: encoded.metadata, data: encoded.data!.subarray(0, 27) };
    expect(await thrown(() => new EncryptionCodec(ringV1).decode([truncated]))).toMatchObject({ code: 'malformed' });
    const noId = { metadata: { encoding: encoded.metadata!.encoding }, data: encoded.data };
    expect(await thrown(() => new EncryptionCodec(ringV1).decode([noId]))).toMatchObject({ code: 'missing_key_id' });
  });

  it('passes payloads written before encryption through decode unchanged', async () => {
    const plain = values.map((v) => defaultPayloadConverter.toPayload(v));
    const decoded = await new EncryptionCodec(ringV1).decode(plain);
    decoded.forEach((p, i) => expect(p).toBe(plain[i]));
    // A history mixes both once encryption is switched on mid-campaign.
    const [encrypted] = await new EncryptionCodec(ringV1).encode([plain[0]]);
    const mixed = await new EncryptionCodec(ringV1).decode([plain[1], encrypted]);
    expect(mixed.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([values[1], values[0]]);
  });

  describe('scope of a payload', () => {
    const unit = { type: 'workflow', namespace: 'default', workflowId: 'campaign/jm-2031/unit/440703' } as const;
    const AAD = (scope: string) => Buffer.from(`temporal-payload-scope/v1\u0000${scope}`);

    it('names the workflow a payload belongs to, readable, and binds it to the ciphertext as AAD', async () => {
      const [encoded] = await new EncryptionCodec(ringV1).encode([defaultPayloadConverter.toPayload('hello')], unit);
      expect(Object.keys(encoded.metadata!).sort()).toEqual(['encoding', 'encryption-key-id', METADATA_SCOPE_KEY]);
      expect(payloadScope(encoded)).toBe('campaign/jm-2031/unit/440703');
      const data = Buffer.from(encoded.data!);
      const open = (aad?: Buffer) => {
        const decipher = createDecipheriv('aes-256-gcm', k1, data.subarray(0, 12));
        if (aad) decipher.setAAD(aad);
        decipher.setAuthTag(data.subarray(-16));
        return Buffer.concat([decipher.update(data.subarray(12, -16)), decipher.final()]);
      };
      // Readable with nothing but AES-GCM and the documented AAD; not without it.
      expect(proto.temporal.api.common.v1.Payload.decode(open(AAD('campaign/jm-2031/unit/440703'))).data).toEqual(Buffer.from('"hello"'));
      expect(() => open()).toThrow();
      expect(() => open(AAD('campaign/jm-2031/unit/440704'))).toThrow();
      expect(defaultPayloadConverter.fromPayload((await new EncryptionCodec(ringV1).decode([encoded]))[0])).toBe('hello');
    });

    it('takes the scheduling workflow for an activity, and no scope without a context', async () => {
      const codec = new EncryptionCodec(ringV1);
      const p = defaultPayloadConverter.toPayload({ idNumber: ID_NUMBER });
      const [activity] = await codec.encode([p], { type: 'activity', namespace: 'default', workflowId: 'hardship-screening/jm-2031.s1', activityId: '7', isLocal: false });
      expect(payloadScope(activity)).toBe('hardship-screening/jm-2031.s1');
      const [standalone] = await codec.encode([p], { type: 'activity', namespace: 'default', activityId: '7', isLocal: false });
      const [none] = await codec.encode([p]);
      expect([payloadScope(standalone), payloadScope(none)]).toEqual([null, null]);
      expect(scopeOf(undefined)).toBeUndefined();
      for (const e of [activity, standalone, none]) expect(defaultPayloadConverter.fromPayload((await codec.decode([e]))[0])).toEqual({ idNumber: ID_NUMBER });
    });

    it('refuses a payload whose scope was changed, removed or added', async () => {
      const codec = new EncryptionCodec(ringV1);
      const [scoped] = await codec.encode([defaultPayloadConverter.toPayload({ idNumber: ID_NUMBER })], unit);
      const [unscoped] = await codec.encode([defaultPayloadConverter.toPayload({ idNumber: ID_NUMBER })]);
      const withScope = (p: Payload, scope: string | null) => {
        const { [METADATA_SCOPE_KEY]: _dropped, ...rest } = p.metadata!;
        return { data: p.data, metadata: scope === null ? rest : { ...rest, [METADATA_SCOPE_KEY]: Buffer.from(scope) } };
      };
      for (const forged of [
        withScope(scoped, 'campaign/jm-2031/unit/440704'), // another county's name
        withScope(scoped, 'campaign/jm-2031/unit/440703 '), // one byte more
        withScope(scoped, null), // scope stripped: it would read as a payload from before scopes
        withScope(unscoped, 'campaign/jm-2031/unit/440703'), // a scope added to an unscoped payload
      ]) {
        const err = await thrown(() => codec.decode([forged]));
        expect(err).toBeInstanceOf(PayloadCodecError);
        expect(err).toMatchObject({ code: 'authentication_failed', keyId: 'k1' });
      }
    });

    it('decodes a payload encrypted before scopes existed (written by the codec of commit dc8eb50)', async () => {
      const legacy: Payload = {
        metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from('k1') },
        data: Buffer.from(
          '3Xt2Rf+wTNu0dVusfaiKmA2at5kR8NzzQKkdDWEt0VNyNaxyyTiF0sElQWLofPvKOYcbPuwem2Ke3yTsAhUG965R7ikf64MWDxkuqu8KIq7p9+9AgnbOBsVAZQgYDYtaA+55iiL0Ig==',
          'base64',
        ),
      };
      expect(payloadScope(legacy)).toBeNull();
      const [decoded] = await new EncryptionCodec(ringV2).decode([legacy]);
      expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ name: '张三', idNumber: ID_NUMBER });
    });
  });

  it('is not fooled by an encoding that only looks similar', () => {
    expect(isEncrypted({ metadata: { encoding: Buffer.from('binary/encrypted') }, data: new Uint8Array() })).toBe(true);
    expect(isEncrypted({ metadata: { encoding: Buffer.from('binary/encrypted ') } })).toBe(false);
    expect(isEncrypted({ metadata: { encoding: Buffer.from('binary/plain') } })).toBe(false);
    expect(isEncrypted({})).toBe(false);
  });

  it('validates the key ring it is built from', () => {
    expect(() => new EncryptionCodec({ current: 'k3', keys: { k1 } })).toThrow('current payload key "k3" is not in the key ring');
    expect(() => new EncryptionCodec({ current: 'k1', keys: { k1: Buffer.alloc(16) } })).toThrow(
      'payload key "k1" must be 32 bytes, got 16 / 密钥 "k1" 必须为 32 字节，实际为 16 字节',
    );
    expect(() => new EncryptionCodec({ current: 'k1', keys: {} })).toThrow(KeyRingError);
    expect(() => new EncryptionCodec({ current: 'a b', keys: { 'a b': k1 } })).toThrow('payload key id "a b" must match');
  });

  it('copies the keys, so the caller clearing its buffer changes nothing', async () => {
    const key = Buffer.alloc(32, 7);
    const codec = new EncryptionCodec({ current: 'k', keys: { k: key } });
    const encoded = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    key.fill(0);
    expect(defaultPayloadConverter.fromPayload((await codec.decode(encoded))[0])).toBe('x');
  });
});

describe('PAYLOAD_KEYS parsing', () => {
  const b64 = (n: number, fill: number) => Buffer.alloc(n, fill).toString('base64');

  it('reads id:base64 entries, the first being current', () => {
    const ring = parseKeyRing(` k2:${b64(32, 2)} , k1:${b64(32, 1)}`);
    expect(ring.current).toBe('k2');
    expect(Object.keys(ring.keys)).toEqual(['k2', 'k1']);
    expect(Buffer.from(ring.keys.k1).equals(Buffer.alloc(32, 1))).toBe(true);
    expect(Buffer.from(ring.keys.k2).equals(Buffer.alloc(32, 2))).toBe(true);
    // URL-safe and unpadded base64 are what some secret stores hand out.
    const raw = Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i));
    const urlSafe = raw.toString('base64url');
    expect(urlSafe).toMatch(/[-_]/);
    expect(Buffer.from(parseKeyRing(`2025-q3:${urlSafe}`).keys['2025-q3']).equals(raw)).toBe(true);
  });

  it('builds a working codec from generated keys', async () => {
    const codec = new EncryptionCodec(parseKeyRing(`new:${generatePayloadKey()},old:${generatePayloadKey()}`));
    expect(codec.currentKeyId).toBe('new');
    expect(defaultPayloadConverter.fromPayload((await codec.decode(await codec.encode([defaultPayloadConverter.toPayload(1)])))[0])).toBe(1);
  });

  it('names the bad entry in English and Chinese, never the key', () => {
    const short = b64(31, 5);
    const cases: Array<[string, string]> = [
      ['', 'PAYLOAD_KEYS is empty: expected "id:base64key[,id:base64key…]" / PAYLOAD_KEYS 为空，格式应为 "id:base64key[,id:base64key…]"（标识与 base64 密钥以冒号分隔，多个之间以逗号分隔）'],
      [' , ', 'PAYLOAD_KEYS is empty'],
      [`k2:${b64(32, 2)},${b64(32, 1)}`, 'PAYLOAD_KEYS entry 2 has no "id:" prefix / PAYLOAD_KEYS 第 2 项缺少 "id:" 前缀（标识与冒号）'],
      [`k2:${b64(32, 2)},k1:${short}`, 'PAYLOAD_KEYS entry 2 ("k1"): key must be 32 bytes, got 31 / PAYLOAD_KEYS 第 2 项（"k1"）：密钥必须为 32 字节，实际为 31 字节'],
      [`k1:${b64(32, 1)},k1:${b64(32, 2)}`, 'PAYLOAD_KEYS entry 2 ("k1"): duplicate key id / PAYLOAD_KEYS 第 2 项（"k1"）：密钥标识重复'],
      [`k1:${b64(32, 1).slice(0, -2)}!!`, 'PAYLOAD_KEYS entry 1 ("k1"): key is not base64 / PAYLOAD_KEYS 第 1 项（"k1"）：密钥不是有效的 base64'],
      [`k 1:${b64(32, 1)}`, 'PAYLOAD_KEYS entry 1 ("k 1"): key id must be 1–64 of'],
      [`:${b64(32, 1)}`, 'PAYLOAD_KEYS entry 1 (""): key id must be'],
    ];
    for (const [value, message] of cases) {
      let err: unknown;
      try {
        parseKeyRing(value);
      } catch (e) {
        err = e;
      }
      expect(err, value).toBeInstanceOf(KeyRingError);
      expect((err as Error).message, value).toContain(message);
      expect((err as Error).message).not.toContain(short);
    }
    expect(() => parseKeyRing('', 'TEMPORAL_PAYLOAD_KEYS')).toThrow('TEMPORAL_PAYLOAD_KEYS is empty');
  });
});

describe('sliding window limiter', () => {
  it('allows `limit` hits in any window and says when to retry', () => {
    const limiter = new SlidingWindowLimiter({ limit: 3, windowMs: 60_000 });
    const key = 'login:zhangsan|10.0.0.1';
    expect(limiter.hit(key, 0)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(limiter.hit(key, 10_000)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(limiter.hit(key, 20_000)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(limiter.hit(key, 30_000)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 30 });
    expect(limiter.hit(key, 59_999)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    // The hit at 0 leaves the window at 60 000; refused hits were not counted.
    expect(limiter.hit(key, 60_000)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(limiter.hit(key, 60_001)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 10 });
  });

  it('keeps keys apart and forgets one on reset', () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1000 });
    expect(limiter.hit('a', 0).allowed).toBe(true);
    expect(limiter.hit('b', 0).allowed).toBe(true);
    expect(limiter.hit('a', 1).allowed).toBe(false);
    limiter.reset('a');
    expect(limiter.hit('a', 2).allowed).toBe(true);
    expect(limiter.hit('b', 2).allowed).toBe(false);
  });

  it('drops keys whose hits have all left the window', () => {
    const limiter = new SlidingWindowLimiter({ limit: 5, windowMs: 1000 });
    for (const k of ['a', 'b', 'c']) limiter.hit(k, 0);
    expect(limiter.size).toBe(3);
    limiter.hit('d', 1000);
    expect(limiter.size).toBe(1);
    expect(limiter.evictions).toBe(0);
  });

  it('evicts the least recently used key past the cap', () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.hit('a', 0);
    limiter.hit('b', 1);
    expect(limiter.hit('a', 2).allowed).toBe(false); // touches a
    limiter.hit('c', 3); // evicts b, the least recently used
    expect(limiter.size).toBe(2);
    expect(limiter.evictions).toBe(1);
    expect(limiter.hit('a', 4).allowed).toBe(false);
    expect(limiter.hit('b', 5).allowed).toBe(true);
    expect(limiter.evictions).toBe(2);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const limiter = new SlidingWindowLimiter({ limit: 10, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.hit(`ip:${i}`, i);
    expect(limiter.size).toBe(100);
    expect(limiter.evictions).toBe(9_900);
  });

  it('refuses nonsense options', () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowMs: 1000 })).toThrow('limit must be a positive integer, got 0');
    expect(() => new SlidingWindowLimiter({ limit: 1, windowMs: 1.5 })).toThrow('windowMs must be a positive integer');
  });
});

describe('login lockout', () => {
  const MIN = 60_000;
  const options = { maxFailures: 5, lockMs: 15 * MIN };
  const key = 'zhangsan|10.0.0.1';

  it('locks after N consecutive failures for M minutes, then starts again', () => {
    const lockout = new LoginLockout(options);
    const t0 = 1_700_000_000_000;
    for (let i = 1; i <= 4; i++) {
      expect(lockout.recordFailure(key, t0 + i)).toEqual({ locked: false, failures: i, lockedUntil: null, retryAfterSeconds: 0 });
    }
    const lockedUntil = t0 + 5 + 15 * MIN;
    expect(lockout.recordFailure(key, t0 + 5)).toEqual({ locked: true, failures: 5, lockedUntil, retryAfterSeconds: 900 });
    expect(lockout.check(key, lockedUntil - 999)).toEqual({ locked: true, failures: 5, lockedUntil, retryAfterSeconds: 1 });
    // More failures during the lock do not extend it.
    expect(lockout.recordFailure(key, t0 + 10 * MIN).lockedUntil).toBe(lockedUntil);
    expect(lockout.check(key, lockedUntil)).toEqual({ locked: false, failures: 0, lockedUntil: null, retryAfterSeconds: 0 });
    expect(lockout.recordFailure(key, lockedUntil + 1).failures).toBe(1);
  });

  it('resets on success', () => {
    const lockout = new LoginLockout(options);
    for (let i = 0; i < 4; i++) lockout.recordFailure(key, i);
    lockout.recordSuccess(key);
    for (let i = 0; i < 4; i++) lockout.recordFailure(key, 10 + i);
    expect(lockout.check(key, 20)).toEqual({ locked: false, failures: 4, lockedUntil: null, retryAfterSeconds: 0 });
    expect(lockout.recordFailure(key, 21).locked).toBe(true);
  });

  it('keeps keys apart, so one address cannot lock the account out everywhere', () => {
    const lockout = new LoginLockout(options);
    for (let i = 0; i < 5; i++) lockout.recordFailure('zhangsan|10.0.0.1', i);
    expect(lockout.check('zhangsan|10.0.0.1', 10).locked).toBe(true);
    expect(lockout.check('zhangsan|10.0.0.2', 10).locked).toBe(false);
  });

  it('forgets old failures and bounds its memory', () => {
    const lockout = new LoginLockout({ ...options, forgetMs: 60 * MIN, maxKeys: 50 });
    for (let i = 0; i < 3; i++) lockout.recordFailure(key, i);
    expect(lockout.check(key, 60 * MIN - 1).failures).toBe(3);
    expect(lockout.check(key, 60 * MIN + 2).failures).toBe(0);
    for (let i = 0; i < 1000; i++) lockout.recordFailure(`u${i}|ip`, 61 * MIN + i);
    expect(lockout.size).toBe(50);
  });
});
