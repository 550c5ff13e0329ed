// Warm handover boxes: a family's call-back number sealed on the tablet to the
// public keys of the receiving partner's staff, so that the backend that
// carries it can never read it. For each recipient key: a fresh ephemeral
// ECDH P-256 key pair, the shared secret through HKDF-SHA-256 into an
// AES-256-GCM key, and the payload sealed with additional data that binds
// the box to its referral record, offer and recipient key (a box copied onto
// another referral, or to another key's entry, does not open).
//
// The partner's private key lives on the server only wrapped under a key
// derived from a passphrase that never leaves the partner's browser
// (PBKDF2-SHA-256 ≥ 600,000 iterations, like the tablets' key slots).
import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from './bytes';
import { deriveKeyEncryptionKey, newKdfParams, type KdfParams } from './key-derivation';
import type { Key } from './types';

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const HKDF_INFO = utf8('lotse-warm-handover-v1');
export const HANDOVER_BOX_VERSION = 1;

export interface HandoverRecipientKey {
  keyId: string;
  /** SPKI of the partner's ECDH P-256 public key, base64url. */
  publicKey: string;
}

/** One recipient's box: the ephemeral public key, the IV and the ciphertext (with tag), base64url. */
export interface HandoverBox {
  keyId: string;
  epk: string;
  iv: string;
  ct: string;
}

export interface HandoverBinding {
  recordId: string;
  offerId: string;
}

/** A partner's private key, wrapped under its passphrase. */
export interface WrappedHandoverKey {
  kdf: KdfParams;
  iv: string;
  ct: string;
}

export class HandoverBoxError extends Error {
  override readonly name = 'HandoverBoxError';
}

function aad(binding: HandoverBinding, keyId: string): Uint8Array<ArrayBuffer> {
  return utf8(`lotse|handover|v${String(HANDOVER_BOX_VERSION)}|${binding.recordId}|${binding.offerId}|${keyId}`);
}

async function boxKey(privateKey: Key, publicKey: Key, salt: Uint8Array<ArrayBuffer>): Promise<Key> {
  const secret = await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  const hkdf = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: HKDF_INFO }, hkdf, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

/** Imports a recipient's public key; throws HandoverBoxError for anything but an ECDH P-256 SPKI. */
export async function importHandoverPublicKey(spki: string): Promise<Key> {
  try {
    return await crypto.subtle.importKey('spki', fromBase64Url(spki), ECDH, true, []);
  } catch {
    throw new HandoverBoxError('not an ECDH P-256 public key');
  }
}

/** Seals `payload` once per recipient key. The plaintext exists only in memory, for this call. */
export async function sealHandover(
  payload: unknown,
  binding: HandoverBinding,
  recipients: readonly HandoverRecipientKey[],
): Promise<HandoverBox[]> {
  if (recipients.length === 0) throw new HandoverBoxError('no recipient key');
  const plaintext = utf8(JSON.stringify(payload));
  return Promise.all(
    recipients.map(async (recipient) => {
      const publicKey = await importHandoverPublicKey(recipient.publicKey);
      const ephemeral = await crypto.subtle.generateKey(ECDH, true, ['deriveBits']);
      const epk = new Uint8Array(await crypto.subtle.exportKey('spki', ephemeral.publicKey));
      const key = await boxKey(ephemeral.privateKey, publicKey, epk);
      const iv = randomBytes(12);
      const ct = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(binding, recipient.keyId), tagLength: 128 }, key, plaintext),
      );
      return { keyId: recipient.keyId, epk: toBase64Url(epk), iv: toBase64Url(iv), ct: toBase64Url(ct) };
    }),
  );
}

/** Opens one recipient's box with its private key; HandoverBoxError for a wrong key, binding or any changed byte. */
export async function openHandover(privateKey: Key, box: HandoverBox, binding: HandoverBinding): Promise<unknown> {
  try {
    const epk = fromBase64Url(box.epk);
    const ephemeral = await crypto.subtle.importKey('spki', epk, ECDH, false, []);
    const key = await boxKey(privateKey, ephemeral, epk);
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(box.iv), additionalData: aad(binding, box.keyId), tagLength: 128 },
      key,
      fromBase64Url(box.ct),
    );
    return JSON.parse(fromUtf8(new Uint8Array(plaintext))) as unknown;
  } catch {
    throw new HandoverBoxError('cannot open the handover box: wrong key, wrong referral or changed bytes');
  }
}

/** A new key pair for a partner's staff member: the public key to enrol, the private key wrapped under the passphrase. */
export async function createHandoverKey(
  passphrase: string,
  iterations?: number,
): Promise<{ publicKey: string; wrapped: WrappedHandoverKey; privateKey: Key }> {
  const pair = await crypto.subtle.generateKey(ECDH, true, ['deriveBits']);
  const kdf = newKdfParams(iterations);
  const kek = await deriveKeyEncryptionKey(passphrase, kdf);
  const iv = randomBytes(12);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8('lotse|handover-key'), tagLength: 128 }, kek, pkcs8),
  );
  pkcs8.fill(0);
  const publicKey = toBase64Url(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
  // Handed back non-extractable: this session can open boxes, nothing can export the key again.
  const privateKey = await crypto.subtle.importKey('jwk', await crypto.subtle.exportKey('jwk', pair.privateKey), ECDH, false, [
    'deriveBits',
  ]);
  return { publicKey, wrapped: { kdf, iv: toBase64Url(iv), ct: toBase64Url(ct) }, privateKey };
}

/** Unwraps a partner's private key (non-extractable); HandoverBoxError for a wrong passphrase or changed bytes. */
export async function unwrapHandoverKey(passphrase: string, wrapped: WrappedHandoverKey): Promise<Key> {
  let pkcs8: Uint8Array<ArrayBuffer>;
  try {
    const kek = await deriveKeyEncryptionKey(passphrase, wrapped.kdf);
    pkcs8 = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64Url(wrapped.iv), additionalData: utf8('lotse|handover-key'), tagLength: 128 },
        kek,
        fromBase64Url(wrapped.ct),
      ),
    );
  } catch {
    throw new HandoverBoxError('wrong passphrase');
  }
  try {
    return await crypto.subtle.importKey('pkcs8', pkcs8, ECDH, false, ['deriveBits']);
  } finally {
    pkcs8.fill(0);
  }
}
