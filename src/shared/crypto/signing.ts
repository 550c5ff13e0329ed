// ECDSA P-256 signatures with SHA-256, IEEE-P1363 encoding (r‖s, 64 bytes) —
// WebCrypto's native format in the browser and in Node, so the tablet signs
// and the server verifies with this same code.
import { fromBase64Url, toBase64Url, utf8 } from './bytes';
import type { Key, KeyPair } from './types';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export async function generateSigningKeyPair(): Promise<KeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

export async function exportPublicKey(key: Key): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.exportKey('spki', key)));
}

export async function importPublicKey(spki: string): Promise<Key> {
  return crypto.subtle.importKey('spki', fromBase64Url(spki), ALGORITHM, true, ['verify']);
}

export async function sign(privateKey: Key, message: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.sign(SIGN, privateKey, utf8(message))));
}

/** False for a wrong key, a changed message or a malformed signature — never throws. */
export async function verify(publicKey: Key, message: string, signature: string): Promise<boolean> {
  try {
    const bytes = fromBase64Url(signature);
    if (bytes.length !== 64) return false;
    return await crypto.subtle.verify(SIGN, publicKey, bytes, utf8(message));
  } catch {
    return false;
  }
}
