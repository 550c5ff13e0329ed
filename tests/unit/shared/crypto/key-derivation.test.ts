import { describe, expect, it } from 'vitest';
import { deriveKeyEncryptionKey, MIN_PBKDF2_ITERATIONS, newKdfParams } from '@shared/crypto/key-derivation';
import { DecryptionError, openJson, sealJson } from '@shared/crypto/aes-gcm';

const context = { table: 'keySlots', id: 'user-1', schemaVersion: 1 };

describe('passphrase key derivation', () => {
  it('refuses parameters below 600,000 PBKDF2 iterations', () => {
    expect(() => newKdfParams(100_000)).toThrow(RangeError);
    expect(newKdfParams().iterations).toBeGreaterThanOrEqual(MIN_PBKDF2_ITERATIONS);
  });

  it('derives the same key from the same passphrase and a different one from a wrong passphrase', async () => {
    const params = newKdfParams();
    const kek = await deriveKeyEncryptionKey('Korrekt Pferd Batterie', params);
    const sealed = await sealJson(kek, { secret: 1 }, context);
    expect(await openJson(await deriveKeyEncryptionKey('Korrekt Pferd Batterie', params), sealed, context)).toEqual({ secret: 1 });
    await expect(openJson(await deriveKeyEncryptionKey('Korrekt Pferd Batteri', params), sealed, context)).rejects.toBeInstanceOf(
      DecryptionError,
    );
    await expect(openJson(await deriveKeyEncryptionKey('Korrekt Pferd Batterie', newKdfParams()), sealed, context)).rejects.toBeInstanceOf(
      DecryptionError,
    ); // other salt
  });
});
