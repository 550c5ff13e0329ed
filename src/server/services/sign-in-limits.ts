// Sign-in throttling kept in the database, so it holds across backend instances
// and whatever address a client claims: per account (growing delays, then a lock
// an admin lifts), per client address across usernames, and per municipality
// across all its accounts and addresses. The municipality limit never refuses a
// right password by itself (it would let an attacker lock everyone out): it
// makes every account that fails during the attack wait, from its first failure.
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
  /** Failed sign-ins of one municipality's accounts, from any address, per window; beyond it the municipality is under attack. */
  municipalityMaxFailures: number;
  municipalityWindowMs: number;
  /**
   * While a municipality is under attack, an account that failed waits this long
   * after its first failure (doubling with each further one, up to `accountMaxDelayMs`)
   * instead of after `accountDelayAfter` failures; an account without failures is not slowed.
   */
  municipalityBaseDelayMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimitPolicy = {
  accountDelayAfter: 5,
  accountBaseDelayMs: 1_000,
  accountMaxDelayMs: 15 * 60_000,
  accountLockAfter: 20,
  addressMaxFailures: 30,
  addressWindowMs: 15 * 60_000,
  municipalityMaxFailures: 100,
  municipalityWindowMs: 15 * 60_000,
  municipalityBaseDelayMs: 30_000,
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
const municipalitySubject = (municipalityId: string): string => `municipality:${municipalityId}`;

/** Who an attempt is counted under: the account and its municipality are known only for an existing username. */
export interface SignInSubjects {
  address: string;
  account: { id: string; municipalityId: string } | null;
}

/** The outcome of counting one failure. */
export interface SignInFailureCount {
  /** The account is now locked until an admin unlocks it. */
  locked: boolean;
  /** This failure was the one that reached the municipality's limit (one alert per window). */
  municipalityLimitReached: boolean;
}

function epochMs(value: unknown): number {
  return Date.parse(toIsoTimestamp(value));
}

function secondsUntil(atMs: number, now: Date): number {
  return Math.max(1, Math.ceil((atMs - now.getTime()) / 1000));
}

export class SignInLimits {
  constructor(readonly policy: SignInLimitPolicy = DEFAULT_SIGN_IN_LIMITS) {}

  /** Whether an attempt may be checked at all; asked before the password is verified. */
  async refusal(q: Queryable, who: SignInSubjects, now: Date): Promise<SignInRefusal | null> {
    const { address, account: known } = who;
    const subjects = [
      addressSubject(address),
      ...(known === null ? [] : [accountSubject(known.id), municipalitySubject(known.municipalityId)]),
    ];
    const rows = await q.query<LimitRow>(
      'SELECT subject, failures, window_started_at, last_failure_at, locked_at FROM sign_in_limits WHERE subject = ANY($1::text[])',
      [subjects],
    );
    const account = known === null ? undefined : rows.find((row) => row.subject === accountSubject(known.id));
    if (account) {
      if (account.locked_at !== null) return { refused: 'accountLocked' };
      const municipality = known === null ? undefined : rows.find((row) => row.subject === municipalitySubject(known.municipalityId));
      const underAttack =
        municipality !== undefined &&
        this.windowFull(municipality, this.policy.municipalityMaxFailures, this.policy.municipalityWindowMs, now);
      const until = this.accountWaitsUntil(account.failures, epochMs(account.last_failure_at), underAttack);
      if (until > now.getTime()) return { refused: 'accountDelayed', retryAfterSeconds: secondsUntil(until, now) };
    }
    const byAddress = rows.find((row) => row.subject === addressSubject(address));
    if (byAddress && this.windowFull(byAddress, this.policy.addressMaxFailures, this.policy.addressWindowMs, now)) {
      const until = epochMs(byAddress.window_started_at) + this.policy.addressWindowMs;
      return { refused: 'addressLimited', retryAfterSeconds: secondsUntil(until, now) };
    }
    return null;
  }

  private windowFull(row: LimitRow, maxFailures: number, windowMs: number, now: Date): boolean {
    return row.failures >= maxFailures && epochMs(row.window_started_at) + windowMs > now.getTime();
  }

  /**
   * The end of an account's wait after `failures` consecutive failures, the last at
   * `lastFailureMs`: growing delays after `accountDelayAfter` failures; while its
   * municipality is under attack, longer ones from the first failure.
   */
  private accountWaitsUntil(failures: number, lastFailureMs: number, underAttack: boolean): number {
    const { accountDelayAfter, accountBaseDelayMs, accountMaxDelayMs, municipalityBaseDelayMs } = this.policy;
    const growing = (base: number, over: number): number => (over < 0 ? 0 : Math.min(base * 2 ** Math.min(over, 30), accountMaxDelayMs));
    const delay = Math.max(
      growing(accountBaseDelayMs, failures - accountDelayAfter),
      underAttack ? growing(municipalityBaseDelayMs, failures - 1) : 0,
    );
    return delay === 0 ? 0 : lastFailureMs + delay;
  }

  /**
   * Counts one failure under all its subjects in one statement (so instances sharing
   * the database add up, and a known username costs the same round trips as an
   * unknown one — no timing hint which exists). Address and municipality count in
   * fixed windows (one that ran out starts again); an account's failures are
   * consecutive, not windowed: only a success or an admin resets them.
   */
  async recordFailure(q: Queryable, who: SignInSubjects, now: Date): Promise<SignInFailureCount> {
    const subjects = [
      addressSubject(who.address),
      ...(who.account === null ? [] : [municipalitySubject(who.account.municipalityId), accountSubject(who.account.id)]),
    ].sort();
    const windowStart = (windowMs: number): string => new Date(now.getTime() - windowMs).toISOString();
    const rows = await q.query<{ subject: string; failures: number; locked: boolean }>(
      `WITH params AS (
         SELECT $2::timestamptz AS at, $3::timestamptz AS address_start, $4::timestamptz AS municipality_start, $5::int AS lock_after
       )
       INSERT INTO sign_in_limits AS l (subject, failures, window_started_at, last_failure_at, locked_at)
       SELECT s, 1, p.at, p.at, CASE WHEN s LIKE 'account:%' AND p.lock_after <= 1 THEN p.at END
         FROM unnest($1::text[]) WITH ORDINALITY AS u(s, n), params p ORDER BY n
       ON CONFLICT (subject) DO UPDATE SET
         failures = CASE
           WHEN l.subject LIKE 'account:%' THEN l.failures + 1
           WHEN l.window_started_at <= (SELECT CASE WHEN l.subject LIKE 'address:%' THEN address_start ELSE municipality_start END FROM params) THEN 1
           ELSE l.failures + 1 END,
         window_started_at = CASE
           WHEN l.subject LIKE 'account:%' THEN l.window_started_at
           WHEN l.window_started_at <= (SELECT CASE WHEN l.subject LIKE 'address:%' THEN address_start ELSE municipality_start END FROM params)
             THEN EXCLUDED.window_started_at
           ELSE l.window_started_at END,
         last_failure_at = EXCLUDED.last_failure_at,
         locked_at = CASE
           WHEN l.subject LIKE 'account:%'
             THEN COALESCE(l.locked_at, CASE WHEN l.failures + 1 >= (SELECT lock_after FROM params) THEN EXCLUDED.last_failure_at END)
           ELSE l.locked_at END
       RETURNING subject, failures, locked_at IS NOT NULL AS locked`,
      [
        subjects,
        now.toISOString(),
        windowStart(this.policy.addressWindowMs),
        windowStart(this.policy.municipalityWindowMs),
        this.policy.accountLockAfter,
      ],
    );
    if (who.account === null) return { locked: false, municipalityLimitReached: false };
    const account = rows.find((row) => row.subject === accountSubject(who.account?.id ?? ''));
    const municipality = rows.find((row) => row.subject === municipalitySubject(who.account?.municipalityId ?? ''));
    return {
      locked: account?.locked ?? false,
      municipalityLimitReached: municipality?.failures === this.policy.municipalityMaxFailures,
    };
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
