// Server-side retention (docs/DEPLOYMENT.md "Retention"): once its period is over, a case's
// records, a referral, a sign-in's tokens and the oldest audit entries are deleted — by the
// daily job (jobs/retention.ts) or `npm run retention`. Each municipality is handled in its
// own transaction, and every deletion is itself audited (counts only, never a case number).
// Published reports keep their figures: the deletion leaves report_counts alone (028_retention.sql).
import { inEachMunicipality, withMunicipality } from '../db/tenant-scope';
import type { Database, Queryable } from '../db/database';
import { SERVER_WIDE_AUDIT, audit } from './audit';

export interface RetentionPolicy {
  /** A case's records (all revisions, with their reviews) after the case's last record and referral change. */
  recordDays: number;
  /** A referral (with its state history and call-back boxes) after its last state change. */
  referralDays: number;
  /** Access and refresh tokens of a sign-in after they expired. */
  sessionDays: number;
  /** Audit entries; never below MIN_AUDIT_RETENTION_DAYS (the database refuses it too). */
  auditDays: number;
}

/** The database's floor (028_retention.sql audit_log_minimum_retention). */
export const MIN_AUDIT_RETENTION_DAYS = 365;

/**
 * Three years for case data: the regular limitation period (§ 195 BGB, from the end of the year)
 * during which an organisation may have to show what it did for a family, and long enough for the
 * year-on-year reports of the municipality. 90 days for tokens: enough to investigate a sign-in
 * incident, nothing a user needs. Three years of audit, so every read of a case that can still
 * exist stays explainable. docs/DEPLOYMENT.md argues each.
 */
export const DEFAULT_RETENTION: RetentionPolicy = { recordDays: 1095, referralDays: 1095, sessionDays: 90, auditDays: 1095 };

const ENV_NAMES: Record<keyof RetentionPolicy, string> = {
  recordDays: 'RETENTION_RECORD_DAYS',
  referralDays: 'RETENTION_REFERRAL_DAYS',
  sessionDays: 'RETENTION_SESSION_DAYS',
  auditDays: 'RETENTION_AUDIT_DAYS',
};

/** The policy from the environment; a malformed or out-of-range value stops the start with its name. */
export function retentionFromEnv(env: NodeJS.ProcessEnv): RetentionPolicy {
  const policy = { ...DEFAULT_RETENTION };
  for (const key of Object.keys(ENV_NAMES) as (keyof RetentionPolicy)[]) {
    const name = ENV_NAMES[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    const min = key === 'auditDays' ? MIN_AUDIT_RETENTION_DAYS : 1;
    if (!Number.isInteger(value) || value < min || value > 36_500) {
      throw new Error(`${name} must be a whole number of days ${String(min)}–36500: ${raw}`);
    }
    policy[key] = value;
  }
  return policy;
}

export interface RetentionOutcome {
  municipalityId: string;
  records: number;
  referrals: number;
  sessions: number;
  auditEntries: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const before = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/** Deletes what is past its period in every municipality (and the server-wide audit chain); returns what went. */
export async function applyRetention(db: Database, policy: RetentionPolicy, now: Date): Promise<RetentionOutcome[]> {
  if (policy.auditDays < MIN_AUDIT_RETENTION_DAYS) throw new Error(`audit retention below ${String(MIN_AUDIT_RETENTION_DAYS)} days`);
  // Row-level security (migration 027) shows one municipality at a time: each in its own scope,
  // then the server-wide chain, which belongs to none.
  const outcomes = await inEachMunicipality(db, (id) => db.transaction((tx) => applyToMunicipality(tx, id, policy, now)));
  outcomes.push(await withMunicipality(null, () => db.transaction((tx) => applyToMunicipality(tx, SERVER_WIDE_AUDIT, policy, now))));
  return outcomes;
}

async function applyToMunicipality(tx: Queryable, municipalityId: string, policy: RetentionPolicy, now: Date): Promise<RetentionOutcome> {
  const outcome: RetentionOutcome = { municipalityId, records: 0, referrals: 0, sessions: 0, auditEntries: 0 };
  if (municipalityId !== SERVER_WIDE_AUDIT) {
    const recordCutoff = before(now, policy.recordDays);
    // Reports already published keep their counts (028_retention.sql); local to this transaction.
    await tx.query("SELECT set_config('lotse.retention_delete', 'on', true)");
    // A case ends when neither a record nor a referral of it changed within the period; a record
    // without a case number when none of its revisions did. Tombstones of withdrawn cases go too.
    const [records] = await tx.query<{ n: string }>(
      `WITH expired_cases AS (
         SELECT r.case_number FROM records r
          WHERE r.municipality_id = $1 AND r.case_number IS NOT NULL
          GROUP BY r.case_number
         HAVING max(r.received_at) < $2
            AND NOT EXISTS (SELECT 1 FROM referrals f
                             WHERE f.municipality_id = $1 AND f.case_number = r.case_number AND f.state_changed_at >= $2)
       ), gone AS (
         DELETE FROM records r
          WHERE r.municipality_id = $1
            AND (r.case_number IN (SELECT case_number FROM expired_cases)
                 OR (r.case_number IS NULL
                     AND NOT EXISTS (SELECT 1 FROM records n WHERE n.municipality_id = $1 AND n.id = r.id AND n.received_at >= $2)))
         RETURNING r.id
       )
       SELECT count(DISTINCT id)::text AS n FROM gone`,
      [municipalityId, recordCutoff],
    );
    await tx.query('DELETE FROM case_tombstones WHERE municipality_id = $1 AND withdrawn_at < $2', [municipalityId, recordCutoff]);
    await tx.query("SELECT set_config('lotse.retention_delete', '', true)");
    outcome.records = Number(records?.n ?? 0);

    const [referrals] = await tx.query<{ n: string }>(
      `WITH gone AS (DELETE FROM referrals WHERE municipality_id = $1 AND state_changed_at < $2 RETURNING id)
       SELECT count(*)::text AS n FROM gone`,
      [municipalityId, before(now, policy.referralDays)],
    );
    outcome.referrals = Number(referrals?.n ?? 0);

    const sessionCutoff = before(now, policy.sessionDays);
    const [access] = await tx.query<{ n: string }>(
      `WITH gone AS (DELETE FROM sessions WHERE municipality_id = $1 AND expires_at < $2 RETURNING 1)
       SELECT count(*)::text AS n FROM gone`,
      [municipalityId, sessionCutoff],
    );
    const [refresh] = await tx.query<{ n: string }>(
      `WITH gone AS (DELETE FROM refresh_tokens WHERE municipality_id = $1 AND expires_at < $2 RETURNING 1)
       SELECT count(*)::text AS n FROM gone`,
      [municipalityId, sessionCutoff],
    );
    outcome.sessions = Number(access?.n ?? 0) + Number(refresh?.n ?? 0);

    const deletions = [
      ['retention.recordsDeleted', outcome.records],
      ['retention.referralsDeleted', outcome.referrals],
      ['retention.sessionsDeleted', outcome.sessions],
    ] as const;
    for (const [action, count] of deletions) {
      if (count > 0) await audit(tx, { municipalityId, actorId: null, action, objectId: String(count) });
    }
  }
  // Last, so this run's own entries are among those kept; the function appends the anchor entry.
  const [expired] = await tx.query<{ n: string }>('SELECT audit_log_expire($1, $2)::text AS n', [
    municipalityId,
    before(now, policy.auditDays),
  ]);
  outcome.auditEntries = Number(expired?.n ?? 0);
  return outcome;
}
