// Sign-in throttling kept in the database, so it holds across backend instances
// and whatever address a client claims: per account (growing delays, then a lock
// an admin lifts) and per client address across usernames.
import type { Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';

export interface SignInLimitPolicy {
  /** Consecutive failures of one account before each further attempt must wait. */
  accountDelayAfter: number;
  /** The first wait; it doubles with every further failure up to `accountMaxDelayMs`. */
  accountBaseDelayMs: number;
  accountMaxDelayMs: number;
  /** Consecutive failures after which the account stays locked until an admin unlocks it. */
  accountLockAfter: number;
  /** Failed sign-ins from one client address, across usernames, per window. */
  addressMaxFailures: number;
  addressWindowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimitPolicy = {
  accountDelayAfter: 5,
  accountBaseDelayMs: 1_000,
  accountMaxDelayMs: 15 * 60_000,
  accountLockAfter: 20,
  addressMaxFailures: 30,
  addressWindowMs: 15 * 60_000,
};

export type SignInRefusal =
  | { refused: 'accountLocked' }
  | { refused: 'accountDelayed'; retryAfterSeconds: number }
  | { refused: 'addressLimited'; retryAfterSeconds: number };

interface LimitRow {
  subject: string;
  failures: number;
  window_started_at: unknown;
  last_failure_at: unknown;
  locked_at: unknown;
}

const accountSubject = (accountId: string): string => `account:${accountId}`;
const addressSubject = (address: string): string => `address:${address.slice(0, 200)}`;

function epochMs(value: unknown): number {
  return Date.parse(toIsoTimestamp(value));
}

function secondsUntil(atMs: number, now: Date): number {
  return Math.max(1, Math.ceil((atMs - now.getTime()) / 1000));
}

export class SignInLimits {
  constructor(readonly policy: SignInLimitPolicy = DEFAULT_SIGN_IN_LIMITS) {}

  /** Whether an attempt may be checked at all; asked before the password is verified. */
  async refusal(q: Queryable, accountId: string | null, address: string, now: Date): Promise<SignInRefusal | null> {
    const subjects = [addressSubject(address), ...(accountId === null ? [] : [accountSubject(accountId)])];
    const rows = await q.query<LimitRow>(
      'SELECT subject, failures, window_started_at, last_failure_at, locked_at FROM sign_in_limits WHERE subject = ANY($1::text[])',
      [subjects],
    );
    const account = accountId === null ? undefined : rows.find((row) => row.subject === accountSubject(accountId));
    if (account) {
      if (account.locked_at !== null) return { refused: 'accountLocked' };
      const over = account.failures - this.policy.accountDelayAfter;
      if (over >= 0) {
        const delay = Math.min(this.policy.accountBaseDelayMs * 2 ** Math.min(over, 30), this.policy.accountMaxDelayMs);
        const until = epochMs(account.last_failure_at) + delay;
        if (until > now.getTime()) return { refused: 'accountDelayed', retryAfterSeconds: secondsUntil(until, now) };
      }
    }
    const byAddress = rows.find((row) => row.subject === addressSubject(address));
    if (byAddress && byAddress.failures >= this.policy.addressMaxFailures) {
      const until = epochMs(byAddress.window_started_at) + this.policy.addressWindowMs;
      if (until > now.getTime()) return { refused: 'addressLimited', retryAfterSeconds: secondsUntil(until, now) };
    }
    return null;
  }

  /**
   * Counts one failure, atomically (one upsert per subject), so instances
   * sharing the database add up. Returns whether the account is now locked.
   */
  async recordFailure(q: Queryable, accountId: string | null, address: string, now: Date): Promise<{ locked: boolean }> {
    const at = now.toISOString();
    const windowStart = new Date(now.getTime() - this.policy.addressWindowMs).toISOString();
    await q.query(
      `INSERT INTO sign_in_limits AS l (subject, failures, window_started_at, last_failure_at)
       VALUES ($1, 1, $2, $2)
       ON CONFLICT (subject) DO UPDATE SET
         failures = CASE WHEN l.window_started_at <= $3 THEN 1 ELSE l.failures + 1 END,
         window_started_at = CASE WHEN l.window_started_at <= $3 THEN $2 ELSE l.window_started_at END,
         last_failure_at = $2`,
      [addressSubject(address), at, windowStart],
    );
    if (accountId === null) return { locked: false };
    // Account failures are consecutive, not windowed: only a success or an admin resets them.
    const [row] = await q.query<{ locked: boolean }>(
      `INSERT INTO sign_in_limits AS l (subject, failures, window_started_at, last_failure_at, locked_at)
       VALUES ($1, 1, $2, $2, CASE WHEN $3 <= 1 THEN $2::timestamptz END)
       ON CONFLICT (subject) DO UPDATE SET
         failures = l.failures + 1,
         last_failure_at = $2,
         locked_at = COALESCE(l.locked_at, CASE WHEN l.failures + 1 >= $3 THEN $2::timestamptz END)
       RETURNING locked_at IS NOT NULL AS locked`,
      [accountSubject(accountId), at, this.policy.accountLockAfter],
    );
    return { locked: row?.locked ?? false };
  }

  /** A successful sign-in ends the account's run of failures (the address count keeps its window). */
  async recordSuccess(q: Queryable, accountId: string): Promise<void> {
    await q.query('DELETE FROM sign_in_limits WHERE subject = $1', [accountSubject(accountId)]);
  }

  /** Lifts a lock and the delays; true if there was anything to lift. */
  async unlockAccount(q: Queryable, accountId: string): Promise<boolean> {
    const rows = await q.query<{ subject: string }>('DELETE FROM sign_in_limits WHERE subject = $1 RETURNING subject', [
      accountSubject(accountId),
    ]);
    return rows.length > 0;
  }
}
