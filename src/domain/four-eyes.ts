// The second check (Vier-Augen-Prinzip, DESIGN.md §4). Which records need it
// (per municipality), and the ONE verdict on a review that both the tablet
// (before it shows "approved") and the server (before it stores it) compute,
// so the tablet never shows a state the server will refuse:
//   - the review id was never used;
//   - it is about the latest revision, and the signed subject (id, revision,
//     kind, case number, content hash) is exactly the stored one;
//   - the author signed as the record's author, the reviewer as the reviewer;
//   - both keys are enrolled for those accounts and not revoked;
//   - both signatures verify;
//   - author and reviewer are different PEOPLE (not merely accounts or keys);
//   - the reviewer is an active approver of the author's organisation.
import type { SyncRecord, RecordKind } from '@shared/records/sync-record';
import { isReferralSourceKind, recommendedOffers } from './referral-sources';
import { authorStatement, reviewerStatement, verifyStatement, type ReviewSubmission, type SignedSubject } from '@shared/four-eyes';

export interface FourEyesPolicy {
  /** Record kinds that always need the second check. */
  kinds: readonly RecordKind[];
  /**
   * Whether referrals need it: the referral record itself (a partner sees the family only once a
   * second person of the referring organisation approved it) and any record that recommends offers.
   */
  forReferrals: boolean;
}

/** Default: screenings, referrals and any record that recommends offers; HOME tallies never. */
export const DEFAULT_FOUR_EYES_POLICY: FourEyesPolicy = { kinds: ['screening'], forReferrals: true };

/** Anonymous counts have no case: nothing about a family to check, and nothing to refer. */
const NEVER_CHECKED: ReadonlySet<RecordKind> = new Set(['consentRefusal', 'consentWithdrawal', 'welcomeVisitAttempt']);

/** Records that recommend offers to the family start a referral (./referral-sources.ts says which kinds can). */
export function createsReferral(record: SyncRecord): boolean {
  return isReferralSourceKind(record.kind) && recommendedOffers(record).length > 0;
}

export function needsSecondCheck(record: SyncRecord, policy: FourEyesPolicy): boolean {
  if (NEVER_CHECKED.has(record.kind)) return false;
  // An anonymous HOME tally (no case) is never checked, whatever the configuration.
  if (record.kind === 'homeContact' && record.caseNumber === null) return false;
  if (policy.kinds.includes(record.kind)) return true;
  // One person alone never sends a family to a partner (finding M2): the referral itself is checked.
  return policy.forReferrals && (record.kind === 'referral' || createsReferral(record));
}

export function subjectOf(record: SyncRecord): SignedSubject {
  return {
    recordId: record.id,
    revision: record.revision,
    kind: record.kind,
    caseNumber: record.caseNumber,
    contentHash: record.contentHash,
  };
}

/** What the verifier knows about one signer's account and the key their signature names. */
export interface SignerFacts {
  accountId: string;
  /** The human being; several accounts may share it. */
  personId: string;
  organisationId: string;
  roles: readonly string[];
  active: boolean;
  /** The key with the fingerprint the signature names, if it is enrolled for this account. */
  key: { publicKey: string; revoked: boolean } | undefined;
}

export interface ReviewFacts {
  /** The stored record revision the review names, and the latest revision of that record. */
  record: (SignedSubject & { authorId: string; latestRevision: number }) | undefined;
  author: SignerFacts | undefined;
  reviewer: SignerFacts | undefined;
  reviewIdUsed: boolean;
  /** A decision on this revision exists already. */
  alreadyDecided: boolean;
}

export type ReviewRejectionReason =
  | 'reviewIdUsed'
  | 'notFound'
  | 'staleRevision'
  | 'hashMismatch'
  | 'unknownKey'
  | 'keyRevoked'
  | 'invalidSignature'
  | 'selfApproval'
  | 'notApprover'
  | 'alreadyReviewed';

export type ReviewVerdict =
  | { ok: true }
  | {
      ok: false;
      reason: ReviewRejectionReason;
      /** Forged or tampered signatures, or an attempt to approve one's own record: logged as security events. */
      securityEvent: boolean;
    };

const refuse = (reason: ReviewRejectionReason, securityEvent = false): ReviewVerdict => ({ ok: false, reason, securityEvent });

function sameSubject(a: SignedSubject, b: SignedSubject): boolean {
  return (
    a.recordId === b.recordId &&
    a.revision === b.revision &&
    a.kind === b.kind &&
    a.caseNumber === b.caseNumber &&
    a.contentHash === b.contentHash
  );
}

export async function verifyReview(review: ReviewSubmission, facts: ReviewFacts): Promise<ReviewVerdict> {
  if (facts.reviewIdUsed) return refuse('reviewIdUsed', true);
  const record = facts.record;
  if (!record) return refuse('notFound');
  // A changed record voids earlier approvals: only the latest revision can be decided on.
  if (review.revision < record.latestRevision) return refuse('staleRevision');
  const subject: SignedSubject = {
    recordId: review.recordId,
    revision: review.revision,
    kind: review.kind,
    caseNumber: review.caseNumber,
    contentHash: review.contentHash,
  };
  if (!sameSubject(subject, record)) return refuse('hashMismatch', true);
  const { author, reviewer } = facts;
  if (review.author.signerId !== record.authorId || !author || author.accountId !== record.authorId)
    return refuse('invalidSignature', true);
  if (!reviewer || reviewer.accountId !== review.reviewer.signerId) return refuse('unknownKey');
  if (!author.key || !reviewer.key) return refuse('unknownKey');
  if (author.key.revoked || reviewer.key.revoked) return refuse('keyRevoked');
  const authorOk = await verifyStatement(
    author.key.publicKey,
    authorStatement(subject, review.id, review.author.signerId, review.author.keyFingerprint),
    review.author.signature,
  );
  const reviewerOk = await verifyStatement(
    reviewer.key.publicKey,
    await reviewerStatement(
      subject,
      { reviewId: review.id, decision: review.decision, comment: review.comment, authorSignature: review.author.signature },
      review.reviewer.signerId,
      review.reviewer.keyFingerprint,
    ),
    review.reviewer.signature,
  );
  if (!authorOk || !reviewerOk) return refuse('invalidSignature', true);
  if (author.personId === reviewer.personId || author.accountId === reviewer.accountId) return refuse('selfApproval', true);
  if (!reviewer.active || !reviewer.roles.includes('approver') || reviewer.organisationId !== author.organisationId)
    return refuse('notApprover');
  if (facts.alreadyDecided) return refuse('alreadyReviewed');
  return { ok: true };
}
