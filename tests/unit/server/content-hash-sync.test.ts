import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentHash } from '@shared/content-hash';
import { contentHashSync } from '@server/services/content-hash-sync';

describe('contentHashSync (the server’s hash of pushed content)', () => {
  it('gives the tablet’s hash for any JSON content, keys in any order, any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        expect(contentHashSync(value)).toBe(await contentHash(value));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes umlauts, scripts, emoji and a lone surrogate as the tablet does', async () => {
    const content = { note: 'Grüße, مرحبا, Привет 👋🏽', odd: '\ud800x', nested: { b: [1, 2.5, -0], a: null } };
    expect(contentHashSync(content)).toBe(await contentHash(content));
    expect(contentHashSync({ a: 1 })).not.toBe(contentHashSync({ a: 2 }));
  });
});
