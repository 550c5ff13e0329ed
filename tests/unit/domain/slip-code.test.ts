import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePartnerKey, generateSlipCode, parsePartnerKey, parseSlipCode, partnerKeyId, randomSymbols } from '@domain/slip-code';
import { PARTNER_KEY_PATTERN, SLIP_CODE_PATTERN } from '@shared/records/referral';

describe('slip codes and partner keys', () => {
  it('draws codes and keys in the canonical shape the server accepts', () => {
    for (let i = 0; i < 200; i += 1) {
      expect(generateSlipCode()).toMatch(SLIP_CODE_PATTERN);
      expect(generatePartnerKey()).toMatch(PARTNER_KEY_PATTERN);
    }
    expect(partnerKeyId('K3TR-9QXM-2FDA-7HNP')).toBe('K3TR');
  });

  it('never prints a confusable symbol and reads typed ones the Crockford way', () => {
    const printed = Array.from({ length: 500 }, () => generateSlipCode()).join('');
    expect(printed).not.toMatch(/[ILOU]/);
    expect(parseSlipCode(' 7kq3 m9xd ')).toBe('7KQ3-M9XD');
    expect(parseSlipCode('7KQ3-M9XO')).toBe('7KQ3-M9X0');
    expect(parseSlipCode('7KQ3-M9XI')).toBe('7KQ3-M9X1');
    expect(parseSlipCode('7KQ3-M9XU')).toBeNull();
    expect(parseSlipCode('7KQ3-M9X')).toBeNull();
    expect(parsePartnerKey('k3tr 9qxm 2fda 7hnp')).toBe('K3TR-9QXM-2FDA-7HNP');
    expect(parsePartnerKey('K3TR-9QXM-2FDA')).toBeNull();
  });

  it('round-trips every code through typing it in any case and spacing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.boolean(), (bytes, lower) => {
        const symbols = randomSymbols(8, (target) => {
          target.set(bytes);
        });
        const canonical = `${symbols.slice(0, 4)}-${symbols.slice(4)}`;
        const typed = lower ? symbols.toLowerCase().split('').join(' ') : canonical;
        expect(parseSlipCode(typed)).toBe(canonical);
      }),
    );
  });

  it('uses every one of the 32 symbols uniformly (the low 5 bits of a byte)', () => {
    const all = randomSymbols(256, (target) => {
      target.set(Array.from({ length: 256 }, (_, i) => i));
    });
    const counts = new Map<string, number>();
    for (const symbol of all) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    expect(counts.size).toBe(32);
    expect(new Set(counts.values())).toEqual(new Set([8]));
  });
});
