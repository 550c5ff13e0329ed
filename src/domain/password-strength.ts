// Whether a staff password is strong enough (docs/THREAT-MODEL.md, "Staff passwords"): at least
// MIN_PASSWORD_LENGTH characters, not on the shipped list of breached/common passwords, and an
// estimated ≥ 10^10 guesses (zxcvbn score 4) with the person's own names counted as known words;
// and whether a tablet's offline passphrase is (judgePassphrase, "Offline unlock").
// The server's verdict on passwords is the one that counts; the office area and the tablet's
// passphrase screens load this module lazily (its dictionaries are large).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as germanDictionary, translations as germanTranslations } from '@zxcvbn-ts/language-de';
import { MIN_PASSWORD_LENGTH } from '@shared/staff-api';
import { checkPassphraseRule, MIN_PASSPHRASE_GUESSES_LOG10, type PassphraseProblem } from './unlock-policy';

/** zxcvbn's top score: an estimated 10^10 guesses or more. */
export const MIN_PASSWORD_SCORE = 4;

export type PasswordProblem = 'passwordTooShort' | 'passwordCommon' | 'passwordWeak';

export interface PasswordVerdict {
  acceptable: boolean;
  /** The first reason it is refused; null when acceptable. */
  problem: PasswordProblem | null;
  /** 0–4, zxcvbn's score (for a strength meter). */
  score: number;
  /** zxcvbn's hint in German, if it has one ("Dies ist ein häufig verwendetes Passwort."). */
  warning: string | null;
}

let estimator: ZxcvbnFactory | undefined;
let breached: ReadonlySet<string> | undefined;

function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...germanDictionary },
    graphs: adjacencyGraphs,
    translations: germanTranslations,
  });
  return estimator;
}

/**
 * The breached/common list shipped as data: `passwords-common` of @zxcvbn-ts/language-common
 * (about 49,000 passwords ranked by frequency in public breach corpora). Compared lower-cased.
 */
function breachedPasswords(): ReadonlySet<string> {
  breached ??= new Set(commonDictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return breached;
}

/**
 * The verdict on a new password. `personalWords` are words an attacker would try first for this
 * account: username, display name, municipality — a password built from them counts as weaker.
 */
export function judgePassword(password: string, personalWords: readonly string[] = []): PasswordVerdict {
  // Long inputs are cut for the estimate only (zxcvbn is quadratic in places); the length rule sees all.
  const result = zxcvbn().check(password.slice(0, 100), personalWords.filter((word) => word.length >= 3).slice(0, 10));
  const warning = result.feedback.warning ?? null;
  const problem: PasswordProblem | null =
    password.length < MIN_PASSWORD_LENGTH
      ? 'passwordTooShort'
      : breachedPasswords().has(password.toLowerCase())
        ? 'passwordCommon'
        : result.score < MIN_PASSWORD_SCORE
          ? 'passwordWeak'
          : null;
  return { acceptable: problem === null, problem, score: result.score, warning };
}

export interface PassphraseVerdict {
  /** The first reason it is refused; null when acceptable. */
  problem: Exclude<PassphraseProblem, 'mismatch'> | null;
  /** zxcvbn's estimated guesses, log10. */
  guessesLog10: number;
}

/**
 * The verdict on a tablet's offline passphrase (docs/THREAT-MODEL.md, "Offline unlock"): the basic
 * rule, not on the breached/common list, and an estimated ≥ 10^MIN_PASSPHRASE_GUESSES_LOG10 guesses
 * — a copied profile is attacked offline at about 15,000 guesses per second per GPU, so the
 * estimate is what stands between the copy and the data, not the attempt counter.
 */
export function judgePassphrase(passphrase: string, personalWords: readonly string[] = []): PassphraseVerdict {
  const result = zxcvbn().check(passphrase.slice(0, 100), personalWords.filter((word) => word.length >= 3).slice(0, 10));
  const problem =
    checkPassphraseRule(passphrase) ??
    (breachedPasswords().has(passphrase.toLowerCase()) ? 'common' : result.guessesLog10 < MIN_PASSPHRASE_GUESSES_LOG10 ? 'weak' : null);
  return { problem, guessesLog10: result.guessesLog10 };
}
