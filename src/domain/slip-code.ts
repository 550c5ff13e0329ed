// The two secrets of a confirmation without an account (docs/REFERRALS.md):
// the slip code, drawn on the tablet for each offer on the referral slip, and
// the offer's partner key, issued by the coordinator and printed only in the
// partner's information. Both use Crockford base-32 (no I, L, O, U; I and L
// read as 1, O as 0), so nothing on paper can be misread as another symbol.
//   slip code:   8 symbols = 40 random bits, shown 4-4   (`7KQ3-M9XD`)
//   partner key: 4 symbols key id (public, names the offer's key) + 12 symbols
//                secret = 60 random bits, shown 4-4-4-4  (`K3TR-9QXM-2FDA-7HNP`)
// The throttle arithmetic that makes these lengths enough is in docs/THREAT-MODEL.md.
import { CROCKFORD_ALPHABET } from './case-number';

export const SLIP_CODE_SYMBOLS = 8;
export const PARTNER_KEY_ID_SYMBOLS = 4;
export const PARTNER_KEY_SECRET_SYMBOLS = 12;
export const PARTNER_KEY_SYMBOLS = PARTNER_KEY_ID_SYMBOLS + PARTNER_KEY_SECRET_SYMBOLS;

const READ_AS: Readonly<Record<string, string>> = { I: '1', L: '1', O: '0' };
const SEPARATORS = /[\s\u00AD\u2010-\u2015\u2212-]/gu;

/** `count` uniform Crockford symbols from the platform's CSPRNG (256 is a multiple of 32). */
export function randomSymbols(count: number, random: (bytes: Uint8Array) => void = (bytes) => crypto.getRandomValues(bytes)): string {
  const bytes = new Uint8Array(count);
  random(bytes);
  let symbols = '';
  for (const byte of bytes) symbols += CROCKFORD_ALPHABET.charAt(byte & 31);
  return symbols;
}

function grouped(symbols: string): string {
  return symbols.match(/.{1,4}/g)?.join('-') ?? symbols;
}

/** A fresh slip code for one offer on the slip, canonical (`XXXX-XXXX`). */
export function generateSlipCode(): string {
  return grouped(randomSymbols(SLIP_CODE_SYMBOLS));
}

/** A fresh partner key, canonical (`XXXX-XXXX-XXXX-XXXX`); the first group is its public key id. */
export function generatePartnerKey(): string {
  return grouped(randomSymbols(PARTNER_KEY_SYMBOLS));
}

/**
 * Reads a typed or scanned code the Crockford way (case, spaces and dashes do
 * not matter; I/L → 1, O → 0) and returns its canonical grouped form, or null
 * if it has another length or a symbol outside the alphabet.
 */
function parseCode(input: string, symbols: number): string | null {
  const compact = Array.from(input.replace(SEPARATORS, '').toUpperCase(), (symbol) => READ_AS[symbol] ?? symbol).join('');
  if (compact.length !== symbols) return null;
  for (const symbol of compact) if (!CROCKFORD_ALPHABET.includes(symbol)) return null;
  return grouped(compact);
}

export function parseSlipCode(input: string): string | null {
  return parseCode(input, SLIP_CODE_SYMBOLS);
}

export function parsePartnerKey(input: string): string | null {
  return parseCode(input, PARTNER_KEY_SYMBOLS);
}

/** The public id of a canonical partner key: its first group. */
export function partnerKeyId(canonicalKey: string): string {
  return canonicalKey.slice(0, PARTNER_KEY_ID_SYMBOLS);
}
