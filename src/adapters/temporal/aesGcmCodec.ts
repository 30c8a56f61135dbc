// AES-256-GCM payload encryption, as a Temporal PayloadCodec: every payload the client and the
// worker send (workflow input, activity input and result, workflow result, failure details, memo)
// is stored by Temporal as ciphertext. The whole original payload (its metadata too) is encrypted;
// the new payload's metadata names the key id, so keys can rotate: new payloads use the newest
// key, old ones still decrypt with theirs. Payloads without our encoding pass through (history
// written before the codec was switched on). I/O-free, but Node-only (node:crypto).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { PayloadCodecError } from '../../core/errors.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key a payload was encrypted with (the id only: never the key). */
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'aes-256-gcm';
const CIPHER_NAME = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

const text = (bytes: Uint8Array | null | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  readonly #keys: Map<string, Uint8Array>;
  readonly #current: CodecKey;

  /** `keys` oldest first: the last one encrypts. */
  constructor(keys: readonly CodecKey[]) {
    const current = keys.at(-1);
    if (!current) throw new PayloadCodecError('the payload codec needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new PayloadCodecError(`key ${id} has ${key.length} bytes: AES-256-GCM needs 32`);
    }
    this.#keys = new Map(keys.map(({ id, key }) => [id, key]));
    this.#current = current;
  }

  /** The id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.#current.id;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  // async: a failure rejects the promise (as the SDK expects) instead of throwing.
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.#encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.#decrypt(payload) : payload));
  }

  #encrypt(payload: Payload): Payload {
    const { id, key } = this.#current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
    // The key id is authenticated too: a payload relabelled with another id does not decrypt.
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(id),
        [CIPHER_METADATA]: Buffer.from(CIPHER_NAME),
      },
      data,
    };
  }

  #decrypt(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!id) throw new PayloadCodecError(`an encrypted payload names no key id (metadata ${KEY_ID_METADATA}): it was not written by this codec`);
    const key = this.#keys.get(id);
    if (!key) {
      throw new PayloadCodecError(
        `a payload was encrypted with key id ${id}, which is not among this process's keys (${this.keyIds.join(', ')}): ` +
          'add that key (SPKY_CODEC_KEYS or SPKY_CODEC_KEY_FILE), keeping it listed before the newest one',
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadCodecError(`a payload encrypted with key id ${id} is truncated (${data.length} bytes)`);
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadCodecError(
        `a payload encrypted with key id ${id} does not decrypt with this process's key ${id}: ` +
          'the key under that id differs from the one that encrypted it (or the payload was altered); restore the original key for that id',
      );
    }
    return proto.temporal.api.common.v1.Payload.decode(plain);
  }
}

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names, for tests and tools. */
export function payloadKeyId(payload: Payload): string | undefined {
  return isEncrypted(payload) ? text(payload.metadata?.[KEY_ID_METADATA]) : undefined;
}
