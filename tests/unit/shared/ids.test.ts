import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, uuidv7 } from '@shared/ids';

describe('uuidv7', () => {
  it('has the RFC 9562 version-7 layout', () => {
    const id = uuidv7();
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('7');
  });

  it('carries the creation time in its first 48 bits, so ids sort by time', () => {
    const t = Date.UTC(2026, 10, 22, 8, 0, 0);
    const id = uuidv7(t);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(t);
    expect(uuidv7(t) < uuidv7(t + 1)).toBe(true);
  });

  it('does not repeat across many ids in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
