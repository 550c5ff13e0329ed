// Case numbers: random, well-formed, round-trip through the parser, and every
// single-symbol typo or adjacent swap is refused (the mod-37 proof in
// src/domain/case-number.ts, checked exhaustively here).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CASE_NUMBER_PATTERN,
  CHECK_ALPHABET,
  CROCKFORD_ALPHABET,
  caseNumberParts,
  caseNumberSchema,
  checkSymbolFor,
  formatCaseNumber,
  generateCaseNumber,
  parseCaseNumber,
} from '@domain/case-number';

const prefixArb = fc.option(fc.stringMatching(/^[A-Z]{2,4}$/), { nil: undefined });
/** Case numbers built from fast-check's data (shrinkable), with the real check symbol. */
const caseNumberArb = fc
  .tuple(fc.array(fc.constantFrom(...Array.from(CROCKFORD_ALPHABET)), { minLength: 13, maxLength: 13 }), prefixArb)
  .map(([symbols, prefix]) => {
    const data = symbols.join('');
    return formatCaseNumber(data + checkSymbolFor(data), prefix);
  });

/** The 14 symbols (data + check) of a canonical number, and its prefix part. */
function split(caseNumber: string): { head: string; symbols: string[] } {
  const parts = caseNumber.split('-');
  const hasPrefix = parts.length === 5;
  return { head: hasPrefix ? `${parts[0] ?? ''}-` : '', symbols: Array.from((hasPrefix ? parts.slice(1) : parts).join('')) };
}

function replaced(symbols: readonly string[], position: number, symbol: string): string[] {
  const copy = [...symbols];
  copy[position] = symbol;
  return copy;
}

describe('generateCaseNumber', () => {
  it('always has the canonical 4-4-4-2 shape, with or without a prefix', () => {
    fc.assert(
      fc.property(prefixArb, (prefix) => {
        const caseNumber = generateCaseNumber(prefix);
        expect(caseNumber).toMatch(CASE_NUMBER_PATTERN);
        expect(caseNumber).toMatch(prefix === undefined ? /^\w{4}-\w{4}-\w{4}-\w[\w*~$=]$/ : new RegExp(`^${prefix}-`));
        expect(caseNumberSchema.safeParse(caseNumber).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts a lower-case prefix and refuses prefixes that are not 2–4 letters', () => {
    expect(generateCaseNumber('mo')).toMatch(/^MO-/);
    for (const bad of ['M', 'MOERS', 'M1', 'MÖ']) expect(() => generateCaseNumber(bad)).toThrow(RangeError);
  });

  it('round-trips through parseCaseNumber unchanged', () => {
    fc.assert(
      fc.property(prefixArb, (prefix) => {
        const caseNumber = generateCaseNumber(prefix);
        expect(parseCaseNumber(caseNumber)).toEqual({ ok: true, caseNumber });
      }),
      { numRuns: 1000 },
    );
  });

  // Birthday bound: 200,000 numbers out of 2^65 collide with p ≈ 200000² / 2^66
  // ≈ 5.4e-10; at national scale (10 million families) p ≈ 1.4e-6.
  let drawn: string[] | undefined;
  const many = (): string[] => (drawn ??= Array.from({ length: 200_000 }, () => generateCaseNumber()));

  it('draws 200,000 numbers without a duplicate', () => {
    expect(new Set(many()).size).toBe(200_000);
  });

  it('draws every data symbol uniformly at every position (chi-square)', () => {
    // 31 degrees of freedom: mean 31, sd ≈ 7.9; 90 is beyond p ≈ 1e-7, so a
    // failure means bias (e.g. a modulo on a byte), not bad luck.
    for (let position = 0; position < 13; position++) {
      const counts = new Map<string, number>();
      for (const caseNumber of many()) {
        const symbol = split(caseNumber).symbols[position] ?? '?';
        counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
      }
      expect([...counts.keys()].sort()).toEqual(Array.from(CROCKFORD_ALPHABET).sort());
      const expected = 200_000 / 32;
      const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
      expect(chiSquare, `position ${position}`).toBeLessThan(90);
    }
  });
});

describe('parseCaseNumber', () => {
  const valid = formatCaseNumber(`7KQ3M9XD2FTRA${checkSymbolFor('7KQ3M9XD2FTRA')}`);

  it('reads input the Crockford way: any case, spaces, hyphens, I/L as 1, O as 0', () => {
    const data = '0123456789ABC';
    const canonical = formatCaseNumber(data + checkSymbolFor(data), 'MO');
    const check = checkSymbolFor(data);
    const typed = [
      canonical,
      canonical.toLowerCase(),
      `mo 0123 4567 89ab c${check.toLowerCase()}`,
      `MO${data}${check}`,
      `mo \u2013 o123 4567 89ab c${check}`,
      `MO-OI23-4567-89AB-C${check}`,
      ` MO-oL23-4567-89AB-C${check}\n`,
    ];
    for (const input of typed) {
      expect(parseCaseNumber(input), input).toEqual({ ok: true, caseNumber: canonical });
    }
  });

  it('names the problem', () => {
    expect(parseCaseNumber('')).toEqual({ ok: false, problem: 'empty' });
    expect(parseCaseNumber(' - - ')).toEqual({ ok: false, problem: 'empty' });
    expect(parseCaseNumber(`${valid}#`)).toEqual({ ok: false, problem: 'invalidCharacter' });
    expect(parseCaseNumber('ÄÖ-7KQ3-M9XD-2FTR-AZ')).toEqual({ ok: false, problem: 'invalidCharacter' });
    expect(parseCaseNumber(valid.slice(0, -1))).toEqual({ ok: false, problem: 'wrongLength' });
    expect(parseCaseNumber(`${valid}X`)).toEqual({ ok: false, problem: 'wrongLength' });
    expect(parseCaseNumber(`MOERS-${valid}`)).toEqual({ ok: false, problem: 'wrongLength' });
    // A typed prefix is taken at its word: two symbols short is a length problem, not a check problem.
    expect(parseCaseNumber(`MO-${valid.slice(0, -2)}`)).toEqual({ ok: false, problem: 'wrongLength' });
    expect(parseCaseNumber(`MO-${valid}X`)).toEqual({ ok: false, problem: 'wrongLength' });
    expect(parseCaseNumber(`M1-${valid}`)).toEqual({ ok: false, problem: 'invalidPrefix' });
    expect(parseCaseNumber(`U${valid.slice(1)}`)).toEqual({ ok: false, problem: 'invalidCharacter' });
    const wrong = valid.slice(0, -1) + (valid.endsWith('0') ? '1' : '0');
    expect(parseCaseNumber(wrong)).toEqual({ ok: false, problem: 'wrongCheck' });
  });

  it('refuses EVERY single-symbol substitution, at every position', () => {
    fc.assert(
      fc.property(caseNumberArb, (caseNumber) => {
        const { head, symbols } = split(caseNumber);
        const accepted: string[] = [];
        symbols.forEach((original, position) => {
          for (const replacement of CHECK_ALPHABET) {
            if (replacement === original) continue;
            const typo = head + replaced(symbols, position, replacement).join('');
            if (parseCaseNumber(typo).ok) accepted.push(typo);
          }
        });
        expect(accepted, caseNumber).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses EVERY transposition of two adjacent, different symbols', () => {
    fc.assert(
      fc.property(caseNumberArb, (caseNumber) => {
        const { head, symbols } = split(caseNumber);
        for (let i = 0; i + 1 < symbols.length; i++) {
          const [a, b] = [symbols[i] ?? '', symbols[i + 1] ?? ''];
          if (a === b) continue;
          const swapped = replaced(replaced(symbols, i, b), i + 1, a).join('');
          expect(parseCaseNumber(head + swapped).ok, `${caseNumber} → ${head}${swapped}`).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('catches swaps across a group hyphen, where people misread most', () => {
    const data = 'ABCDEFGHJKMNP';
    const caseNumber = formatCaseNumber(data + checkSymbolFor(data));
    expect(parseCaseNumber(caseNumber.replace('D-E', 'E-D')).ok).toBe(false);
  });
});

describe('caseNumberSchema and caseNumberParts', () => {
  it('accepts the canonical form only', () => {
    const data = '7KQ3M9XD2FTRA';
    const canonical = formatCaseNumber(data + checkSymbolFor(data), 'MO');
    expect(caseNumberSchema.safeParse(canonical).success).toBe(true);
    for (const other of [
      canonical.toLowerCase(),
      canonical.replaceAll('-', ''),
      ` ${canonical}`,
      canonical.slice(0, -1),
      `${canonical.slice(0, -1)}${canonical.endsWith('0') ? '1' : '0'}`,
      42,
    ]) {
      const result = caseNumberSchema.safeParse(other);
      expect(result.success, String(other)).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('invalidCaseNumber');
    }
  });

  it('splits a canonical number into prefix and groups for display', () => {
    const data = '7KQ3M9XD2FTRA';
    const check = checkSymbolFor(data);
    expect(caseNumberParts(formatCaseNumber(data + check, 'MO'))).toEqual({ prefix: 'MO', groups: ['7KQ3', 'M9XD', '2FTR', `A${check}`] });
    expect(caseNumberParts(formatCaseNumber(data + check))).toEqual({ prefix: null, groups: ['7KQ3', 'M9XD', '2FTR', `A${check}`] });
    expect(caseNumberParts('not a number')).toBeNull();
  });

  it('uses all 37 check symbols, including *~$=U', () => {
    // N = 0 … 36 written in base 32 has check value N itself.
    const seen = new Set<string>();
    for (let n = 0; n < 37; n++) {
      const data = '0'.repeat(11) + (CROCKFORD_ALPHABET[n >> 5] ?? '') + (CROCKFORD_ALPHABET[n & 31] ?? '');
      seen.add(checkSymbolFor(data));
    }
    expect([...seen].sort()).toEqual(Array.from(CHECK_ALPHABET).sort());
  });
});
