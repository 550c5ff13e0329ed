// Four-eyes signatures (DESIGN.md §4): what the author and the second person
// sign, and how a review travels. Both statements are canonical JSON over the
// record's id, revision, kind, case number and content hash, the signer, the
// signer's key (SHA-256 fingerprint of its SPKI) and the review id — one id per
// review, chosen when the author signs and never accepted twice. The tablet
// signs and the server verifies with this same code (ECDSA P-256, IEEE-P1363).
import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { CONTENT_HASH_PATTERN, sha256Hex } from './content-hash';
import { importPublicKey, verify } from './crypto/signing';
import { RECORD_KINDS, recordIdSchema, type RecordKind } from './records/sync-record';
import { ERROR_REASONS } from './protocol';
import { authorSignatureSchema, keyFingerprintSchema, signerSchema, type AuthorSignature, type Signer } from './records/author-signature';

export const FOUR_EYES_PURPOSE = 'lotse.four-eyes.v1';
export const REVIEW_DECISIONS = ['approved', 'sentBack'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
export const REVIEW_COMMENT_MAX_LENGTH = 1000;

const fingerprintSchema = keyFingerprintSchema;
export { authorSignatureSchema, signerSchema, type AuthorSignature, type Signer };

/** What both people sign about: exactly the stored revision. */
export interface SignedSubject {
  recordId: string;
  revision: number;
  kind: RecordKind;
  caseNumber: string | null;
  contentHash: string;
}

export function authorStatement(subject: SignedSubject, reviewId: string, signerId: string, keyFingerprint: string): string {
  return canonicalJson({
    purpose: FOUR_EYES_PURPOSE,
    role: 'author',
    reviewId,
    recordId: subject.recordId,
    revision: subject.revision,
    kind: subject.kind,
    caseNumber: subject.caseNumber,
    contentHash: subject.contentHash,
    signerId,
    keyFingerprint,
  });
}

export async function commentHash(comment: string | null): Promise<string | null> {
  return comment === null ? null : sha256Hex(comment);
}

export async function reviewerStatement(
  subject: SignedSubject,
  review: { reviewId: string; decision: ReviewDecision; comment: string | null; authorSignature: string },
  signerId: string,
  keyFingerprint: string,
): Promise<string> {
  return canonicalJson({
    purpose: FOUR_EYES_PURPOSE,
    role: 'reviewer',
    reviewId: review.reviewId,
    decision: review.decision,
    commentHash: await commentHash(review.comment),
    // The reviewer countersigns the author's signature: one cannot be paired with another author's.
    authorSignature: review.authorSignature,
    recordId: subject.recordId,
    revision: subject.revision,
    kind: subject.kind,
    caseNumber: subject.caseNumber,
    contentHash: subject.contentHash,
    signerId,
    keyFingerprint,
  });
}

/** SHA-256 of the canonical SPKI text: names a key in statements without carrying it. */
export function keyFingerprint(publicKeySpki: string): Promise<string> {
  return sha256Hex(publicKeySpki);
}

/** False for a wrong key, a changed statement, a malformed key or signature — never throws. */
export async function verifyStatement(publicKeySpki: string, statement: string, signature: string): Promise<boolean> {
  try {
    return await verify(await importPublicKey(publicKeySpki), statement, signature);
  } catch {
    return false;
  }
}

/** A review (approval or send-back) as sent to the server: both signatures and what they cover. */
export const reviewSubmissionSchema = z
  .strictObject({
    /** The review id the author signed; unique forever. */
    id: recordIdSchema,
    recordId: recordIdSchema,
    revision: z.int().min(1).max(1_000_000),
    kind: z.enum(RECORD_KINDS),
    caseNumber: z.string().max(40).nullable(),
    contentHash: z.string().regex(CONTENT_HASH_PATTERN),
    decision: z.enum(REVIEW_DECISIONS),
    /** Required for a send-back (what to correct), absent for an approval. */
    comment: z.string().trim().min(1, { message: 'commentRequired' }).max(REVIEW_COMMENT_MAX_LENGTH).nullable(),
    /** The reviewer's tablet clock (advisory). */
    signedAt: z.iso.datetime({ offset: true }),
    author: signerSchema,
    reviewer: signerSchema,
  })
  .refine((r) => (r.decision === 'sentBack') === (r.comment !== null), { message: 'commentRequired', path: ['comment'] });
export type ReviewSubmission = z.infer<typeof reviewSubmissionSchema>;

export const MAX_REVIEW_BATCH = 100;
export const submitReviewsRequestSchema = z.strictObject({
  deviceId: recordIdSchema,
  reviews: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_REVIEW_BATCH),
});

export const reviewResultSchema = z.strictObject({
  id: z.string().nullable(),
  outcome: z.enum(['accepted', 'rejected']),
  status: z.union([z.literal(200), z.literal(403), z.literal(404), z.literal(409), z.literal(422)]),
  reason: z.enum(ERROR_REASONS).optional(),
  message: z.string().optional(),
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  receivedAt: z.iso.datetime().optional(),
});
export type ReviewResult = z.infer<typeof reviewResultSchema>;
export const submitReviewsResponseSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  results: z.array(reviewResultSchema),
});
export type SubmitReviewsResponse = z.infer<typeof submitReviewsResponseSchema>;

/** A person as the four-eyes checks need them: a human may have several accounts (same personId). */
export const reviewPartySchema = z.strictObject({
  accountId: z.string(),
  personId: z.string(),
  displayName: z.string(),
  publicKey: z.string(),
  keyFingerprint: fingerprintSchema,
});
export type ReviewParty = z.infer<typeof reviewPartySchema>;

/** One record waiting for a second check in the approver's organisation, with exactly what will be signed (the author's signature included). */
export const reviewQueueItemSchema = z.strictObject({
  record: z.record(z.string(), z.unknown()),
  author: reviewPartySchema,
  receivedAt: z.iso.datetime(),
});
export type ReviewQueueItem = z.infer<typeof reviewQueueItemSchema>;
export const reviewQueueResponseSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  items: z.array(reviewQueueItemSchema),
});
export type ReviewQueueResponse = z.infer<typeof reviewQueueResponseSchema>;

/** Decisions on records this tablet sent, so the author sees approvals and what to correct. */
export const reviewDecisionSchema = z.strictObject({
  review: reviewSubmissionSchema,
  author: reviewPartySchema,
  reviewer: reviewPartySchema,
  receivedAt: z.iso.datetime(),
});
export type ReviewDecisionNotice = z.infer<typeof reviewDecisionSchema>;
export const reviewDecisionsResponseSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  decisions: z.array(reviewDecisionSchema),
});
export type ReviewDecisionsResponse = z.infer<typeof reviewDecisionsResponseSchema>;
