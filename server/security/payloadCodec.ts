// Encryption of Temporal payloads (AES-256-GCM) so that workflow inputs, results, signals and activity
// arguments, which carry residents' names and ID numbers, are stored by the Temporal service only as
// ciphertext (个人信息保护法 Art. 51: encryption of personal information in storage).
//
// Wire format of an encrypted payload (Temporal's samples' format, so their tooling reads it, plus a scope):
//   metadata  encoding          = "binary/encrypted"
//             encryption-key-id = <key id>
//             payload-scope     = <ID of the workflow the payload belongs to>   (absent before scopes)
//   data      12-byte random IV ‖ AES-256-GCM ciphertext ‖ 16-byte tag
// where the plaintext is the original payload serialised as a temporal.api.common.v1.Payload protobuf,
// so its own metadata (json/plain, message type…) is encrypted with it.
//
// The scope is what the codec endpoint decides on (server/codecRoutes.ts: a county's official reads only
// the payloads of workflows in their county). It stays readable so that the endpoint can decide without
// decrypting, and it is bound to the ciphertext as AES-GCM additional authenticated data, so a payload
// whose scope was changed, added or removed fails authentication instead of decoding under another
// region's name. The SDK (1.24) hands every encode a SerializationContext naming the owning workflow:
// the client for starts, signals, updates, queries and memos (the target workflow); the worker for
// commands (the workflow itself; a child's input and a signal to another workflow take the target's ID),
// activity inputs, results, heartbeats and failures (the workflow that scheduled the activity).
// Payloads encoded without a context (a Schedule's memo, anything the SDK adds later) carry no scope.
// Decoding never needs a context: the scope travels with the payload, and the worker decodes any scope.
//
// Keys rotate by adding a new key at the front of the ring: new payloads use it, old histories name
// their key id and keep decoding as long as that key stays in the ring. Payloads written before
// encryption was switched on have no "binary/encrypted" encoding and pass through decode unchanged;
// payloads encrypted before scopes existed have no payload-scope and were written without AAD, and
// decode as they always did.
//
// Random 96-bit IVs are safe for about 2^32 encryptions per key (NIST SP 800-38D §8.3); rotate the
// current key well before that (every few months at this product's volume is ample).
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
// @temporalio/proto is CommonJS: a default import is what works under Node's ESM loader (tsx, vitest).
import proto from '@temporalio/proto';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCODING_KEY = 'encoding';
export const METADATA_KEY_ID_KEY = 'encryption-key-id';
export const METADATA_SCOPE_KEY = 'payload-scope';
/** Versioned, so that a later scheme can never authenticate a payload written under this one. */
const SCOPE_AAD_PREFIX = 'temporal-payload-scope/v1\u0000';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key ids travel in every payload's metadata and in logs: short, printable, no separators. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface KeyRing {
  /** The key id new payloads are encrypted with. */
  current: string;
  /** Every key that may still be needed to decode a history, by id. */
  keys: Record<string, Uint8Array>;
}

export type PayloadCodecErrorCode = 'unknown_key' | 'missing_key_id' | 'malformed' | 'authentication_failed';

/**
 * A payload cannot be decoded. Thrown, never swallowed: a workflow task that cannot read its history
 * must fail and retry (e.g. after the missing key is deployed), not run on with wrong input.
 */
export class PayloadCodecError extends Error {
  constructor(
    readonly code: PayloadCodecErrorCode,
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
    this.name = 'PayloadCodecError';
  }
}

/** A key ring is misconfigured; the message names the entry and never contains key material. */
export class KeyRingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingError';
  }
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding != null && text.decode(encoding) === ENCRYPTED_ENCODING;
}

/** The workflow an encrypted payload belongs to (its `payload-scope`), or null for one written without a scope. */
export function payloadScope(payload: Payload): string | null {
  const scope = payload.metadata?.[METADATA_SCOPE_KEY];
  return scope == null ? null : text.decode(scope);
}

/** The workflow a payload being encoded belongs to: a workflow's own ID, or the workflow that scheduled an activity. */
export function scopeOf(context: SerializationContext | undefined): string | undefined {
  const id = context?.workflowId;
  return id ? id : undefined;
}

const aadOf = (scope: Uint8Array) => Buffer.concat([Buffer.from(SCOPE_AAD_PREFIX, 'utf8'), scope]);

/** Encrypts every payload with the ring's current key; decodes with whichever key a payload names. */
export class EncryptionCodec implements PayloadCodec {
  readonly currentKeyId: string;
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(ring: KeyRing) {
    validateKeyRing(ring);
    this.currentKeyId = ring.current;
    // KeyObjects copy the bytes: zeroing or reusing the caller's buffers later changes nothing here.
    this.keys = new Map(Object.entries(ring.keys).map(([id, key]) => [id, createSecretKey(Buffer.from(key))]));
  }

  /** Key ids this codec can decode, current first. */
  get keyIds(): string[] {
    return [this.currentKeyId, ...[...this.keys.keys()].filter((id) => id !== this.currentKeyId)];
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const scope = scopeOf(context);
    const scopeBytes = scope === undefined ? undefined : utf8.encode(scope);
    return payloads.map((payload) => this.encryptOne(payload, scopeBytes));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decryptOne(payload) : payload));
  }

  private encryptOne(payload: Payload, scope: Uint8Array | undefined): Payload {
    const plaintext = PayloadMessage.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    if (scope) cipher.setAAD(aadOf(scope));
    const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8.encode(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID_KEY]: utf8.encode(this.currentKeyId),
        ...(scope ? { [METADATA_SCOPE_KEY]: scope } : {}),
      },
      data,
    };
  }

  private decryptOne(payload: Payload): Payload {
    const idBytes = payload.metadata?.[METADATA_KEY_ID_KEY];
    if (idBytes == null) {
      throw new PayloadCodecError('missing_key_id', `encrypted payload has no ${METADATA_KEY_ID_KEY} metadata / 加密数据缺少密钥标识`);
    }
    const keyId = text.decode(idBytes);
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadCodecError(
        'unknown_key',
        `payload was encrypted with key "${keyId}", which is not in the key ring (have: ${this.keyIds.join(', ')}) / ` +
          `数据使用密钥 "${keyId}" 加密，但 PAYLOAD_KEYS 中没有该密钥`,
        keyId,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadCodecError('malformed', `encrypted payload (key "${keyId}") is too short: ${data.length} bytes / 加密数据长度不足`, keyId);
    }
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const ciphertext = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      // No scope: a payload from before scopes, written without AAD. Stripping a scope off a newer
      // payload therefore fails here too, as does adding one to an older payload.
      const scope = payload.metadata?.[METADATA_SCOPE_KEY];
      if (scope != null) decipher.setAAD(aadOf(scope));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new PayloadCodecError(
        'authentication_failed',
        `encrypted payload failed authentication with key "${keyId}": it (or its payload-scope) was altered, or the key under this id is not the one it was written with / ` +
          `数据校验失败：密文或其归属标记被篡改，或密钥 "${keyId}" 与加密时所用的不一致`,
        keyId,
      );
    }
    try {
      return PayloadMessage.decode(plaintext);
    } catch (err) {
      // Authenticated but not a Payload: only a writer bug can produce this.
      throw new PayloadCodecError('malformed', `decrypted payload (key "${keyId}") is not a Temporal Payload: ${(err as Error).message}`, keyId);
    }
  }
}

export function validateKeyRing(ring: KeyRing): void {
  const ids = Object.keys(ring.keys ?? {});
  if (ids.length === 0) throw new KeyRingError('payload key ring is empty / 密钥环为空');
  for (const id of ids) {
    if (!KEY_ID.test(id)) throw new KeyRingError(`payload key id "${id}" must match ${KEY_ID} / 密钥标识 "${id}" 格式不正确`);
    const length = ring.keys[id]?.length;
    if (length !== KEY_BYTES) {
      throw new KeyRingError(`payload key "${id}" must be ${KEY_BYTES} bytes, got ${length} / 密钥 "${id}" 必须为 ${KEY_BYTES} 字节，实际为 ${length} 字节`);
    }
  }
  if (!Object.hasOwn(ring.keys, ring.current)) {
    throw new KeyRingError(`current payload key "${ring.current}" is not in the key ring / 当前密钥 "${ring.current}" 不在密钥环中`);
  }
}

/**
 * Parses `PAYLOAD_KEYS`: comma-separated `id:base64key` entries, current key first, e.g.
 * `k2:…,k1:…`. Base64 may be standard or URL-safe, with or without padding. Throws KeyRingError naming
 * the bad entry by position and id; key material never appears in a message.
 */
export function parseKeyRing(value: string, variable = 'PAYLOAD_KEYS'): KeyRing {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) {
    throw new KeyRingError(`${variable} is empty: expected "id:base64key[,id:base64key…]" / ${variable} 为空，格式应为 "id:base64key[,id:base64key…]"（标识与 base64 密钥以冒号分隔，多个之间以逗号分隔）`);
  }
  const keys: Record<string, Uint8Array> = {};
  entries.forEach((entry, index) => {
    const n = index + 1;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      throw new KeyRingError(`${variable} entry ${n} has no "id:" prefix / ${variable} 第 ${n} 项缺少 "id:" 前缀（标识与冒号）`);
    }
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    const where = `${variable} entry ${n} ("${id}")`;
    const whereZh = `${variable} 第 ${n} 项（"${id}"）`;
    if (!KEY_ID.test(id)) {
      throw new KeyRingError(`${where}: key id must be 1–64 of A–Z a–z 0–9 . _ - / ${whereZh}：密钥标识只能由 1–64 个字母、数字、. _ - 组成`);
    }
    if (Object.hasOwn(keys, id)) throw new KeyRingError(`${where}: duplicate key id / ${whereZh}：密钥标识重复`);
    // Buffer.from(…, 'base64') silently drops characters it does not know; a key must be exact.
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
      throw new KeyRingError(`${where}: key is not base64 / ${whereZh}：密钥不是有效的 base64`);
    }
    const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== KEY_BYTES) {
      throw new KeyRingError(
        `${where}: key must be ${KEY_BYTES} bytes, got ${key.length} / ${whereZh}：密钥必须为 ${KEY_BYTES} 字节，实际为 ${key.length} 字节`,
      );
    }
    keys[id] = key;
  });
  return { current: entries[0].slice(0, entries[0].indexOf(':')).trim(), keys };
}

/** A new random key as base64, for `PAYLOAD_KEYS` (e.g. from a one-off `tools` command). */
export function generatePayloadKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
