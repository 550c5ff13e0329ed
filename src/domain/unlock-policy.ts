// Offline unlock throttling (DESIGN.md §4): the first two wrong attempts cost
// nothing, then each costs a growing wait (5 s, 10 s, 20 s … up to 5 min);
// after `maxAttempts` wrong attempts the person's key slot is wiped on the tablet.

export const DEFAULT_MAX_UNLOCK_ATTEMPTS = 10;
export const MIN_PASSPHRASE_LENGTH = 6;
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

export type PassphraseProblem = 'tooShort' | 'mismatch';

export function checkNewPassphrase(passphrase: string, repeated: string): PassphraseProblem | null {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) return 'tooShort';
  if (passphrase !== repeated) return 'mismatch';
  return null;
}
