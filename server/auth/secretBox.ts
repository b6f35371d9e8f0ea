// Small secrets kept in the database encrypted (AES-256-GCM), such as users' TOTP seeds: a copy of the
// database (a backup, a support dump) then does not let anyone generate second-factor codes.
//
// Sealed format: `gcm1.<base64url(12-byte IV ‖ ciphertext ‖ 16-byte tag)>`. The caller binds each value
// to where it lives through `context` (authenticated, not stored), e.g. `users.totp_secret:42`, so a
// sealed seed copied into another user's row does not open.
//
// One key, passed in from configuration. To rotate, open with the old box and seal with the new one
// (a one-off script); the format's version prefix leaves room for a key id if that is ever needed.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'gcm1.';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Throws SecretBoxError for a malformed value, a wrong key or a wrong context. */
  open(sealed: string, context: string): string;
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new SecretBoxError(`加密密钥必须是 ${KEY_BYTES} 字节（AES-256）`);
  }
  // A private copy: the caller's buffer may be zeroed or reused.
  const k = Buffer.from(key);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed, context) {
      if (typeof sealed !== 'string' || !sealed.startsWith(PREFIX)) throw new SecretBoxError('加密数据格式不正确');
      const text = sealed.slice(PREFIX.length);
      if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new SecretBoxError('加密数据格式不正确');
      const raw = Buffer.from(text, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('加密数据格式不正确');
      const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('无法解密：密钥不符或数据被改动');
      }
    },
  };
}
