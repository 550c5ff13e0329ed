// Builds the second person's statement and the submission exactly as the
// server will check them (src/shared/four-eyes.ts, src/domain/four-eyes.ts).
import { reviewerStatement, type ReviewDecision, type ReviewSubmission } from '@shared/four-eyes';
import type { SyncRecord } from '@shared/records/sync-record';
import { subjectOf } from '@domain/four-eyes';

export interface ReviewIntent {
  record: SyncRecord;
  decision: ReviewDecision;
  comment: string | null;
  reviewerId: string;
  reviewerFingerprint: string;
}

/** The text the reviewer signs; throws if the record carries no author signature. */
export function statementFor(intent: ReviewIntent): Promise<string> {
  const authored = intent.record.authorSignature;
  if (!authored) throw new Error('the record carries no author signature');
  return reviewerStatement(
    subjectOf(intent.record),
    { reviewId: authored.reviewId, decision: intent.decision, comment: intent.comment, authorSignature: authored.signature },
    intent.reviewerId,
    intent.reviewerFingerprint,
  );
}

export function submissionFor(intent: ReviewIntent, signature: string, signedAt: Date): ReviewSubmission {
  const authored = intent.record.authorSignature;
  if (!authored) throw new Error('the record carries no author signature');
  return {
    id: authored.reviewId,
    ...subjectOf(intent.record),
    decision: intent.decision,
    comment: intent.comment,
    signedAt: signedAt.toISOString(),
    author: { signerId: authored.signerId, keyFingerprint: authored.keyFingerprint, signature: authored.signature },
    reviewer: { signerId: intent.reviewerId, keyFingerprint: intent.reviewerFingerprint, signature },
  };
}
