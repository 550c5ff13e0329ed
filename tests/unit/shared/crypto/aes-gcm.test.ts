import { describe, expect, it } from 'vitest';
import { DecryptionError, generateDataKey, openJson, sealJson, type Sealed } from '@shared/crypto/aes-gcm';
import { fromBase64Url, toBase64Url } from '@shared/crypto/bytes';

const context = { table: 'records', id: '01890000-0000-7000-8000-000000000001', schemaVersion: 1 };

function flipByte(text: string, index: number): string {
  const bytes = fromBase64Url(text);
  bytes[index % bytes.length] = (bytes[index % bytes.length] ?? 0) ^ 0x01;
  return toBase64Url(bytes);
}

describe('AES-256-GCM sealing', () => {
  it('opens what it sealed, and the ciphertext does not contain the plaintext', async () => {
    const key = await generateDataKey();
    const sealed = await sealJson(key, { note: 'MARKER-7f3a' }, context);
    expect(JSON.stringify(sealed)).not.toContain('MARKER');
    expect(await openJson(key, sealed, context)).toEqual({ note: 'MARKER-7f3a' });
  });

  it('never repeats an IV across 10,000 encryptions under one key', async () => {
    const key = await generateDataKey();
    const ivs = new Set<string>();
    for (let i = 0; i < 10_000; i++) ivs.add((await sealJson(key, i, context)).iv);
    expect(ivs.size).toBe(10_000);
  });

  it('refuses a tampered ciphertext, IV or tag instead of returning data', async () => {
    const key = await generateDataKey();
    const sealed = await sealJson(key, { answer: 'yes' }, context);
    const variants: Sealed[] = [
      { ...sealed, ct: flipByte(sealed.ct, 0) },
      { ...sealed, ct: flipByte(sealed.ct, fromBase64Url(sealed.ct).length - 1) }, // the tag
      { ...sealed, iv: flipByte(sealed.iv, 3) },
      { ...sealed, ct: sealed.ct.slice(0, -4) },
    ];
    for (const variant of variants) await expect(openJson(key, variant, context)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses a ciphertext moved to another row, table or schema version (AAD binding)', async () => {
    const key = await generateDataKey();
    const sealed = await sealJson(key, { answer: 'yes' }, context);
    await expect(openJson(key, sealed, { ...context, id: '01890000-0000-7000-8000-000000000002' })).rejects.toBeInstanceOf(DecryptionError);
    await expect(openJson(key, sealed, { ...context, table: 'drafts' })).rejects.toBeInstanceOf(DecryptionError);
    await expect(openJson(key, sealed, { ...context, schemaVersion: 2 })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses another key', async () => {
    const sealed = await sealJson(await generateDataKey(), { answer: 'yes' }, context);
    await expect(openJson(await generateDataKey(), sealed, context)).rejects.toBeInstanceOf(DecryptionError);
  });
});
