// Throttling of the public confirmation page (confirmation without an account),
// kept in the database like the sign-in limits (services/sign-in-limits.ts), so
// every backend instance shares one count. Failures are counted in fixed
// windows per client address, per offer key (across addresses: a guesser who
// holds the partner key and many addresses) and for the whole server. The
// arithmetic these numbers give is in docs/THREAT-MODEL.md; keep both in step.
import type { Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';

interface WindowLimit {
  maxFailures: number;
  windowMs: number;
}

export interface ConfirmationLimitPolicy {
  /** Failed attempts from one client address. */
  address: WindowLimit;
  /** Failed attempts naming one offer's key id (wrong secret or wrong slip code), from anywhere. */
  key: WindowLimit;
  /** Failed attempts of any kind, server-wide. */
  global: WindowLimit;
}

export const DEFAULT_CONFIRMATION_LIMITS: ConfirmationLimitPolicy = {
  address: { maxFailures: 10, windowMs: 60 * 60_000 },
  key: { maxFailures: 20, windowMs: 24 * 60 * 60_000 },
  global: { maxFailures: 1_000, windowMs: 60 * 60_000 },
};

export type ConfirmationLimitScope = keyof ConfirmationLimitPolicy;
export interface ConfirmationRefusal {
  scope: ConfirmationLimitScope;
  retryAfterSeconds: number;
}

/** The subjects one attempt is counted under; the key id is only known when the typed key is well-formed. */
export interface ConfirmationSubjects {
  address: string;
  keyId: string | null;
}

function subjectsOf({ address, keyId }: ConfirmationSubjects): { subject: string; scope: ConfirmationLimitScope }[] {
  return [
    { subject: `address:${address.slice(0, 200)}`, scope: 'address' },
    ...(keyId === null ? [] : [{ subject: `key:${keyId}`, scope: 'key' as const }]),
    { subject: 'global', scope: 'global' },
  ];
}

export class ConfirmationLimits {
  constructor(readonly policy: ConfirmationLimitPolicy = DEFAULT_CONFIRMATION_LIMITS) {}

  /** Whether an attempt may be checked at all; asked before any code or key is compared. */
  async refusal(q: Queryable, who: ConfirmationSubjects, now: Date): Promise<ConfirmationRefusal | null> {
    const subjects = subjectsOf(who);
    const rows = await q.query<{ subject: string; failures: number; window_started_at: unknown }>(
      'SELECT subject, failures, window_started_at FROM confirmation_limits WHERE subject = ANY($1::text[])',
      [subjects.map((s) => s.subject)],
    );
    for (const { subject, scope } of subjects) {
      const row = rows.find((r) => r.subject === subject);
      const limit = this.policy[scope];
      if (!row || row.failures < limit.maxFailures) continue;
      const until = Date.parse(toIsoTimestamp(row.window_started_at)) + limit.windowMs;
      if (until > now.getTime()) return { scope, retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) };
    }
    return null;
  }

  /** Counts one failure under every subject, atomically (one upsert each); a window that ran out starts again. */
  async recordFailure(q: Queryable, who: ConfirmationSubjects, now: Date): Promise<void> {
    for (const { subject, scope } of subjectsOf(who)) {
      await q.query(
        `INSERT INTO confirmation_limits AS l (subject, failures, window_started_at) VALUES ($1, 1, $2)
         ON CONFLICT (subject) DO UPDATE SET
           failures = CASE WHEN l.window_started_at <= $3 THEN 1 ELSE l.failures + 1 END,
           window_started_at = CASE WHEN l.window_started_at <= $3 THEN $2 ELSE l.window_started_at END`,
        [subject, now.toISOString(), new Date(now.getTime() - this.policy[scope].windowMs).toISOString()],
      );
    }
  }
}
