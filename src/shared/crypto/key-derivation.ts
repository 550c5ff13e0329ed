// Key-encryption keys from a staff member's offline passphrase/PIN:
// PBKDF2-SHA-256 with ≥ 600,000 iterations (OWASP 2023), native in WebCrypto
// in the browser and in Node. Parameters are stored with each key slot so they
// can be raised later without locking anyone out.
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from './bytes';
import type { Key } from './types';

export const MIN_PBKDF2_ITERATIONS = 600_000;

export interface KdfParams {
  name: 'PBKDF2';
  hash: 'SHA-256';
  iterations: number;
  /** 16-byte random salt, base64url. */
  salt: string;
}

export function newKdfParams(iterations = MIN_PBKDF2_ITERATIONS): KdfParams {
  if (!Number.isInteger(iterations) || iterations < MIN_PBKDF2_ITERATIONS) {
    throw new RangeError(`PBKDF2 needs at least ${String(MIN_PBKDF2_ITERATIONS)} iterations`);
  }
  return { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64Url(randomBytes(16)) };
}

/** Derives a non-extractable AES-256-GCM key that can only wrap and unwrap other keys' bytes. */
export async function deriveKeyEncryptionKey(passphrase: string, params: KdfParams): Promise<Key> {
  if (params.iterations < MIN_PBKDF2_ITERATIONS) throw new RangeError('KDF parameters below the minimum');
  const base = await crypto.subtle.importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: params.hash, iterations: params.iterations, salt: fromBase64Url(params.salt) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}
