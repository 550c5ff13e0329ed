// Four-eyes reviews on the tablet (DESIGN.md §4). A review made here (a
// colleague's second check on this same tablet) or pulled from the server (a
// remote approval, a send-back) is stored sealed — a send-back comment may
// say anything about the family — and moves the record's review state in the
// same transaction. Before anything is stored or shown as approved, the
// domain verdict (src/domain/four-eyes.ts, the server's own) is computed from
// what the tablet knows, so the tablet never shows a state the server refuses.
import type { LotseDatabase } from './LotseDatabase';
import type { Vault } from './vault';
import type { KeySlot, RecordRejection, RecordRow, RecordSecret, ReviewRow, ReviewSecret } from './types';
import type { DeviceConfig } from '@shared/protocol';
import { keyFingerprint, type ReviewDecisionNotice, type ReviewParty, type ReviewResult, type ReviewSubmission } from '@shared/four-eyes';
import { subjectOf, verifyReview, type ReviewVerdict, type SignerFacts } from '@domain/four-eyes';
import type { SyncRecord } from '@shared/records/sync-record';
import { revisionKey } from '@shared/records/revision-key';

const DECISIONS_CURSOR = 'reviewDecisionsPulledAt';
const REVIEW_SCHEMA = 1;
const sealId = revisionKey;

/** The person behind an account: accounts the organisation linked share a person id (four-eyes). */
export function personOf(accountId: string, config: DeviceConfig | undefined): string {
  return config?.fourEyes.linkedAccounts.find((link) => link.accountId === accountId)?.personId ?? accountId;
}

async function slotFacts(
  slot: KeySlot | undefined,
  accountId: string,
  fingerprint: string,
  config: DeviceConfig | undefined,
): Promise<SignerFacts | undefined> {
  if (!slot) return undefined;
  const keyMatches = (await keyFingerprint(slot.signingPublicKey)) === fingerprint;
  return {
    accountId,
    personId: personOf(accountId, config),
    organisationId: slot.organisationId,
    roles: slot.roles,
    active: true,
    key: keyMatches ? { publicKey: slot.signingPublicKey, revoked: false } : undefined,
  };
}

export class ReviewStore {
  constructor(
    private readonly db: LotseDatabase,
    private readonly vault: Vault,
    private readonly config: () => Promise<DeviceConfig | undefined>,
  ) {}

  /** The record's current revision on this tablet, decrypted (undefined for a stub or another revision). */
  private async currentRecord(recordId: string, revision: number): Promise<{ row: RecordRow; envelope: SyncRecord } | undefined> {
    const row = await this.db.records.get(recordId);
    if (!row?.sealed || row.revision !== revision) return undefined;
    const secret = (await this.vault.open('records', sealId(row.id, row.revision), row.schemaVersion, row.sealed)) as RecordSecret;
    return { row, envelope: secret.envelope };
  }

  private async decidedHere(recordId: string, revision: number, reviewId: string): Promise<{ idUsed: boolean; decided: boolean }> {
    const rows = await this.db.reviews.where('recordId').equals(recordId).toArray();
    const live = rows.filter((r) => r.syncState !== 'rejected');
    return { idUsed: live.some((r) => r.id === reviewId), decided: live.some((r) => r.revision === revision) };
  }

  /** The verdict on a second check made on this tablet: both people have key slots here. */
  async verifyOnTablet(submission: ReviewSubmission): Promise<ReviewVerdict> {
    const config = await this.config();
    const current = await this.currentRecord(submission.recordId, submission.revision);
    const { idUsed, decided } = await this.decidedHere(submission.recordId, submission.revision, submission.id);
    return verifyReview(submission, {
      record: current ? { ...subjectOf(current.envelope), authorId: current.row.ownerId, latestRevision: current.row.revision } : undefined,
      author: await slotFacts(
        await this.vault.slot(submission.author.signerId),
        submission.author.signerId,
        submission.author.keyFingerprint,
        config,
      ),
      reviewer: await slotFacts(
        await this.vault.slot(submission.reviewer.signerId),
        submission.reviewer.signerId,
        submission.reviewer.keyFingerprint,
        config,
      ),
      reviewIdUsed: idUsed,
      alreadyDecided: decided,
    });
  }

  /**
   * The verdict on a decision pulled from the server about a record of this
   * tablet, or on one about to be made remotely (record from the queue): the
   * signatures are checked with the keys the server names, author and reviewer
   * must be different people; the reviewer's role and organisation are the
   * server's word (the tablet has no directory of other people's roles).
   */
  async verifyRemote(
    submission: ReviewSubmission,
    record: SyncRecord,
    authorId: string,
    author: ReviewParty,
    reviewer: ReviewParty & { organisationId: string },
  ): Promise<ReviewVerdict> {
    // A key counts only if it really has the fingerprint the signature names.
    const facts = async (party: ReviewParty, fingerprint: string, roles: string[]): Promise<SignerFacts> => ({
      accountId: party.accountId,
      personId: party.personId,
      organisationId: reviewer.organisationId,
      roles,
      active: true,
      key: (await keyFingerprint(party.publicKey)) === fingerprint ? { publicKey: party.publicKey, revoked: false } : undefined,
    });
    return verifyReview(submission, {
      record: { ...subjectOf(record), authorId, latestRevision: record.revision },
      author: await facts(author, submission.author.keyFingerprint, []),
      reviewer: await facts(reviewer, submission.reviewer.keyFingerprint, ['approver']),
      reviewIdUsed: false,
      alreadyDecided: false,
    });
  }

  /** Stores a verified review made on this tablet and moves the record's state, in one transaction. */
  async saveLocalReview(submission: ReviewSubmission, reviewerName: string, now: Date = new Date()): Promise<void> {
    const sealed = await this.vault.seal('reviews', submission.id, REVIEW_SCHEMA, { submission, reviewerName } satisfies ReviewSecret);
    await this.db.transaction('rw', [this.db.records, this.db.reviews], async () => {
      const row = await this.db.records.get(submission.recordId);
      if (!row || row.revision !== submission.revision) throw new Error('the record changed meanwhile');
      row.reviewState = submission.decision === 'approved' ? 'approved' : 'sentBack';
      row.updatedAt = now.toISOString();
      await this.db.records.put(row);
      await this.db.reviews.put({
        id: submission.id,
        recordId: submission.recordId,
        revision: submission.revision,
        decision: submission.decision,
        syncState: 'pending',
        createdAt: now.toISOString(),
        sealed,
      });
    });
  }

  /** Reviews made here and not yet accepted by the server (needs the unlocked vault). */
  async pendingReviews(limit = 100): Promise<ReviewSubmission[]> {
    const rows = await this.db.reviews.where('syncState').equals('pending').limit(limit).toArray();
    const submissions: ReviewSubmission[] = [];
    for (const row of rows) {
      const secret = (await this.vault.open('reviews', row.id, REVIEW_SCHEMA, row.sealed)) as ReviewSecret;
      submissions.push(secret.submission);
    }
    return submissions;
  }

  async countPending(): Promise<number> {
    return this.db.reviews.where('syncState').equals('pending').count();
  }

  /**
   * The server's answers: accepted → sent; "not found" → stays pending (the
   * record itself waits to be sent); any other refusal
   * → rejected with the reason, and the record awaits a second check again.
   */
  async applyResults(results: readonly ReviewResult[]): Promise<void> {
    for (const result of results) {
      if (result.id === null) continue;
      const row = await this.db.reviews.get(result.id);
      if (!row || row.syncState !== 'pending') continue;
      if (result.outcome === 'accepted') {
        await this.db.reviews.update(row.id, { syncState: 'sent' });
        continue;
      }
      if (result.reason === 'notFound') continue;
      const secret = (await this.vault.open('reviews', row.id, REVIEW_SCHEMA, row.sealed)) as ReviewSecret;
      const rejection: RecordRejection = {
        reason: result.reason ?? 'invalidRequest',
        message: result.message ?? '',
        issues: result.issues ?? [],
      };
      const sealed = await this.vault.seal('reviews', row.id, REVIEW_SCHEMA, { ...secret, rejection } satisfies ReviewSecret);
      await this.db.transaction('rw', [this.db.records, this.db.reviews], async () => {
        await this.db.reviews.put({ ...row, syncState: 'rejected', sealed });
        const record = await this.db.records.get(row.recordId);
        if (record && record.revision === row.revision && record.reviewState !== undefined) {
          record.reviewState = 'awaiting';
          await this.db.records.put(record);
        }
      });
    }
  }

  /**
   * A decision on a record of this tablet, pulled from the server: applied only
   * if it verifies here and names the revision the tablet holds. Returns whether it was applied.
   */
  async applyDecision(notice: ReviewDecisionNotice, now: Date = new Date()): Promise<boolean> {
    const { review } = notice;
    if (await this.db.reviews.get(review.id)) return false; // already known (pulls overlap)
    const current = await this.currentRecord(review.recordId, review.revision);
    if (!current) return false; // a newer revision replaced it, or its content is gone
    const verdict = await this.verifyRemote(review, current.envelope, current.row.ownerId, notice.author, {
      ...notice.reviewer,
      organisationId: (await this.vault.slot(current.row.ownerId))?.organisationId ?? '',
    });
    if (!verdict.ok) return false;
    const sealed = await this.vault.seal('reviews', review.id, REVIEW_SCHEMA, {
      submission: review,
      reviewerName: notice.reviewer.displayName,
    } satisfies ReviewSecret);
    await this.db.transaction('rw', [this.db.records, this.db.reviews], async () => {
      const row = await this.db.records.get(review.recordId);
      if (!row || row.revision !== review.revision) return;
      row.reviewState = review.decision === 'approved' ? 'approved' : 'sentBack';
      row.updatedAt = now.toISOString();
      await this.db.records.put(row);
      await this.db.reviews.put({
        id: review.id,
        recordId: review.recordId,
        revision: review.revision,
        decision: review.decision,
        syncState: 'sent',
        createdAt: notice.receivedAt,
        sealed,
      });
    });
    return true;
  }

  async decisionsCursor(): Promise<string | undefined> {
    const value = (await this.db.meta.get(DECISIONS_CURSOR))?.value;
    return typeof value === 'string' ? value : undefined;
  }

  async setDecisionsCursor(value: string): Promise<void> {
    await this.db.meta.put({ key: DECISIONS_CURSOR, value });
  }
}

export type { ReviewRow };
