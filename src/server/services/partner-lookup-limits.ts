// Throttle of partners' case-number look-ups, kept in the database (migration 018)
// like the sign-in limits, so every backend instance shares one count. Misses — a
// valid case number with no referral to the partner's offers — are counted in fixed
// windows per partner account and per client address; past either limit every
// look-up is refused, a hit too, until the window ends. Each miss and refusal is
// audited (object: the client address, never the case number). A case number has
// 65 random bits, so guessing is hopeless anyway; this makes trying visible and slow.
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { audit } from './audit';

interface WindowLimit {
  maxMisses: number;
  windowMs: number;
}

export interface PartnerLookupLimitPolicy {
  /** Misses of one partner account, from any address. */
  account: WindowLimit;
  /** Misses from one client address, across accounts. */
  address: WindowLimit;
}

export const DEFAULT_PARTNER_LOOKUP_LIMITS: PartnerLookupLimitPolicy = {
  account: { maxMisses: 30, windowMs: 60 * 60_000 },
  address: { maxMisses: 60, windowMs: 60 * 60_000 },
};

type Scope = keyof PartnerLookupLimitPolicy;

function subjectsOf(user: SessionUser, address: string): { subject: string; scope: Scope }[] {
  return [
    { subject: `account:${user.id}`, scope: 'account' },
    { subject: `address:${address.slice(0, 200)}`, scope: 'address' },
  ];
}

export class PartnerLookupLimits {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    readonly policy: PartnerLookupLimitPolicy = DEFAULT_PARTNER_LOOKUP_LIMITS,
  ) {}

  /** Seconds to wait if this partner or address may not look up now (audited), else null; asked before the look-up. */
  async refusal(user: SessionUser, address: string): Promise<number | null> {
    const now = this.clock();
    const subjects = subjectsOf(user, address);
    const rows = await this.db.query<{ subject: string; misses: number; window_started_at: unknown }>(
      'SELECT subject, misses, window_started_at FROM partner_lookup_limits WHERE subject = ANY($1::text[])',
      [subjects.map((s) => s.subject)],
    );
    let until = 0;
    for (const { subject, scope } of subjects) {
      const row = rows.find((r) => r.subject === subject);
      const limit = this.policy[scope];
      if (!row || row.misses < limit.maxMisses) continue;
      until = Math.max(until, Date.parse(toIsoTimestamp(row.window_started_at)) + limit.windowMs);
    }
    if (until <= now.getTime()) return null;
    await audit(this.db, {
      municipalityId: user.municipalityId,
      actorId: user.id,
      action: 'security.partnerLookup.throttled',
      objectId: address,
    });
    return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
  }

  /** Counts and audits one miss, atomically per subject (a window that ran out starts again). */
  async recordMiss(user: SessionUser, address: string): Promise<void> {
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      for (const { subject, scope } of subjectsOf(user, address)) {
        await tx.query(
          `INSERT INTO partner_lookup_limits AS l (subject, misses, window_started_at) VALUES ($1, 1, $2)
           ON CONFLICT (subject) DO UPDATE SET
             misses = CASE WHEN l.window_started_at <= $3 THEN 1 ELSE l.misses + 1 END,
             window_started_at = CASE WHEN l.window_started_at <= $3 THEN $2 ELSE l.window_started_at END`,
          [subject, now.toISOString(), new Date(now.getTime() - this.policy[scope].windowMs).toISOString()],
        );
      }
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'security.partnerLookup.miss', objectId: address });
    });
  }
}
