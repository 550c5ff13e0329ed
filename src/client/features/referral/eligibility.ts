// May staff make a referral from this record? Only from a record of a referral
// source kind (src/domain/referral-sources.ts: screening, welcome visit) of a case whose consent covers referral, and only once the
// record is approved (four-eyes, src/domain/four-eyes.ts) or needs no second check.
// The consent must be on this tablet (it is kept after sync): without it, nothing
// here knows whether the family agreed to a referral.
import type { StoredRecord } from '../../storage';
import type { ConsentScope } from '@shared/records/consent';
import { isReferralSourceKind } from '@domain/referral-sources';

export type ReferralBlocker = 'notReferable' | 'notApproved' | 'consentNotOnTablet' | 'noReferralConsent';

/** `consentScopes`: the scopes of the case's consent on this tablet; undefined when the tablet holds none (or it was withdrawn). */
export function referralBlocker(record: StoredRecord, consentScopes: readonly ConsentScope[] | undefined): ReferralBlocker | null {
  const kind = record.envelope?.kind;
  if (record.envelope === null || !isReferralSourceKind(kind)) return 'notReferable';
  const review = record.reviewState;
  if (review !== 'approved' && review !== 'notRequired') return 'notApproved';
  if (consentScopes === undefined) return 'consentNotOnTablet';
  if (!consentScopes.includes('referral')) return 'noReferralConsent';
  return null;
}
