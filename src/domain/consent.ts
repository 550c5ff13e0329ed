// Consent rules (DESIGN.md §3): nothing about a family is recorded unless a
// consent covers it. Used on the tablet before saving and on the server
// before accepting, so neither can hold a record the other would refuse.
import type { ConsentContent, ConsentScope } from '@shared/records/consent';
import type { RecordKind } from '@shared/records/sync-record';

/** Which consent scope a record kind needs when it names a case. */
const REQUIRED_SCOPE: Record<RecordKind, ConsentScope | null> = {
  homeContact: 'documentation',
  consent: null,
  consentRefusal: null,
  consentWithdrawal: null,
  welcomeVisit: 'documentation',
  welcomeVisitAttempt: null,
  mediation: 'documentation',
  screening: 'documentation',
  referral: 'referral',
};

export function requiredScope(kind: RecordKind): ConsentScope | null {
  return REQUIRED_SCOPE[kind];
}

export type ConsentVerdict = { ok: true } | { ok: false; reason: 'consentMissing' | 'caseWithdrawn' };

/**
 * May a record of `kind` for a case be saved, given the case's latest consent
 * (undefined if none) and whether the case was withdrawn?
 */
export function consentCovers(
  kind: RecordKind,
  caseNumber: string | null,
  consent: Pick<ConsentContent, 'scopes'> | undefined,
  withdrawn: boolean,
): ConsentVerdict {
  if (caseNumber === null) return { ok: true }; // anonymous: no case, nothing personal
  if (withdrawn) return { ok: false, reason: 'caseWithdrawn' };
  const scope = requiredScope(kind);
  if (scope === null) return { ok: true };
  if (!consent?.scopes.includes(scope)) return { ok: false, reason: 'consentMissing' };
  return { ok: true };
}

export class ConsentMissingError extends Error {
  override readonly name = 'ConsentMissingError';
  constructor(readonly reason: 'consentMissing' | 'caseWithdrawn') {
    super(reason);
  }
}
