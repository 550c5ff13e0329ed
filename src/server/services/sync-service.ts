// Push (DESIGN.md §5): idempotent by record id + revision. Every record is
// validated on its own, so one bad record never blocks the batch; effect and
// acknowledgement commit in ONE transaction, so a lost response followed by a
// retry yields exactly one row and the same answer (including receivedAt).
//
// Consent (DESIGN.md §3): a record naming a case needs a valid check symbol and
// is accepted only if the case's latest consent (stored earlier or accepted
// earlier in the same batch; records are judged in batch order) covers it. A
// consent must quote a shipped consent text. A withdrawal by the organisation that recorded the
// consent (or a coordinator) deletes every row of the case, leaves a content-free tombstone, and
// refuses the case from then on; one by another organisation waits for it (./case-withdrawal.ts).
// The decision is the pure judgePush (src/domain/push-verdict.ts); this service
// gathers its facts under the locks, then inserts, reads back and withdraws.
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { CASE_LOCK_SEED } from '../db/advisory-locks';
import { auditEach, type AuditAction } from './audit';
import { contentHashSync } from './content-hash-sync';
import { syncRecordSchema } from '@shared/records/sync-record';
import type { SyncRecord } from '@shared/records/sync-record';
import type { PushResponse, PushResult, SessionUser } from '@shared/protocol';
import { ServiceError, defaultMessage, issuesFromZod } from './service-error';
import { DistrictCheck, UNKNOWN_DISTRICT_ISSUE } from './district-check';
import { UNKNOWN_WELCOME_ITEM_ISSUE, WelcomeItemCheck } from './welcome-item-check';
import { isCanonicalCaseNumber } from '@domain/case-number';
import { judgePush, type FirstRevision, type PushCandidate } from '@domain/push-verdict';
import type { AuthorshipRefusal } from '@domain/record-authorship';
import { revisionKey } from '@shared/records/revision-key';
import { isShippedConsentText } from '@shared/consent-texts';
import { CONSENT_SCOPES } from '@shared/records/consent';
import type { ConsentScope } from '@shared/records/consent';
import type { WithdrawalsResponse } from '@shared/protocol';
import { needsSecondCheck } from '@domain/four-eyes';
import { fourEyesPolicy } from './config-service';

import { projectReferrals, unknownCatalogueOffers } from './referral-projection';
import { sealRecordContent } from './content-seal';
import { requestWithdrawal, withdrawCase, withdrawalAuthority } from './case-withdrawal';
import { AuthorFacts } from './author-facts';
import { judgeAuthorship } from '@domain/record-authorship';
import { personalDataIn } from '@domain/personal-data-guard';
import { loadFirstNames } from '@domain/first-names';

export interface PushInput {
  /** The enrolled tablet the pushing session is signed in on (the route checks the body names it). */
  deviceId: string;
  records: readonly Record<string, unknown>[];
}

export interface PushOutcome {
  /** 200 if anything was accepted; 409 if everything was a conflict; else 422. */
  httpStatus: 200 | 409 | 422;
  response: PushResponse;
}

interface StoredRevision {
  id: string;
  revision: number;
  municipality_id: string;
  content_hash: string;
  received_at: unknown;
}

type RejectionReason =
  'invalidRecord' | 'hashMismatch' | 'revisionConflict' | 'consentMissing' | 'caseWithdrawn' | 'personalData' | AuthorshipRefusal;

/**
 * Holds the pushing tablet's row (FOR SHARE) for the batch's transaction and
 * refuses a tablet revoked meanwhile: revocation locks the row FOR UPDATE, so a
 * push either commits before the revocation or sees it and writes nothing (401,
 * as authentication answers a revoked tablet's session).
 */
async function lockActiveDevice(tx: Queryable, deviceId: string, municipalityId: string): Promise<void> {
  const rows = await tx.query<{ revoked: boolean }>(
    'SELECT revoked_at IS NOT NULL AS revoked FROM devices WHERE id = $1 AND municipality_id = $2 FOR SHARE',
    [deviceId, municipalityId],
  );
  if (rows[0]?.revoked !== false) throw new ServiceError(401, 'unauthorized', defaultMessage('unauthorized'));
}

const KNOWN_SCOPES: ReadonlySet<string> = new Set(CONSENT_SCOPES);

function storedScopes(value: unknown): ConsentScope[] {
  if (!Array.isArray(value)) return [];
  return value.filter((scope): scope is ConsentScope => typeof scope === 'string' && KNOWN_SCOPES.has(scope));
}

function readableId(raw: Record<string, unknown>): { id: string | null; revision: number | null } {
  const id = typeof raw['id'] === 'string' && raw['id'].length <= 64 ? raw['id'] : null;
  const revision = Number.isSafeInteger(raw['revision']) ? (raw['revision'] as number) : null;
  return { id, revision };
}

function rejected(raw: Record<string, unknown>, status: 409 | 422, reason: RejectionReason, issues?: PushResult['issues']): PushResult {
  return {
    ...readableId(raw),
    outcome: 'rejected',
    status,
    reason,
    message: defaultMessage(reason),
    ...(issues === undefined ? {} : { issues }),
  };
}

/**
 * The first stored revision of every corrected record of the batch (revision > 1),
 * in this municipality: `judgePush` checks that a correction continues it.
 */
async function firstRevisionsOfCorrections(
  tx: Queryable,
  municipalityId: string,
  candidates: readonly PushCandidate[],
): Promise<Map<string, FirstRevision>> {
  const corrections = candidates.filter(({ record }) => record.revision > 1);
  if (corrections.length === 0) return new Map();
  const rows = await tx.query<{ id: string; kind: string; case_number: string | null; author_id: string }>(
    `SELECT DISTINCT ON (id) id::text AS id, kind, case_number, author_id FROM records
      WHERE municipality_id = $2 AND id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))
      ORDER BY id, revision`,
    [JSON.stringify(corrections.map(({ record }) => record.id)), municipalityId],
  );
  return new Map(rows.map((row) => [row.id, { kind: row.kind, caseNumber: row.case_number, authorId: row.author_id }]));
}

export class SyncService {
  constructor(private readonly db: Database) {}

  async push(user: SessionUser, input: PushInput): Promise<PushOutcome> {
    const results: (PushResult | undefined)[] = new Array<PushResult | undefined>(input.records.length);
    const candidates: PushCandidate[] = [];
    const districts = new DistrictCheck(this.db, user.municipalityId);
    const welcomeItems = new WelcomeItemCheck(this.db, user.municipalityId);
    const authors = new AuthorFacts(this.db, user.municipalityId);
    /** Records refused because their claimed author could not be verified (audited as security events). */
    const unverified: { action: AuditAction; objectId: string }[] = [];
    const givenNames = await loadFirstNames();

    for (const [index, raw] of input.records.entries()) {
      const parsed = syncRecordSchema.safeParse(raw);
      if (!parsed.success) {
        results[index] = rejected(raw, 422, 'invalidRecord', issuesFromZod(parsed.error.issues));
        continue;
      }
      const record = parsed.data;
      if (record.deviceId !== input.deviceId) {
        results[index] = rejected(raw, 422, 'invalidRecord', [{ path: 'deviceId', message: 'deviceIdMismatch' }]);
        continue;
      }
      if (record.caseNumber !== null && !isCanonicalCaseNumber(record.caseNumber)) {
        results[index] = rejected(raw, 422, 'invalidRecord', [{ path: 'caseNumber', message: 'invalidCaseNumber' }]);
        continue;
      }
      if (
        record.kind === 'consent' &&
        !(await isShippedConsentText(record.content.textVersion, record.content.language, record.content.textHash))
      ) {
        results[index] = rejected(raw, 422, 'invalidRecord', [{ path: 'content.textHash', message: 'unknownConsentText' }]);
        continue;
      }
      if (!(await districts.accepts(record))) {
        results[index] = rejected(raw, 422, 'invalidRecord', [UNKNOWN_DISTRICT_ISSUE]);
        continue;
      }
      if (!(await welcomeItems.accepts(record))) {
        results[index] = rejected(raw, 422, 'invalidRecord', [UNKNOWN_WELCOME_ITEM_ISSUE]);
        continue;
      }
      const unknownOffers = await unknownCatalogueOffers(this.db, user.municipalityId, record);
      if (unknownOffers !== null) {
        results[index] = rejected(raw, 422, 'invalidRecord', [{ path: unknownOffers.path, message: 'unknownOffer' }]);
        continue;
      }
      if (contentHashSync(record.content) !== record.contentHash) {
        results[index] = rejected(raw, 422, 'hashMismatch', [{ path: 'contentHash', message: 'hashMismatch' }]);
        continue;
      }
      // A shared tablet: the author is whoever signed the record, proven by their key enrolled for this tablet.
      const authorship = await judgeAuthorship(
        record,
        { accountId: user.id, deviceId: input.deviceId },
        record.authorSignature === undefined || record.authorSignature.signerId === user.id
          ? undefined
          : await authors.of(record.authorSignature.signerId, record.authorSignature.keyFingerprint),
      );
      if (!authorship.ok) {
        results[index] = rejected(raw, 422, authorship.reason, [authorship.issue]);
        unverified.push({ action: `security.push.${authorship.reason}`, objectId: record.id });
        continue;
      }
      candidates.push({ index, record, authorId: authorship.authorId, personalData: personalDataIn(record, { givenNames }) });
    }
    await auditEach(this.db, { municipalityId: user.municipalityId, actorId: user.id }, unverified);

    if (candidates.length > 0) {
      await this.db.transaction(async (tx) => {
        await lockActiveDevice(tx, input.deviceId, user.municipalityId);
        const answers = await this.store(tx, user, input.deviceId, candidates);
        // The fleet view's "last synced", known here for every app version, old or new.
        await tx.query(
          `INSERT INTO device_reports (municipality_id, device_id, last_push_at) VALUES ($1, $2, now())
           ON CONFLICT (municipality_id, device_id) DO UPDATE SET last_push_at = EXCLUDED.last_push_at`,
          [user.municipalityId, input.deviceId],
        );
        for (const { index } of candidates) {
          const answer = answers.get(index);
          results[index] = answer ?? rejected(input.records[index] ?? {}, 409, 'revisionConflict');
        }
      });
    }

    const finalResults = results.map((result) => {
      if (!result) throw new Error('push result missing');
      return result;
    });
    return { httpStatus: httpStatusOf(finalResults), response: { serverTime: new Date().toISOString(), results: finalResults } };
  }

  /** The municipality's withdrawn cases, oldest first; only those withdrawn after `since` if given. */
  async withdrawals(user: SessionUser, since: string | undefined, now: Date = new Date()): Promise<WithdrawalsResponse> {
    const rows = await this.db.query<{ case_number: string; withdrawn_at: unknown }>(
      `SELECT case_number, withdrawn_at FROM case_tombstones
        WHERE municipality_id = $1 AND ($2::timestamptz IS NULL OR withdrawn_at > $2::timestamptz)
        ORDER BY withdrawn_at, case_number`,
      [user.municipalityId, since ?? null],
    );
    return {
      serverTime: now.toISOString(),
      withdrawals: rows.map((row) => ({ caseNumber: row.case_number, withdrawnAt: toIsoTimestamp(row.withdrawn_at) })),
    };
  }

  /**
   * Judges the candidates in batch order against what is stored and what the
   * batch accepted before them, inserts the accepted ones (ON CONFLICT DO
   * NOTHING, so concurrent identical pushes make one row), reads them back, and
   * finally carries out the withdrawals. Answers by candidate index; a missing
   * answer means revisionConflict.
   */
  private async store(
    tx: Queryable,
    user: SessionUser,
    deviceId: string,
    candidates: readonly PushCandidate[],
  ): Promise<Map<number, PushResult>> {
    const municipalityId = user.municipalityId;
    const answers = new Map<number, PushResult>();
    const accept = (index: number, record: SyncRecord, row: StoredRevision): void => {
      answers.set(index, {
        id: record.id,
        revision: record.revision,
        outcome: 'accepted',
        status: 200,
        receivedAt: toIsoTimestamp(row.received_at),
      });
    };

    const caseNumbers = [...new Set(candidates.flatMap(({ record }) => (record.caseNumber === null ? [] : [record.caseNumber])))].sort();
    if (caseNumbers.length > 0) {
      // Serialise batches touching the same case, so a withdrawal can never race a record of its case.
      await tx.query(
        `SELECT pg_advisory_xact_lock(k) FROM (
           SELECT hashtextextended($1 || '/' || value, ${CASE_LOCK_SEED}) AS k
             FROM jsonb_array_elements_text($2::jsonb) ORDER BY value) AS keys`,
        [municipalityId, JSON.stringify(caseNumbers)],
      );
    }

    const ids = [...new Set(candidates.map((c) => c.record.id))];
    // An id already used in another municipality is never written to, whatever its revision.
    // Only this look-up sees other municipalities' records (migration 027).
    const foreign = await tx.query<{ id: string }>('SELECT id FROM lotse_foreign_record_ids($1::jsonb, $2) AS id', [
      JSON.stringify(ids),
      municipalityId,
    ]);
    const readBack = async (keys: readonly { id: string; revision: number }[]): Promise<Map<string, StoredRevision>> => {
      if (keys.length === 0) return new Map();
      const rows = await tx.query<StoredRevision>(
        `SELECT r.id::text AS id, r.revision, r.municipality_id, r.content_hash, r.received_at
           FROM records r
           JOIN jsonb_to_recordset($1::jsonb) AS k(id uuid, revision int) ON r.id = k.id AND r.revision = k.revision`,
        [JSON.stringify(keys)],
      );
      return new Map(rows.map((row) => [revisionKey(row.id, row.revision), row]));
    };
    const alreadyStored = await readBack(candidates.map(({ record }) => ({ id: record.id, revision: record.revision })));

    // The state of every case named in the batch: withdrawn or not, and its latest consent.
    const withdrawnCases = new Set<string>();
    const latestConsent = new Map<string, { scopes: ConsentScope[] }>();
    if (caseNumbers.length > 0) {
      const tombstones = await tx.query<{ case_number: string }>(
        `SELECT case_number FROM case_tombstones
          WHERE municipality_id = $1 AND case_number IN (SELECT jsonb_array_elements_text($2::jsonb))`,
        [municipalityId, JSON.stringify(caseNumbers)],
      );
      for (const row of tombstones) withdrawnCases.add(row.case_number);
      const consents = await tx.query<{ case_number: string; scopes: unknown }>(
        `SELECT DISTINCT ON (case_number) case_number, content->'scopes' AS scopes
           FROM records
          WHERE municipality_id = $1 AND kind = 'consent'
            AND case_number IN (SELECT jsonb_array_elements_text($2::jsonb))
          ORDER BY case_number, received_seq DESC`,
        [municipalityId, JSON.stringify(caseNumbers)],
      );
      for (const row of consents) latestConsent.set(row.case_number, { scopes: storedScopes(row.scopes) });
    }

    const verdicts = judgePush(candidates, {
      authorId: user.id,
      foreignIds: new Set(foreign.map((row) => row.id)),
      firstRevisions: await firstRevisionsOfCorrections(tx, municipalityId, candidates),
      storedRevisions: new Map(
        [...alreadyStored].map(([k, row]) => [
          k,
          { ownMunicipality: row.municipality_id === municipalityId, contentHash: row.content_hash },
        ]),
      ),
      latestConsent,
      withdrawnCases,
    });
    const toInsert: PushCandidate[] = [];
    const refusedPersonalData: { action: AuditAction; objectId: string }[] = [];
    for (const [position, verdict] of verdicts.entries()) {
      const candidate = candidates[position];
      if (!candidate) throw new Error('push verdict without candidate');
      const { index, record } = candidate;
      if (verdict.verdict === 'store') toInsert.push(candidate);
      if (verdict.verdict === 'replay') {
        const stored = alreadyStored.get(revisionKey(record.id, record.revision));
        if (stored) accept(index, record, stored);
      }
      // A revisionConflict stays unanswered here: push() answers it from the raw record.
      if (verdict.verdict === 'reject' && verdict.reason === 'personalData') {
        // The issues and the audit name the field and the kind of signal, never the text.
        const issues = verdict.issues.map(({ path, kind }) => ({ path, message: kind }));
        answers.set(index, rejected({ id: record.id, revision: record.revision }, verdict.status, verdict.reason, issues));
        refusedPersonalData.push(
          ...verdict.issues.map(({ path, kind }) => ({
            action: `record.refusedPersonalData.${kind}` as const,
            objectId: `${record.id}#${path}`,
          })),
        );
      } else if (verdict.verdict === 'reject' && verdict.reason !== 'revisionConflict') {
        answers.set(index, rejected({ id: record.id, revision: record.revision }, verdict.status, verdict.reason));
      }
    }
    await auditEach(tx, { municipalityId, actorId: user.id }, refusedPersonalData);

    const inserted = new Set<string>();
    if (toInsert.length > 0) {
      const policy = await fourEyesPolicy(tx, municipalityId);
      const rows = toInsert.map(({ record, authorId }) => ({
        id: record.id,
        authorId: authorId ?? user.id,
        revision: record.revision,
        kind: record.kind,
        schemaVersion: record.schemaVersion,
        formVersion: record.formVersion,
        caseNumber: record.caseNumber,
        createdAt: record.createdAt,
        contentHash: record.contentHash,
        ...sealRecordContent({ municipalityId, id: record.id, revision: record.revision, kind: record.kind, content: record.content }),
        needsSecondCheck: needsSecondCheck(record, policy),
        authorSignature: record.authorSignature ?? null,
      }));
      // WITH ORDINALITY + ORDER BY: rows get their received_seq in batch order.
      const insertedRows = await tx.query<{ id: string; revision: number }>(
        `INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number,
                              device_id, author_id, device_created_at, received_at, content_hash, content,
                              sealed_content, seal_key_id, needs_second_check, author_signature)
         SELECT $2, (r->>'id')::uuid, (r->>'revision')::int, r->>'kind', (r->>'schemaVersion')::int,
                r->>'formVersion', r->>'caseNumber', $3::uuid, r->>'authorId', (r->>'createdAt')::timestamptz, now(),
                r->>'contentHash', r->'facts', r->>'sealedContent', r->>'sealKeyId', (r->>'needsSecondCheck')::boolean, NULLIF(r->'authorSignature', 'null'::jsonb)
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(r, n)
          ORDER BY n
         ON CONFLICT (id, revision) DO NOTHING
         RETURNING id::text AS id, revision`,
        [JSON.stringify(rows), municipalityId, deviceId],
      );
      for (const row of insertedRows) inserted.add(revisionKey(row.id, row.revision));
      // Referrals are made by the records' authors, whoever pushed them.
      const insertedByAuthor = new Map<string, SyncRecord[]>();
      for (const { record, authorId } of toInsert) {
        if (!inserted.has(revisionKey(record.id, record.revision))) continue;
        const author = authorId ?? user.id;
        insertedByAuthor.set(author, [...(insertedByAuthor.get(author) ?? []), record]);
      }
      for (const [authorId, records] of insertedByAuthor) await projectReferrals(tx, { ...user, id: authorId }, records);
      if (insertedRows.length > 0) {
        // Only the latest revision of a record counts (and can be reviewed): a correction supersedes
        // what came before it, including its approval. A late lower revision is superseded at once.
        await tx.query(
          `UPDATE records r SET superseded = true
             FROM (SELECT id, max(revision) AS latest FROM records
                    WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)) GROUP BY id) m
            WHERE r.id = m.id AND r.revision < m.latest AND NOT r.superseded`,
          [JSON.stringify([...new Set(insertedRows.map((row) => row.id))])],
        );
        // The pusher is the actor; a record sent for a colleague says so (its author is the record's author_id).
        const onBehalf = new Set(toInsert.filter((c) => c.authorId !== undefined && c.authorId !== user.id).map((c) => c.record.id));
        await auditEach(
          tx,
          { municipalityId, actorId: user.id },
          insertedRows.map((row) => ({ action: onBehalf.has(row.id) ? 'record.receivedOnBehalf' : 'record.received', objectId: row.id })),
        );
      }

      // Read back before any withdrawal deletes: what this batch accepted stays accepted in the answer.
      const stored = await readBack(toInsert.map(({ record }) => ({ id: record.id, revision: record.revision })));
      for (const { index, record } of toInsert) {
        const row = stored.get(revisionKey(record.id, record.revision));
        // Different content (a concurrent push of the same revision) → revisionConflict.
        if (row && row.municipality_id === municipalityId && row.content_hash === record.contentHash) {
          accept(index, record, row);
        }
      }
    }

    for (const { record, authorId } of toInsert) {
      if (record.kind !== 'consentWithdrawal' || !inserted.has(revisionKey(record.id, record.revision))) continue;
      inserted.delete(revisionKey(record.id, record.revision)); // once, even if the batch repeats it
      // Another organisation's case is erased only once that organisation confirms (finding M5).
      const author = authorId ?? user.id;
      const authority = await withdrawalAuthority(tx, municipalityId, record.caseNumber, author);
      const by = { municipalityId, actorId: user.id };
      if (authority.immediate) await withdrawCase(tx, by, record.caseNumber, record.id, record.revision);
      else await requestWithdrawal(tx, by, { withdrawalId: record.id, caseNumber: record.caseNumber, authorId: author, ...authority });
    }
    return answers;
  }
}

export function httpStatusOf(results: readonly PushResult[]): 200 | 409 | 422 {
  if (results.length === 0 || results.some((r) => r.outcome === 'accepted')) return 200;
  return results.every((r) => r.status === 409) ? 409 : 422;
}
