// AES-256-GCM sealing of record content (DESIGN.md §4): a fresh random 96-bit
// IV for every write, and additional authenticated data that binds the
// ciphertext to its table, record id and schema version — a ciphertext copied
// onto another row, or altered by one bit, fails to open instead of yielding data.
import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from './bytes';
import type { Key } from './types';

export const SEALED_VERSION = 1;

export interface Sealed {
  /** Format version of the sealed box. */
  v: typeof SEALED_VERSION;
  /** 96-bit IV, base64url. */
  iv: string;
  /** Ciphertext with the 128-bit tag, base64url. */
  ct: string;
}

export interface SealContext {
  table: string;
  id: string;
  schemaVersion: number;
}

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

export function aadFor(context: SealContext): Uint8Array<ArrayBuffer> {
  return utf8(`lotse|${context.table}|${context.id}|v${String(context.schemaVersion)}`);
}

export async function generateDataKey(extractable = true): Promise<Key> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, extractable, ['encrypt', 'decrypt']);
}

export async function sealBytes(key: Key, plaintext: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>): Promise<Sealed> {
  const iv = randomBytes(12);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, plaintext));
  return { v: SEALED_VERSION, iv: toBase64Url(iv), ct: toBase64Url(ct) };
}

export async function openBytes(key: Key, sealed: Sealed, aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const iv = fromBase64Url(sealed.iv);
    const version: unknown = sealed.v;
    if (iv.length !== 12 || version !== SEALED_VERSION) throw new DecryptionError('malformed sealed box');
    return new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, fromBase64Url(sealed.ct)),
    );
  } catch {
    throw new DecryptionError('cannot open sealed box: wrong key, wrong context or tampered ciphertext');
  }
}

export async function sealJson(key: Key, value: unknown, context: SealContext): Promise<Sealed> {
  return sealBytes(key, utf8(JSON.stringify(value)), aadFor(context));
}

export async function openJson(key: Key, sealed: Sealed, context: SealContext): Promise<unknown> {
  const bytes = await openBytes(key, sealed, aadFor(context));
  try {
    return JSON.parse(fromUtf8(bytes)) as unknown;
  } catch {
    throw new DecryptionError('sealed content is not JSON');
  }
}
