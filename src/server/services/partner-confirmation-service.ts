// Confirmation without an account (docs/REFERRALS.md): a partner organisation
// with no Lotse account confirms uptake on one public page with the slip code
// the family brings and the offer's partner key. Neither alone is enough; the
// slip code works once and never after the referral reached a final state.
// Every attempt is throttled (services/confirmation-limits.ts) before anything
// is compared, every failure is counted and — where the offer is known by the
// key's public id — audited. The answer names the offer and the referral's
// date only: never the case number, the note or anything about the family.
import { timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { withMunicipality } from '../db/tenant-scope';
import type { PublicConfirmation } from '@shared/referral-api';
import { FINAL_STATES, canTransition, isReferralReason, isReferralState } from '@domain/referral-state';
import type { ReferralReason, ReferralState } from '@domain/referral-state';
import { partnerKeyId } from '@domain/slip-code';
import { ServiceError } from './service-error';
import { audit, type AuditAction } from './audit';
import { partnerKeyHash, slipCodeHash } from './confirmation-secrets';
import { ConfirmationLimits, type ConfirmationSubjects } from './confirmation-limits';
import { PARTNER_VISIBLE, noResponseWeeksOf } from './referral-service';

/** Refused by the throttle: the route adds Retry-After. */
export class ConfirmationThrottled extends ServiceError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rateLimited', 'Too many failed attempts. Please try again later.');
  }
}

/** One message for a wrong key and a wrong code: the page does not tell a guesser which one was right. */
const WRONG_CODE_OR_KEY = 'Slip code or partner key is wrong.';

interface OfferRow {
  municipality_id: string;
  id: string;
  name: string;
  partner_key_hash: string;
}

interface ReferralRow {
  id: string;
  state: string;
  state_reason: string | null;
  created_at: unknown;
  state_changed_at: unknown;
  slip_code_used_at: unknown;
  verified: boolean;
}

export interface ConfirmationAttempt {
  slipCode: string;
  partnerKey: string;
}

function stateOf(value: string): ReferralState {
  if (!isReferralState(value)) throw new Error('unknown referral state in the database');
  return value;
}

function reasonOf(value: string | null): ReferralReason | null {
  return value !== null && isReferralReason(value) ? value : null;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export class PartnerConfirmationService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
    readonly limits: ConfirmationLimits = new ConfirmationLimits(),
  ) {}

  /** What the page shows before the tap: offer name, referral date, state. Audited as a view. */
  async lookup(attempt: ConfirmationAttempt, address: string): Promise<PublicConfirmation> {
    return this.asKeyHolder(attempt.partnerKey, () => this.lookupInMunicipality(attempt, address));
  }

  /**
   * The page has no session: the partner key's id names the municipality it acts for (the one
   * look-up across municipalities, migration 027); an unknown key acts for none.
   */
  private async asKeyHolder<T>(partnerKey: string, fn: () => Promise<T>): Promise<T> {
    return withMunicipality(await this.db.lookUpMunicipality('partnerKey', partnerKeyId(partnerKey)), fn);
  }

  private async lookupInMunicipality(attempt: ConfirmationAttempt, address: string): Promise<PublicConfirmation> {
    const { offer, referral } = await this.authorise(this.db, attempt, address);
    await audit(this.db, { municipalityId: offer.municipality_id, actorId: null, action: 'referral.viewed', objectId: referral.id });
    return this.answer(offer, referral);
  }

  /** The one tap: moves the referral (state machine and reason rules as for a signed-in partner) and uses up the code. */
  async confirm(
    attempt: ConfirmationAttempt & { state: ReferralState; reason: ReferralReason | null },
    address: string,
  ): Promise<PublicConfirmation> {
    return this.asKeyHolder(attempt.partnerKey, () => this.confirmInMunicipality(attempt, address));
  }

  private async confirmInMunicipality(
    attempt: ConfirmationAttempt & { state: ReferralState; reason: ReferralReason | null },
    address: string,
  ): Promise<PublicConfirmation> {
    const { offer } = await this.authorise(this.db, attempt, address);
    const now = this.clock();
    const refusal = await this.db.transaction(async (tx) => {
      const codeHash = slipCodeHash(offer.municipality_id, offer.id, attempt.slipCode);
      const referral = await this.referralByCode(tx, offer, codeHash, true);
      // Checked again under the row lock: a second tap racing the first finds the code used.
      if (!referral?.verified || referral.slip_code_used_at !== null || FINAL_STATES.has(stateOf(referral.state))) {
        return { status: 409, issue: 'slipCodeUsed', objectId: referral?.id ?? null } as const;
      }
      const from = stateOf(referral.state);
      const verdict = canTransition(
        from,
        attempt.state,
        'partner',
        {
          stateChangedAt: new Date(toIsoTimestamp(referral.state_changed_at)),
          now,
          noResponseWeeks: await noResponseWeeksOf(tx, offer.municipality_id),
        },
        attempt.reason,
      );
      if (!verdict.ok) {
        const reasonRule = verdict.reason === 'reasonRequired' || verdict.reason === 'reasonNotForState';
        return { status: reasonRule ? 400 : 409, issue: verdict.reason, objectId: referral.id } as const;
      }
      await tx.query(
        `UPDATE referrals SET state = $3, state_reason = $4, state_changed_at = $5, slip_code_used_at = $5
          WHERE municipality_id = $1 AND id = $2::uuid`,
        [offer.municipality_id, referral.id, attempt.state, attempt.reason, now],
      );
      await tx.query(
        `INSERT INTO referral_state_changes (municipality_id, referral_id, state, reason, changed_at, changed_by)
         VALUES ($1, $2::uuid, $3, $4, $5, NULL)`,
        [offer.municipality_id, referral.id, attempt.state, attempt.reason, now],
      );
      const entry = { municipalityId: offer.municipality_id, actorId: null, objectId: referral.id };
      await audit(tx, { ...entry, action: `referral.${attempt.state}` });
      await audit(tx, { ...entry, action: 'referral.confirmedWithPartnerKey' });
      return { referral: { ...referral, state: attempt.state, state_reason: attempt.reason } };
    });
    if ('referral' in refusal) return this.answer(offer, refusal.referral);
    await audit(this.db, {
      municipalityId: offer.municipality_id,
      actorId: null,
      action: refusal.status === 400 ? 'referral.refusedReason' : 'referral.confirmationRefused',
      objectId: refusal.objectId,
    });
    throw new ServiceError(refusal.status, refusal.status === 400 ? 'invalidRequest' : 'conflict', 'This confirmation is not possible.', [
      { path: refusal.status === 400 ? 'reason' : 'state', message: refusal.issue },
    ]);
  }

  /**
   * Throttle first, then the key (by its public id, compared in constant time),
   * then the code within that offer. Every failure is counted; a known offer's
   * failures are audited against it (object: the offer or the referral).
   */
  private async authorise(
    q: Queryable,
    attempt: ConfirmationAttempt,
    address: string,
  ): Promise<{ offer: OfferRow; referral: ReferralRow }> {
    const now = this.clock();
    const keyId = partnerKeyId(attempt.partnerKey);
    const subjects: ConfirmationSubjects = { address, keyId };
    const [offer] = await q.query<OfferRow>(
      'SELECT municipality_id, id, name, partner_key_hash FROM offers WHERE partner_key_id = $1 AND partner_key_hash IS NOT NULL',
      [keyId],
    );
    const fail = async (action: AuditAction, objectId: string | null): Promise<void> => {
      await this.limits.recordFailure(q, subjects, now);
      if (offer) await audit(q, { municipalityId: offer.municipality_id, actorId: null, action, objectId });
    };
    const refusal = await this.limits.refusal(q, subjects, now);
    if (refusal !== null) {
      if (offer)
        await audit(q, {
          municipalityId: offer.municipality_id,
          actorId: null,
          action: 'security.confirmation.throttled',
          objectId: offer.id,
        });
      throw new ConfirmationThrottled(refusal.retryAfterSeconds);
    }
    if (!offer || !sameHash(offer.partner_key_hash, partnerKeyHash(attempt.partnerKey))) {
      await fail('security.confirmation.wrongKey', offer?.id ?? null);
      throw new ServiceError(403, 'forbidden', WRONG_CODE_OR_KEY);
    }
    const referral = await this.referralByCode(q, offer, slipCodeHash(offer.municipality_id, offer.id, attempt.slipCode), false);
    if (!referral) {
      await fail('security.confirmation.wrongCode', offer.id);
      throw new ServiceError(403, 'forbidden', WRONG_CODE_OR_KEY);
    }
    // Like the partner view: a referral whose source or own second check is pending does not exist for the
    // partner yet — the same answer and the same counted failure as an unknown code (no existence leak);
    // only the audit (never shown to the caller) tells the office which it was.
    if (!referral.verified) {
      await fail('referral.confirmationAwaitingCheck', referral.id);
      throw new ServiceError(403, 'forbidden', WRONG_CODE_OR_KEY);
    }
    // A used code or a closed referral counts as a failure too: a guesser learns nothing cheaper from it.
    if (referral.slip_code_used_at !== null || FINAL_STATES.has(stateOf(referral.state))) {
      await fail('referral.confirmationRefused', referral.id);
      const issue = referral.slip_code_used_at !== null ? 'slipCodeUsed' : 'referralClosed';
      throw new ServiceError(409, 'conflict', 'This slip code can no longer be used.', [{ path: 'slipCode', message: issue }]);
    }
    return { offer, referral };
  }

  private async referralByCode(q: Queryable, offer: OfferRow, codeHash: string, lock: boolean): Promise<ReferralRow | undefined> {
    const [row] = await q.query<ReferralRow>(
      `SELECT r.id::text AS id, r.state, r.state_reason, r.created_at, r.state_changed_at, r.slip_code_used_at,
              ${PARTNER_VISIBLE} AS verified
         FROM referrals r
        WHERE r.municipality_id = $1 AND r.offer_id = $2 AND r.slip_code_hash = $3
        ${lock ? 'FOR UPDATE OF r' : ''}`,
      [offer.municipality_id, offer.id, codeHash],
    );
    return row;
  }

  private answer(offer: OfferRow, referral: Pick<ReferralRow, 'state' | 'state_reason' | 'created_at'>): PublicConfirmation {
    return {
      offerName: offer.name,
      referredOn: toIsoTimestamp(referral.created_at).slice(0, 10),
      state: stateOf(referral.state),
      reason: reasonOf(referral.state_reason),
    };
  }
}
