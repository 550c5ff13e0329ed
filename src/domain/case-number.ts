// Pseudonymous case numbers (DESIGN.md §3): drawn at random on the tablet,
// offline, never derived from anything about the family, and checked with
// Crockford's mod-37 symbol so a mistyped or misread number is refused.
//
// Shape: an optional municipality prefix (2–4 letters A–Z and '-'), then 13
// Crockford base-32 data symbols (65 random bits) and 1 check symbol, grouped
// 4-4-4-2: `MO-7KQ3-M9XD-2FTR-AZ`, `7KQ3-M9XD-2FTR-A*`.
//
// Why the check symbol catches every single-symbol error. Let the data symbols
// have values d0 … d12 (0–31); the number is N = Σ d_i · 32^(12−i) and the
// check symbol is c = N mod 37 (0–36; 32–36 are written `*~$=U`). 37 is prime
// and 37 ∤ 32, so 32^k ≢ 0 (mod 37) for every k.
// - Substituting one data symbol, d → d′ (d ≠ d′, 0 < |d − d′| ≤ 31 < 37), changes
//   N by (d′ − d)·32^k. A product of factors that 37 does not divide is not
//   divisible by the prime 37, so N mod 37 changes and the old c no longer fits.
// - Substituting the check symbol itself gives a value ≠ N mod 37 (the 37 check
//   symbols are pairwise distinct), so it is refused too.
// - Swapping adjacent data symbols a, b (a ≠ b) at weights 32^(k+1), 32^k
//   changes N by (a − b)·32^(k+1) + (b − a)·32^k = (a − b)·31·32^k; 37 divides
//   none of (a − b), 31, 32^k, hence not the product: refused.
// - Swapping the last data symbol d (weight 1) with the check symbol c: if
//   c ≥ 32 the swapped-in symbol is no data symbol and parsing fails; otherwise
//   the new number is N − d + c and its check would have to be d, i.e.
//   c − d + c ≡ d, 2c ≡ 2d, c ≡ d (2 is invertible mod 37), c = d — no swap at all.
// The prefix is NOT covered by the check (the check is over the 65-bit number
// only); callers that know their municipalities' prefixes should compare.
//
// Collisions: with n numbers drawn uniformly from 2^65, p(any duplicate) ≈
// n² / (2 · 2^65). Ten million families nationwide → 1e14 / 7.4e19 ≈ 1.4e-6;
// one municipality with 100,000 families → 1.4e-10. No coordination is needed.
import { z } from 'zod';
// The canonical (stored, printed, QR-encoded) shape is part of the transport contract.
import { CASE_NUMBER_PATTERN } from '@shared/records/case-number-format';

export { CASE_NUMBER_PATTERN };

/** Crockford base-32: digits and letters without I, L, O, U. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The 37 check symbols: the 32 data symbols, then `*~$=U` for 32–36. */
export const CHECK_ALPHABET = `${CROCKFORD_ALPHABET}*~$=U`;

export const CASE_NUMBER_DATA_SYMBOLS = 13;
/** Data symbols plus the check symbol. */
export const CASE_NUMBER_SYMBOLS = CASE_NUMBER_DATA_SYMBOLS + 1;
const GROUP_SIZE = 4;

const PREFIX_PATTERN = /^[A-Z]{2,4}$/;

export type CaseNumberProblem = 'empty' | 'invalidCharacter' | 'wrongLength' | 'wrongCheck' | 'invalidPrefix';
export type CaseNumberParseResult = { ok: true; caseNumber: string } | { ok: false; problem: CaseNumberProblem };

/** Crockford's reading rules: I and L are read as 1, O as 0. */
const READ_AS: Readonly<Record<string, string>> = { I: '1', L: '1', O: '0' };
/** Separators people type, paste or dictate between groups: spaces and dashes of any kind. */
const SEPARATORS = /[\s\u00AD\u2010-\u2015\u2212-]/gu;
/** Symbols that may appear at all once separators are gone (prefix letters included). */
const ALLOWED = /^[0-9A-Z*~$=]+$/;
/** 2–3 letters and a hyphen at the start: unmistakably a municipality prefix. */
const TYPED_PREFIX = /^\s*([A-Za-z]{2,3})\s*[\u2010-\u2015\u2212-]/u;

function dataValue(symbol: string): number {
  return CROCKFORD_ALPHABET.indexOf(symbol);
}

/** N mod 37 over base-32 digits, without big integers: Horner's rule mod 37. */
function checkValue(dataSymbols: string): number {
  let remainder = 0;
  for (const symbol of dataSymbols) remainder = (remainder * 32 + dataValue(symbol)) % 37;
  return remainder;
}

/** The check symbol for 13 canonical data symbols. */
export function checkSymbolFor(dataSymbols: string): string {
  return CHECK_ALPHABET.charAt(checkValue(dataSymbols));
}

function normalisedPrefix(prefix: string): string | null {
  const upper = prefix.trim().toUpperCase();
  return PREFIX_PATTERN.test(upper) ? upper : null;
}

/**
 * Groups 14 canonical symbols (data + check) 4-4-4-2 behind an optional prefix.
 * Throws RangeError for anything else: callers format what they parsed or generated.
 */
export function formatCaseNumber(symbols: string, prefix?: string): string {
  if (symbols.length !== CASE_NUMBER_SYMBOLS) throw new RangeError('A case number has 14 symbols.');
  const groups: string[] = [];
  for (let i = 0; i < symbols.length; i += GROUP_SIZE) groups.push(symbols.slice(i, i + GROUP_SIZE));
  const body = groups.join('-');
  if (prefix === undefined || prefix === '') return body;
  const checked = normalisedPrefix(prefix);
  if (checked === null) throw new RangeError('A municipality prefix is 2–4 letters A–Z.');
  return `${checked}-${body}`;
}

/** A fresh random case number. `prefix`: the municipality's 2–4 letters, if it uses one. */
export function generateCaseNumber(prefix?: string): string {
  // 256 is a multiple of 32, so the low 5 bits of a uniform byte are uniform.
  const bytes = new Uint8Array(CASE_NUMBER_DATA_SYMBOLS);
  crypto.getRandomValues(bytes);
  let data = '';
  for (const byte of bytes) data += CROCKFORD_ALPHABET.charAt(byte & 31);
  return formatCaseNumber(data + checkSymbolFor(data), prefix);
}

/**
 * Reads a typed, pasted or scanned case number the Crockford way: case does not
 * matter, spaces and hyphens are ignored, I/L count as 1 and O as 0; U is only
 * a check symbol. The prefix is recognised by length (14 symbols are the number).
 */
export function parseCaseNumber(input: string): CaseNumberParseResult {
  const compact = input.replace(SEPARATORS, '').toUpperCase();
  if (compact === '') return { ok: false, problem: 'empty' };
  if (!ALLOWED.test(compact)) return { ok: false, problem: 'invalidCharacter' };

  const prefixLength = compact.length - CASE_NUMBER_SYMBOLS;
  if (prefixLength !== 0 && (prefixLength < 2 || prefixLength > 4)) return { ok: false, problem: 'wrongLength' };
  // "MO-7KQ3-M9XD-2FTR" (two symbols short) would otherwise be read as a
  // 14-symbol number without prefix and reported as a wrong check: 2–3 letters
  // before a hyphen cannot be a 4-symbol group, so they are a prefix.
  const typedPrefix = TYPED_PREFIX.exec(input)?.[1];
  if (typedPrefix !== undefined && typedPrefix.length !== prefixLength) return { ok: false, problem: 'wrongLength' };
  const prefix = compact.slice(0, prefixLength);
  if (prefix !== '' && !PREFIX_PATTERN.test(prefix)) return { ok: false, problem: 'invalidPrefix' };

  const read = (symbol: string): string => READ_AS[symbol] ?? symbol;
  const rest = compact.slice(prefixLength);
  const data = Array.from(rest.slice(0, CASE_NUMBER_DATA_SYMBOLS), read).join('');
  const check = read(rest.slice(CASE_NUMBER_DATA_SYMBOLS));
  for (const symbol of data) if (dataValue(symbol) < 0) return { ok: false, problem: 'invalidCharacter' };
  if (!CHECK_ALPHABET.includes(check)) return { ok: false, problem: 'invalidCharacter' };
  if (check !== checkSymbolFor(data)) return { ok: false, problem: 'wrongCheck' };

  return { ok: true, caseNumber: formatCaseNumber(data + check, prefix) };
}

/** True for a case number in canonical form with a fitting check symbol. */
export function isCanonicalCaseNumber(value: string): boolean {
  if (!CASE_NUMBER_PATTERN.test(value)) return false;
  const parsed = parseCaseNumber(value);
  return parsed.ok && parsed.caseNumber === value;
}

/** Prefix and symbol groups of a canonical case number, for display (`null` if not canonical). */
export function caseNumberParts(caseNumber: string): { prefix: string | null; groups: string[] } | null {
  if (!isCanonicalCaseNumber(caseNumber)) return null;
  const parts = caseNumber.split('-');
  const prefix = parts.length === 5 ? (parts[0] ?? null) : null;
  return { prefix, groups: prefix === null ? parts : parts.slice(1) };
}

/** Canonical form only: records store exactly what was printed on the card. */
export const caseNumberSchema = z.string({ error: 'invalidCaseNumber' }).refine(isCanonicalCaseNumber, { message: 'invalidCaseNumber' });
