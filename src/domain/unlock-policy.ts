// Offline unlock throttling (DESIGN.md §4): the first two wrong attempts cost
// nothing, then each costs a growing wait (5 s, 10 s, 20 s … up to 5 min);
// after `maxAttempts` wrong attempts the person's key slot is wiped on the tablet.
//
// The passphrase rule (docs/THREAT-MODEL.md, "Offline unlock"): whoever copies
// the browser profile guesses against the wrapped key at GPU speed, and no
// counter on the tablet slows that down — only the cost per guess (PBKDF2,
// 600,000 iterations: about 15,000 guesses per second per high-end GPU) and the
// passphrase's guess count do. The basic rule here needs no dictionary; the
// strength estimate (≥ 10^12 guesses) is in password-strength.ts, loaded lazily.

export const DEFAULT_MAX_UNLOCK_ATTEMPTS = 10;
export const MIN_PASSPHRASE_LENGTH = 12;
/** zxcvbn's estimated guesses (log10) a new passphrase needs: 10^12 ≈ 2 years of one GPU. */
export const MIN_PASSPHRASE_GUESSES_LOG10 = 12;
/**
 * Version of the passphrase rule a key slot's passphrase was chosen under. Slots from before
 * (version 0: six characters sufficed) are judged again at their next unlock; a passphrase that
 * fails today's rule still opens the slot, and its owner is asked for a stronger one right then.
 */
export const PASSPHRASE_RULE_VERSION = 1;
const FREE_ATTEMPTS = 2;
const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 5 * 60_000;

/** Wait before the next attempt is allowed, after `failures` consecutive wrong attempts. */
export function unlockDelayMs(failures: number): number {
  if (failures <= FREE_ATTEMPTS) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_ATTEMPTS - 1));
}

export type UnlockVerdict = { kind: 'allowed' } | { kind: 'throttled'; retryAt: number };

export function mayAttemptUnlock(slot: { nextAttemptAt: number | null }, now: number): UnlockVerdict {
  if (slot.nextAttemptAt !== null && slot.nextAttemptAt > now) return { kind: 'throttled', retryAt: slot.nextAttemptAt };
  return { kind: 'allowed' };
}

export type FailedUnlockOutcome = { kind: 'wrong'; failures: number; remaining: number; nextAttemptAt: number | null } | { kind: 'wipe' };

export function afterFailedUnlock(previousFailures: number, maxAttempts: number, now: number): FailedUnlockOutcome {
  const failures = previousFailures + 1;
  if (failures >= maxAttempts) return { kind: 'wipe' };
  const delay = unlockDelayMs(failures);
  return { kind: 'wrong', failures, remaining: maxAttempts - failures, nextAttemptAt: delay === 0 ? null : now + delay };
}

/** Why a passphrase is refused: the basic rule (here), the strength estimate (password-strength.ts), the repetition. */
export type PassphraseRuleProblem = 'tooShort' | 'onlyDigits';
export type PassphraseProblem = PassphraseRuleProblem | 'common' | 'weak' | 'mismatch';

/**
 * The basic rule, without dictionaries: at least MIN_PASSPHRASE_LENGTH characters (counted as
 * the characters a person types: "ä", an Arabic letter or an emoji count once) and not digits alone — a PIN is what people
 * build from birthdays and phone numbers, and 12 digits are 10^12 guesses at the very best.
 */
export function checkPassphraseRule(passphrase: string): PassphraseRuleProblem | null {
  const normalized = passphrase.normalize('NFC');
  if (characterCount(normalized) < MIN_PASSPHRASE_LENGTH) return 'tooShort';
  if (/^[\p{Nd}\s]+$/u.test(normalized)) return 'onlyDigits';
  return null;
}

function characterCount(text: string): number {
  return Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)).length;
}

export function checkNewPassphrase(passphrase: string, repeated: string): PassphraseProblem | null {
  const rule = checkPassphraseRule(passphrase);
  if (rule) return rule;
  if (passphrase !== repeated) return 'mismatch';
  return null;
}
