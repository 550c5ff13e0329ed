// The decision part of a push (DESIGN.md §3, §5) as a pure function: given the
// records of a batch in batch order and what the database says about them, which
// are stored, which are answered from an earlier push, which are refused and why.
// The sync service gathers the facts (under its locks), then inserts what this accepts.
import { consentCovers } from './consent';
import type { ConsentScope } from '@shared/records/consent';
import type { SyncRecord } from '@shared/records/sync-record';
import { revisionKey } from '@shared/records/revision-key';
import type { PersonalDataIssue } from './personal-data-guard';

/** A record that passed the checks that need no stored facts (schema, hash, case number, …). */
export interface PushCandidate {
  /** Its position in the pushed batch. */
  index: number;
  record: SyncRecord;
  /** Its author, proven by signature when someone else pushed it (src/domain/record-authorship.ts); default: the pusher. */
  authorId?: string;
  /** Personal data the guard found in its free text (src/domain/personal-data-guard.ts); none if absent. */
  personalData?: readonly PersonalDataIssue[];
}

/** The first stored revision of a record: a correction must continue it. */
export interface FirstRevision {
  kind: string;
  caseNumber: string | null;
  authorId: string;
}

/** A stored (id, revision) the batch names again. */
export interface StoredRevisionFacts {
  /** False if the row belongs to another municipality (never reveal anything about it). */
  ownMunicipality: boolean;
  contentHash: string;
}

/** What the database holds about the batch, read inside the batch's transaction. */
export interface StoredPushFacts {
  /** The pushing person (the author of every record that names no other author). */
  authorId: string;
  /** Record ids already used in another municipality. */
  foreignIds: ReadonlySet<string>;
  /** By record id: its lowest stored revision in this municipality (needed for corrections only). */
  firstRevisions: ReadonlyMap<string, FirstRevision>;
  /** By `revisionKey(id, revision)`: revisions of the batch that are stored already. */
  storedRevisions: ReadonlyMap<string, StoredRevisionFacts>;
  /** By case number: the scopes of the case's latest consent (received last). */
  latestConsent: ReadonlyMap<string, { scopes: ConsentScope[] }>;
  /** Case numbers with a tombstone. */
  withdrawnCases: ReadonlySet<string>;
}

export type PushRejection =
  | { reason: 'revisionConflict'; status: 409 }
  | { reason: 'caseWithdrawn'; status: 409 }
  | { reason: 'consentMissing'; status: 422 }
  | { reason: 'personalData'; status: 422; issues: readonly PersonalDataIssue[] };

/**
 * - `store`: insert it (a repeat of a revision stored earlier in the same batch shares that one's fate);
 * - `replay`: stored by an earlier push with the same content: answer as then, judge nothing again;
 * - `reject`: write nothing for it (`personalData`: the fields and kinds the guard found, never the text).
 */
export type PushVerdict =
  { index: number; verdict: 'store' } | { index: number; verdict: 'replay' } | ({ index: number; verdict: 'reject' } & PushRejection);

const conflict = (index: number): PushVerdict => ({ index, verdict: 'reject', reason: 'revisionConflict', status: 409 });

/**
 * A correction (revision > 1) continues the record it corrects: same kind, same
 * case, same author as the first stored revision. Revision n may arrive without
 * n - 1 (the tablet sends only its latest revision), so a missing first revision fits.
 */
export function correctionFits(record: SyncRecord, first: FirstRevision | undefined, authorId: string): boolean {
  if (record.revision <= 1 || first === undefined) return true;
  return first.kind === record.kind && first.caseNumber === record.caseNumber && first.authorId === authorId;
}

/**
 * Judges the candidates in batch order. A consent or withdrawal the batch stores
 * counts for the records after it, exactly as if it had been pushed earlier.
 * Returns one verdict per candidate, in the candidates' order.
 */
export function judgePush(candidates: readonly PushCandidate[], facts: StoredPushFacts): PushVerdict[] {
  const latestConsent = new Map(facts.latestConsent);
  const withdrawn = new Set(facts.withdrawnCases);
  const storedInBatch = new Map<string, string>(); // revision key → content hash
  return candidates.map(({ index, record, authorId, personalData }): PushVerdict => {
    const key = revisionKey(record.id, record.revision);
    // An id of another municipality: a conflict, revealing nothing about the other tenant.
    if (facts.foreignIds.has(record.id)) return conflict(index);
    if (!correctionFits(record, facts.firstRevisions.get(record.id), authorId ?? facts.authorId)) return conflict(index);
    const stored = facts.storedRevisions.get(key);
    if (stored) {
      // A retry gets the answer of the first push; it was judged then.
      return stored.ownMunicipality && stored.contentHash === record.contentHash ? { index, verdict: 'replay' } : conflict(index);
    }
    const earlier = storedInBatch.get(key);
    if (earlier !== undefined) {
      // The same revision twice in one batch: the second shares the first's fate.
      return earlier === record.contentHash ? { index, verdict: 'store' } : conflict(index);
    }
    // Personal data in free text: refused before anything counts it (a replay above was judged when it was stored).
    if (personalData !== undefined && personalData.length > 0) {
      return { index, verdict: 'reject', reason: 'personalData', status: 422, issues: personalData };
    }
    const caseNumber = record.caseNumber;
    const consent = consentCovers(
      record.kind,
      caseNumber,
      caseNumber === null ? undefined : latestConsent.get(caseNumber),
      caseNumber !== null && withdrawn.has(caseNumber),
    );
    if (!consent.ok) {
      return consent.reason === 'caseWithdrawn'
        ? { index, verdict: 'reject', reason: 'caseWithdrawn', status: 409 }
        : { index, verdict: 'reject', reason: 'consentMissing', status: 422 };
    }
    storedInBatch.set(key, record.contentHash);
    if (record.kind === 'consent') latestConsent.set(record.caseNumber, { scopes: record.content.scopes });
    if (record.kind === 'consentWithdrawal') withdrawn.add(record.caseNumber);
    return { index, verdict: 'store' };
  });
}
