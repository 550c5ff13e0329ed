// The second check on the server (DESIGN.md §4, src/domain/four-eyes.ts).
// A review (approval or send-back) is accepted only if the domain verdict —
// the same one the tablet computes before it shows "approved" — holds against
// what the database knows: the stored revision, the enrolled keys of both
// accounts, the people behind them, roles and organisation, and every review
// id ever used. Each review is judged in its own transaction with the record's
// rows locked, so two reviews of one revision cannot both win. Every decision,
// rejection and security event goes to the append-only audit log (who, what,
// when; never content). A send-back comment with personal data is refused
// (src/domain/personal-data-guard.ts), naming the comment, never its text.
import { personalDataKinds } from '@domain/personal-data-guard';
import { loadFirstNames } from '@domain/first-names';
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import {
  keyFingerprint,
  reviewSubmissionSchema,
  type ReviewDecisionNotice,
  type ReviewParty,
  type ReviewQueueItem,
  type ReviewResult,
  type ReviewSubmission,
} from '@shared/four-eyes';
import { authorSignatureSchema } from '@shared/records/author-signature';
import { verifyReview, type ReviewRejectionReason, type SignerFacts } from '@domain/four-eyes';
import { isRecordKind } from '@shared/records/sync-record';
import { defaultMessage, issuesFromZod } from './service-error';
import { audit, auditEach } from './audit';
import { openRecordContent, openStoredOptional, reviewCommentPlace, sealText } from './content-seal';

const STATUS_BY_REASON: Record<ReviewRejectionReason, ReviewResult['status']> = {
  reviewIdUsed: 409,
  notFound: 404,
  staleRevision: 409,
  hashMismatch: 422,
  unknownKey: 422,
  keyRevoked: 403,
  invalidSignature: 422,
  selfApproval: 403,
  notApprover: 403,
  alreadyReviewed: 409,
};

const QUEUE_LIMIT = 100;
const DECISIONS_LIMIT = 500;

interface AccountRow {
  id: string;
  person_id: string;
  organisation_id: string;
  display_name: string;
  roles: string[];
  active: boolean;
}

interface KeyRow {
  id: string;
  public_key: string;
  revoked: boolean;
}

interface ReviewRow {
  id: string;
  record_id: string;
  revision: number;
  content_hash: string;
  decision: 'approved' | 'sentBack';
  comment: string | null;
  author_id: string;
  author_key_id: string;
  author_signature: string;
  reviewer_id: string;
  reviewer_key_id: string;
  reviewer_signature: string;
  signed_at: unknown;
  received_at: unknown;
}

/** An account with the key its signature names (matched by fingerprint among its enrolled keys). */
interface Signer {
  facts: SignerFacts;
  account: AccountRow;
  keyId: string | undefined;
  publicKey: string | undefined;
}

async function loadSigner(q: Queryable, municipalityId: string, accountId: string, fingerprint: string): Promise<Signer | undefined> {
  const [account] = await q.query<AccountRow>(
    `SELECT id, COALESCE(person_id, id) AS person_id, organisation_id, display_name, roles, active
       FROM staff_accounts WHERE id = $1 AND municipality_id = $2`,
    [accountId, municipalityId],
  );
  if (!account) return undefined;
  const keys = await q.query<KeyRow>(
    `SELECT id::text AS id, public_key, revoked_at IS NOT NULL AS revoked
       FROM signing_keys WHERE account_id = $1 AND municipality_id = $2`,
    [accountId, municipalityId],
  );
  let match: KeyRow | undefined;
  for (const key of keys) {
    if ((await keyFingerprint(key.public_key)) === fingerprint) match = key;
  }
  return {
    account,
    keyId: match?.id,
    publicKey: match?.public_key,
    facts: {
      accountId: account.id,
      personId: account.person_id,
      organisationId: account.organisation_id,
      roles: account.roles,
      active: account.active,
      key: match ? { publicKey: match.public_key, revoked: match.revoked } : undefined,
    },
  };
}

function party(signer: { account: AccountRow; publicKey: string | undefined }, fingerprint: string): ReviewParty {
  return {
    accountId: signer.account.id,
    personId: signer.account.person_id,
    displayName: signer.account.display_name,
    publicKey: signer.publicKey ?? '',
    keyFingerprint: fingerprint,
  };
}

function sameReview(row: ReviewRow, review: ReviewSubmission): boolean {
  return (
    row.record_id === review.recordId &&
    row.revision === review.revision &&
    row.decision === review.decision &&
    row.author_signature === review.author.signature &&
    row.reviewer_signature === review.reviewer.signature
  );
}

export class ReviewService {
  constructor(private readonly db: Database) {}

  /** Judges each review on its own: one bad review never blocks the others. */
  async submit(user: SessionUser, raws: readonly Record<string, unknown>[]): Promise<{ serverTime: string; results: ReviewResult[] }> {
    const results: ReviewResult[] = [];
    for (const raw of raws) {
      const parsed = reviewSubmissionSchema.safeParse(raw);
      if (!parsed.success) {
        const id = typeof raw['id'] === 'string' && raw['id'].length <= 64 ? raw['id'] : null;
        results.push({
          id,
          outcome: 'rejected',
          status: 422,
          reason: 'invalidRequest',
          message: defaultMessage('invalidRequest'),
          issues: issuesFromZod(parsed.error.issues),
        });
        continue;
      }
      results.push(await this.db.transaction((tx) => this.judge(tx, user, parsed.data)));
    }
    return { serverTime: new Date().toISOString(), results };
  }

  private async judge(tx: Queryable, user: SessionUser, review: ReviewSubmission): Promise<ReviewResult> {
    const municipalityId = user.municipalityId;
    // Lock every revision of the record: reviews of one record are judged one after the other.
    const revisions = await tx.query<{
      revision: number;
      kind: string;
      case_number: string | null;
      content_hash: string;
      author_id: string;
    }>(
      `SELECT revision, kind, case_number, content_hash, author_id FROM records
        WHERE id = $1 AND municipality_id = $2 ORDER BY revision FOR UPDATE`,
      [review.recordId, municipalityId],
    );
    const [used] = await tx.query<ReviewRow & { municipality_id: string }>(
      `SELECT id::text AS id, municipality_id, record_id::text AS record_id, revision, decision, author_signature, reviewer_signature, received_at
         FROM record_reviews WHERE id = $1`,
      [review.id],
    );
    // A retry of a review that was accepted (its answer was lost) gets the same answer.
    if (used && used.municipality_id === municipalityId && sameReview(used, review)) {
      return { id: review.id, outcome: 'accepted', status: 200, receivedAt: toIsoTimestamp(used.received_at) };
    }
    // A send-back comment is free text the author and the server read: the personal-data guard applies.
    const commentKinds = review.comment === null ? [] : personalDataKinds(review.comment, { givenNames: await loadFirstNames() });
    if (commentKinds.length > 0) {
      for (const kind of commentKinds) {
        await audit(tx, {
          municipalityId,
          actorId: user.id,
          action: `review.refusedPersonalData.${kind}`,
          objectId: `${review.id}#comment`,
        });
      }
      return {
        id: review.id,
        outcome: 'rejected',
        status: 422,
        reason: 'personalData',
        message: defaultMessage('personalData'),
        issues: commentKinds.map((kind) => ({ path: 'comment', message: kind })),
      };
    }
    const stored = revisions.find((row) => row.revision === review.revision);
    const latestRevision = revisions.reduce((max, row) => Math.max(max, row.revision), 0);
    const [decided] = await tx.query<{ one: number }>('SELECT 1 AS one FROM record_reviews WHERE record_id = $1 AND revision = $2', [
      review.recordId,
      review.revision,
    ]);
    const author = await loadSigner(tx, municipalityId, review.author.signerId, review.author.keyFingerprint);
    const reviewer = await loadSigner(tx, municipalityId, review.reviewer.signerId, review.reviewer.keyFingerprint);
    const verdict = await verifyReview(review, {
      record:
        stored && isRecordKind(stored.kind)
          ? {
              recordId: review.recordId,
              revision: stored.revision,
              kind: stored.kind,
              caseNumber: stored.case_number,
              contentHash: stored.content_hash,
              authorId: stored.author_id,
              latestRevision,
            }
          : undefined,
      author: author?.facts,
      reviewer: reviewer?.facts,
      reviewIdUsed: used !== undefined,
      alreadyDecided: decided !== undefined,
    });
    const actorId = reviewer?.account.id ?? null;
    if (!verdict.ok) {
      if (verdict.securityEvent) {
        await audit(tx, { municipalityId, actorId: user.id, action: `security.review.${verdict.reason}`, objectId: review.id });
      }
      await audit(tx, { municipalityId, actorId, action: `review.rejected.${verdict.reason}`, objectId: review.recordId });
      return {
        id: review.id,
        outcome: 'rejected',
        status: STATUS_BY_REASON[verdict.reason],
        reason: verdict.reason,
        message: defaultMessage(verdict.reason),
      };
    }
    if (!author?.keyId || !reviewer?.keyId) throw new Error('verified review without keys');
    // The send-back comment is free text: sealed under the server key, bound to this review row.
    const comment = review.comment === null ? null : sealText(review.comment, reviewCommentPlace(municipalityId, review.id));
    const [row] = await tx.query<{ received_at: unknown }>(
      `INSERT INTO record_reviews (id, municipality_id, record_id, revision, content_hash, decision, comment, seal_key_id,
                                   author_id, author_key_id, author_signature, reviewer_id, reviewer_key_id, reviewer_signature, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $15, $8, $9, $10, $11, $12, $13, $14)
       RETURNING received_at`,
      [
        review.id,
        municipalityId,
        review.recordId,
        review.revision,
        review.contentHash,
        review.decision,
        comment?.sealed ?? null,
        author.account.id,
        author.keyId,
        review.author.signature,
        reviewer.account.id,
        reviewer.keyId,
        review.reviewer.signature,
        review.signedAt,
        comment?.keyId ?? null,
      ],
    );
    if (!row) throw new Error('review insert returned nothing');
    if (review.decision === 'approved') {
      await tx.query('UPDATE records SET approved_at = $3 WHERE id = $1 AND revision = $2', [
        review.recordId,
        review.revision,
        row.received_at,
      ]);
    }
    await audit(tx, { municipalityId, actorId, action: `review.${review.decision}`, objectId: review.recordId });
    return { id: review.id, outcome: 'accepted', status: 200, receivedAt: toIsoTimestamp(row.received_at) };
  }

  /**
   * Records of the approver's organisation waiting for a second check, with
   * exactly what will be signed: danger first (a screening with acute danger,
   * then one whose applying level — the override, else the computed one — is
   * urgent), oldest first within each, the rule of domain/review-queue.ts, so
   * the row limit never cuts off an urgent record. Never the approver's own
   * records (as a person), never a superseded revision.
   */
  async queue(user: SessionUser, deviceId: string): Promise<{ serverTime: string; items: ReviewQueueItem[] }> {
    const rows = await this.db.query<{
      id: string;
      revision: number;
      kind: string;
      schema_version: number;
      form_version: string;
      case_number: string | null;
      device_id: string;
      device_created_at: unknown;
      content_hash: string;
      content: unknown;
      sealed_content: string | null;
      seal_key_id: string | null;
      author_signature: unknown;
      received_at: unknown;
      author_id: string;
    }>(
      `SELECT r.id::text AS id, r.revision, r.kind, r.schema_version, r.form_version, r.case_number,
              r.device_id::text AS device_id, r.device_created_at, r.content_hash, r.content, r.sealed_content, r.seal_key_id, r.author_signature,
              r.received_at, r.author_id
         FROM records r
         JOIN staff_accounts a ON a.id = r.author_id AND a.municipality_id = r.municipality_id
         JOIN staff_accounts me ON me.id = $2 AND me.municipality_id = r.municipality_id
        WHERE r.municipality_id = $1 AND r.needs_second_check AND r.approved_at IS NULL AND NOT r.superseded
          AND r.author_signature IS NOT NULL
          AND a.organisation_id = me.organisation_id
          AND COALESCE(a.person_id, a.id) <> COALESCE(me.person_id, me.id)
          AND NOT EXISTS (SELECT 1 FROM record_reviews v WHERE v.record_id = r.id AND v.revision = r.revision)
        ORDER BY CASE
                   WHEN r.kind = 'screening' AND COALESCE(jsonb_array_length(
                          CASE WHEN jsonb_typeof(r.content->'acuteDanger') = 'array' THEN r.content->'acuteDanger' END), 0) > 0 THEN 0
                   WHEN r.kind = 'screening'
                        AND COALESCE(r.content->'override'->>'supportNeed', r.content->>'supportNeed') = 'urgent' THEN 1
                   ELSE 2
                 END,
                 r.received_at, r.id
        LIMIT ${QUEUE_LIMIT}`,
      [user.municipalityId, user.id],
    );
    const items: ReviewQueueItem[] = [];
    const shown: string[] = [];
    for (const row of rows) {
      const signature = authorSignatureSchema.safeParse(row.author_signature);
      if (!signature.success) continue;
      const author = await loadSigner(this.db, user.municipalityId, row.author_id, signature.data.keyFingerprint);
      // A signature whose key is unknown cannot be checked by anyone: it is not offered for approval.
      if (!author?.publicKey) continue;
      items.push({
        record: {
          id: row.id,
          kind: row.kind,
          schemaVersion: row.schema_version,
          formVersion: row.form_version,
          revision: row.revision,
          caseNumber: row.case_number,
          deviceId: row.device_id,
          createdAt: toIsoTimestamp(row.device_created_at),
          contentHash: row.content_hash,
          content: openRecordContent({ ...row, municipalityId: user.municipalityId }),
          authorSignature: signature.data,
        },
        author: party(author, signature.data.keyFingerprint),
        receivedAt: toIsoTimestamp(row.received_at),
      });
      shown.push(`${row.id}#${String(row.revision)}@${deviceId}`);
    }
    // Who read which record's content on which tablet (ids, never the case number or content): one entry per
    // record shown. The lost-tablet report reads these back (services/lost-tablet-service.ts).
    await auditEach(
      this.db,
      { municipalityId: user.municipalityId, actorId: user.id },
      shown.map((objectId) => ({ action: 'read.reviewQueue' as const, objectId })),
    );
    return { serverTime: new Date().toISOString(), items };
  }

  /**
   * Decisions on records the tablet sent (approved, or sent back with what to
   * correct), oldest first, from `since` on (inclusive: applying one twice is harmless).
   */
  async decisions(
    user: SessionUser,
    deviceId: string,
    since: string | undefined,
  ): Promise<{ serverTime: string; decisions: ReviewDecisionNotice[] }> {
    const rows = await this.db.query<ReviewRow & { kind: string; case_number: string | null; seal_key_id: string | null }>(
      `SELECT v.id::text AS id, v.record_id::text AS record_id, v.revision, v.content_hash, v.decision, v.comment, v.seal_key_id,
              v.author_id, v.author_key_id::text AS author_key_id, v.author_signature,
              v.reviewer_id, v.reviewer_key_id::text AS reviewer_key_id, v.reviewer_signature,
              v.signed_at, v.received_at, r.kind, r.case_number
         FROM record_reviews v
         JOIN records r ON r.id = v.record_id AND r.revision = v.revision
        WHERE v.municipality_id = $1 AND r.device_id = $2
          AND ($3::timestamptz IS NULL OR v.received_at >= $3::timestamptz)
        ORDER BY v.received_at, v.id
        LIMIT ${DECISIONS_LIMIT}`,
      [user.municipalityId, deviceId, since ?? null],
    );
    const decisions: ReviewDecisionNotice[] = [];
    for (const row of rows) {
      const kind = row.kind;
      if (!isRecordKind(kind)) continue;
      const author = await this.partyByKey(user.municipalityId, row.author_id, row.author_key_id);
      const reviewer = await this.partyByKey(user.municipalityId, row.reviewer_id, row.reviewer_key_id);
      if (!author || !reviewer) continue;
      decisions.push({
        review: {
          id: row.id,
          recordId: row.record_id,
          revision: row.revision,
          kind,
          caseNumber: row.case_number,
          contentHash: row.content_hash,
          decision: row.decision,
          comment: openStoredOptional(row.comment, row.seal_key_id, reviewCommentPlace(user.municipalityId, row.id)),
          signedAt: toIsoTimestamp(row.signed_at),
          author: { signerId: row.author_id, keyFingerprint: author.keyFingerprint, signature: row.author_signature },
          reviewer: { signerId: row.reviewer_id, keyFingerprint: reviewer.keyFingerprint, signature: row.reviewer_signature },
        },
        author,
        reviewer,
        receivedAt: toIsoTimestamp(row.received_at),
      });
    }
    return { serverTime: new Date().toISOString(), decisions };
  }

  private async partyByKey(municipalityId: string, accountId: string, keyId: string): Promise<ReviewParty | undefined> {
    const [row] = await this.db.query<AccountRow & { public_key: string }>(
      `SELECT a.id, COALESCE(a.person_id, a.id) AS person_id, a.organisation_id, a.display_name, a.roles, a.active, k.public_key
         FROM staff_accounts a JOIN signing_keys k ON k.account_id = a.id AND k.municipality_id = a.municipality_id
        WHERE a.id = $1 AND a.municipality_id = $2 AND k.id = $3`,
      [accountId, municipalityId, keyId],
    );
    if (!row) return undefined;
    return party({ account: row, publicKey: row.public_key }, await keyFingerprint(row.public_key));
  }
}
