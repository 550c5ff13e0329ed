import { describe, expect, it } from 'vitest';
import { exportPublicKey, generateSigningKeyPair, importPublicKey, sign, verify } from '@shared/crypto/signing';
import { fromBase64Url, toBase64Url } from '@shared/crypto/bytes';

describe('ECDSA P-256 signatures (IEEE P1363)', () => {
  it('verifies a signature with the exported public key, 64 raw bytes', async () => {
    const pair = await generateSigningKeyPair();
    const signature = await sign(pair.privateKey, 'hash|id|1');
    expect(fromBase64Url(signature)).toHaveLength(64);
    const publicKey = await importPublicKey(await exportPublicKey(pair.publicKey));
    expect(await verify(publicKey, 'hash|id|1', signature)).toBe(true);
  });

  it('rejects a changed message, a flipped signature byte, another key and garbage', async () => {
    const pair = await generateSigningKeyPair();
    const other = await generateSigningKeyPair();
    const signature = await sign(pair.privateKey, 'hash|id|1');
    const flipped = fromBase64Url(signature);
    flipped[10] = (flipped[10] ?? 0) ^ 0x80;
    expect(await verify(pair.publicKey, 'hash|id|2', signature)).toBe(false);
    expect(await verify(pair.publicKey, 'hash|id|1', toBase64Url(flipped))).toBe(false);
    expect(await verify(other.publicKey, 'hash|id|1', signature)).toBe(false);
    expect(await verify(pair.publicKey, 'hash|id|1', 'not-a-signature')).toBe(false);
  });
});
