// Throttle of partners' case-number look-ups, kept in the database (migration 018)
// like the sign-in limits, so every backend instance shares one count. Misses — a
// valid case number with no referral to the partner's offers — are counted in fixed
// windows per partner account and per client address; past either limit every
// look-up is refused, a hit too, until the window ends. Each miss and refusal is
// audited (object: the client address, never the case number). A case number has
// 65 random bits, so guessing is hopeless anyway; this makes trying visible and slow.
import type { Database } from '../db/database';
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

/**
 * What the look-up statement needs to refuse in the same round trip (ReferralService.lookupForPartner):
 * the partner's subjects with their limits, and the instant to compare the windows with.
 */
export interface LookupGate {
  subjects: string[];
  maxMisses: number[];
  windowMs: number[];
  now: Date;
}

/**
 * An SQL expression: until when the gate's subjects are refused (the latest end of a window
 * whose misses reached its limit), or null. The arguments are the caller's parameters holding
 * the gate's `subjects` (text[]), `maxMisses` (int[]) and `windowMs` (bigint[]).
 */
export function refusedUntilSql(subjects: string, maxMisses: string, windowMs: string): string {
  return `(SELECT max(l.window_started_at + g.window_ms * interval '1 millisecond')
             FROM partner_lookup_limits l
             JOIN unnest(${subjects}::text[], ${maxMisses}::int[], ${windowMs}::bigint[]) AS g(subject, max_misses, window_ms)
               ON l.subject = g.subject
            WHERE l.misses >= g.max_misses)`;
}

export class PartnerLookupLimits {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    readonly policy: PartnerLookupLimitPolicy = DEFAULT_PARTNER_LOOKUP_LIMITS,
  ) {}

  /** The gate of one look-up: checked by the look-up's own statement, before anything is read. */
  gate(user: SessionUser, address: string): LookupGate {
    const subjects = subjectsOf(user, address);
    return {
      subjects: subjects.map((s) => s.subject),
      maxMisses: subjects.map((s) => this.policy[s.scope].maxMisses),
      windowMs: subjects.map((s) => this.policy[s.scope].windowMs),
      now: this.clock(),
    };
  }

  /**
   * Seconds to wait — and the refusal audited — if the look-up's statement found this gate
   * refused (`refusedUntil`, the end of the refusal, from refusedUntilSql compared with the
   * gate's instant); null if the look-up went ahead.
   */
  async refusedFor(user: SessionUser, address: string, gate: LookupGate, refusedUntil: string | null): Promise<number | null> {
    if (refusedUntil === null) return null;
    await audit(this.db, {
      municipalityId: user.municipalityId,
      actorId: user.id,
      action: 'security.partnerLookup.throttled',
      objectId: address,
    });
    return Math.max(1, Math.ceil((Date.parse(refusedUntil) - gate.now.getTime()) / 1000));
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
