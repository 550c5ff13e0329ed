// Records and their outbox. Two invariants:
// - transactional outbox (DESIGN.md §5): a record revision and its outbox
//   entry are written in ONE IndexedDB transaction — after a crash both exist
//   or neither does;
// - encryption at rest (DESIGN.md §4): content is sealed with the vault's data
//   key before it reaches IndexedDB; the AAD binds it to table, id, revision
//   and schema version, so a sealed box cannot be moved to another row.
import type { PushResult } from '@shared/protocol';
import type { RecordKind, SyncRecord } from '@shared/records/sync-record';
import { revisionKey } from '@shared/records/revision-key';
import { contentMayBeDropped } from '@domain/retention';
import { ConsentMissingError, consentCovers } from '@domain/consent';
import type { ConsentContent } from '@shared/records/consent';
import { CorrectionRefusedError, isCorrectableKind } from '@domain/corrections';
import type { LotseDatabase } from './LotseDatabase';
import type { OutboxEntry, RecordRejection, RecordRow, RecordSecret, ReviewRow, ReviewSecret, StoredRecord } from './types';
import type { Vault } from './vault';
import { DEFAULT_FOUR_EYES_POLICY, createsReferral, needsSecondCheck, subjectOf, type FourEyesPolicy } from '@domain/four-eyes';
import { authorStatement, keyFingerprint } from '@shared/four-eyes';
import { uuidv7 } from '@shared/ids';
import { ANY_OWNER, maySend, unsentByPerson, type UnsentOfPerson } from './unsent-by-person';

export interface OutboxItem {
  seq: number;
  record: SyncRecord;
}

const SERVER_CLOCK_OFFSET_KEY = 'serverClockOffsetMs';
const LEGACY_SEALED_KEY = 'legacyRowsSealed';
const SENT_WITH_CONTENT_KEY = 'sentWithContent';

const sealId = revisionKey;
/** AAD table of a record's stub: what the list still shows once the content left the tablet. */
const STUB_TABLE = 'recordStubs';
const STUB_VERSION = 1;

/** What outlives a record's content on this tablet (sealed): its case number, so the list can say whose it was. */
interface RecordStub {
  caseNumber: string | null;
}

/** The record as kept after the server answered: without the boxes of a call-back number (warm handover). */
function withoutWarmHandover(record: SyncRecord): SyncRecord {
  if (record.kind !== 'referral' || record.warmHandover === undefined) return record;
  const { warmHandover: _sent, ...kept } = record;
  return kept;
}

/**
 * Outbox owner of entries any unlocked person may send: a withdrawal is the
 * family's right and must reach the server even if the person who entered it
 * never signs in on this tablet again.
 */
export { ANY_OWNER };

export class RecordStore {
  /** The unlocked person's key fingerprint, valid for that one unlock (a new unlock is a new object). */
  private fingerprint: { unlock: object; value: string } | undefined;

  constructor(
    private readonly db: LotseDatabase,
    private readonly vault: Vault,
    /** The municipality's second-check rule (from the cached tablet configuration). */
    private readonly fourEyesPolicy: () => Promise<FourEyesPolicy> = () => Promise.resolve(DEFAULT_FOUR_EYES_POLICY),
  ) {}

  /**
   * Every record is signed by its author as it is saved (their unlocked
   * signing key, over id, revision, kind, case number and content hash, with a
   * fresh review id): on a shared tablet a colleague may send it later, and the
   * server stores it as the author's only if this signature verifies against
   * the author's key enrolled for this tablet. The same signature asks for the
   * second check where `needsSecondCheck` says one is needed.
   */
  private async withAuthorSignature(envelope: SyncRecord): Promise<{ envelope: SyncRecord; needsReview: boolean }> {
    const { authorSignature: _previous, ...unsigned } = envelope;
    const record = unsigned as SyncRecord;
    const needsReview = needsSecondCheck(record, await this.fourEyesPolicy());
    const owner = this.requireOwner();
    const reviewId = uuidv7();
    const fingerprint = await this.signingKeyFingerprint(owner);
    const signature = await this.vault.signAsUnlockedUser(authorStatement(subjectOf(record), reviewId, owner, fingerprint));
    return {
      envelope: { ...record, authorSignature: { reviewId, signerId: owner, keyFingerprint: fingerprint, signature } },
      needsReview,
    };
  }

  /** The fingerprint of the unlocked person's signing public key (looked up once per unlock). */
  private async signingKeyFingerprint(userId: string): Promise<string> {
    const unlocked = this.vault.unlockedUser;
    const cached = this.fingerprint;
    if (cached !== undefined && unlocked !== undefined && cached.unlock === unlocked) return cached.value;
    const slot = await this.vault.slot(userId);
    if (!slot) throw new Error('no key slot for the unlocked person');
    const value = await keyFingerprint(slot.signingPublicKey);
    if (unlocked !== undefined) this.fingerprint = { unlock: unlocked, value };
    return value;
  }

  /**
   * Saves a new record revision for the unlocked person, queues it, and drops
   * the draft it came from. A record naming a case needs a consent on this
   * tablet that covers it (ConsentMissingError otherwise) — the server checks again.
   */
  async saveRecord(unsigned: SyncRecord, options: { draftId?: string; now?: Date } = {}): Promise<void> {
    const owner = this.requireOwner();
    const { envelope, needsReview } = await this.withAuthorSignature(unsigned);
    if (envelope.caseNumber !== null && envelope.kind !== 'consent' && envelope.kind !== 'consentWithdrawal') {
      const verdict = consentCovers(envelope.kind, envelope.caseNumber, await this.consentFor(envelope.caseNumber), false);
      if (!verdict.ok) throw new ConsentMissingError(verdict.reason);
    }
    const now = (options.now ?? new Date()).toISOString();
    const row = await this.pendingRow(envelope, owner, envelope.createdAt, now, needsReview);
    const entry: OutboxEntry = { recordId: envelope.id, revision: envelope.revision, ownerId: owner, enqueuedAt: now, signed: true };
    await this.db.transaction('rw', [this.db.records, this.db.outbox, this.db.drafts], async () => {
      await this.db.records.put(row);
      await this.db.outbox.add(entry);
      if (options.draftId !== undefined) await this.db.drafts.delete(`${owner}:${options.draftId}`);
      // A referral made from a record: that record no longer waits for one.
      if (envelope.kind === 'referral') {
        const source = await this.db.records.get(envelope.content.sourceRecordId);
        if (source?.referralPending) {
          delete source.referralPending;
          await this.db.records.put(source);
        }
      }
    });
  }

  /**
   * Saves a correction: revision n + 1 of a record the unlocked person saved on
   * this tablet and whose content is still here. Record row, outbox entry and
   * draft removal happen in ONE transaction. Only the latest revision is sent:
   * an older revision still waiting in the outbox leaves it (the server takes
   * revision n + 1 without n). A rejected record becomes pending again.
   */
  async saveCorrection(unsigned: SyncRecord, options: { draftId?: string; now?: Date } = {}): Promise<void> {
    const owner = this.requireOwner();
    // A correction is a new revision: signed afresh, and awaiting a second check again where one is needed.
    const { envelope, needsReview } = await this.withAuthorSignature(unsigned);
    const previous = await this.db.records.get(envelope.id);
    if (!previous) throw new CorrectionRefusedError('recordMissing');
    if (!isCorrectableKind(previous.kind) || previous.kind !== envelope.kind) throw new CorrectionRefusedError('notCorrectable');
    if (previous.ownerId !== owner) throw new CorrectionRefusedError('notAuthor');
    if (!previous.sealed) throw new CorrectionRefusedError('contentRemoved');
    if (envelope.revision !== previous.revision + 1) throw new CorrectionRefusedError('recordChanged');
    const { envelope: before } = await this.openRow(previous);
    if (before.caseNumber !== envelope.caseNumber) throw new CorrectionRefusedError('notCorrectable');
    if (envelope.caseNumber !== null) {
      const verdict = consentCovers(envelope.kind, envelope.caseNumber, await this.consentFor(envelope.caseNumber), false);
      if (!verdict.ok) throw new ConsentMissingError(verdict.reason);
    }
    const now = (options.now ?? new Date()).toISOString();
    const row = await this.pendingRow(envelope, owner, previous.createdAt, now, needsReview);
    await this.db.transaction('rw', [this.db.records, this.db.outbox, this.db.drafts], async () => {
      // Sealing happened outside the transaction: refuse if the row changed meanwhile.
      const current = await this.db.records.get(envelope.id);
      if (current?.revision !== previous.revision || current.sealed === undefined) throw new CorrectionRefusedError('recordChanged');
      await this.db.records.put(row);
      await this.db.outbox.where('recordId').equals(envelope.id).delete();
      await this.db.outbox.add({ recordId: envelope.id, revision: envelope.revision, ownerId: owner, enqueuedAt: now, signed: true });
      if (options.draftId !== undefined) await this.db.drafts.delete(`${owner}:${options.draftId}`);
    });
  }

  /**
   * Decrypted records for screens, newest first by when they were made: the `limit` most recently
   * changed rows, in creation order, so an approval or a send does not move a record in the list
   * (walkthrough finding 30). Needs the unlocked vault.
   */
  async listRecords(limit = 200): Promise<StoredRecord[]> {
    const rows = (await this.db.records.orderBy('updatedAt').reverse().limit(limit).toArray()).sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
    );
    const reviews = await this.reviewsOf(rows);
    return Promise.all(rows.map((row) => this.view(row, reviews.get(sealId(row.id, row.revision)))));
  }

  /** One record as screens see it (with its review), or undefined. */
  async getRecord(id: string): Promise<StoredRecord | undefined> {
    const row = await this.db.records.get(id);
    if (!row) return undefined;
    const reviews = await this.reviewsOf([row]);
    return this.view(row, reviews.get(sealId(row.id, row.revision)));
  }

  /** The latest review row of each listed revision (a rejected one only if nothing newer exists). */
  private async reviewsOf(rows: readonly RecordRow[]): Promise<Map<string, ReviewRow>> {
    const wanted = new Set(rows.map((row) => sealId(row.id, row.revision)));
    const byRevision = new Map<string, ReviewRow>();
    if (wanted.size === 0) return byRevision;
    const candidates = await this.db.reviews
      .where('recordId')
      .anyOf(rows.map((row) => row.id))
      .toArray();
    for (const review of candidates.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const k = sealId(review.recordId, review.revision);
      if (!wanted.has(k)) continue;
      const current = byRevision.get(k);
      if (current && current.syncState !== 'rejected' && review.syncState === 'rejected') continue;
      byRevision.set(k, review);
    }
    return byRevision;
  }

  async countBySyncState(state: RecordRow['syncState']): Promise<number> {
    return this.db.records.where('syncState').equals(state).count();
  }

  async countOutbox(): Promise<number> {
    return this.db.outbox.count();
  }

  /** What is not yet on the server: how many entries, and since when (works while locked). */
  async unsyncedSummary(): Promise<{ count: number; oldestEnqueuedAt: string | null }> {
    const count = await this.db.outbox.count();
    const oldest = await this.db.outbox.orderBy('seq').first();
    return { count, oldestEnqueuedAt: oldest?.enqueuedAt ?? null };
  }

  /**
   * The fleet report's counts (clear metadata only, works while locked): unsent
   * entries in total and per record kind, the oldest one, and unfinished drafts.
   * No id, case number or content leaves this method.
   */
  async fleetCounts(): Promise<{
    unsentCount: number;
    unsentByKind: Partial<Record<RecordKind, number>>;
    oldestEnqueuedAt: string | null;
    draftCount: number;
  }> {
    return this.db.transaction('r', [this.db.outbox, this.db.records, this.db.drafts], async () => {
      const entries = await this.db.outbox.orderBy('seq').toArray();
      const rows = await this.db.records.bulkGet([...new Set(entries.map((entry) => entry.recordId))]);
      const kindOf = new Map(rows.filter((row) => row !== undefined).map((row) => [row.id, row.kind]));
      const unsentByKind: Partial<Record<RecordKind, number>> = {};
      for (const entry of entries) {
        const kind = kindOf.get(entry.recordId);
        if (kind !== undefined) unsentByKind[kind] = (unsentByKind[kind] ?? 0) + 1;
      }
      return {
        unsentCount: entries.length,
        unsentByKind,
        oldestEnqueuedAt: entries[0]?.enqueuedAt ?? null,
        draftCount: await this.db.drafts.count(),
      };
    });
  }

  /** Unsent entries saved by this person (sent by whoever is unlocked, see `peekOutbox`). */
  async countOwnedOutbox(ownerId: string): Promise<number> {
    return this.db.outbox.where('[ownerId+seq]').between([ownerId, -Infinity], [ownerId, Infinity]).count();
  }

  /**
   * Unsent work per person (clear metadata only, works while locked): how
   * many, the oldest, and how many only the author's own session can send.
   */
  async unsentByPerson(): Promise<UnsentOfPerson[]> {
    const [entries, slots] = await Promise.all([this.db.outbox.toArray(), this.db.keySlots.toArray()]);
    return unsentByPerson(entries, slots);
  }

  /**
   * The oldest entries the unlocked person's session may send, in the order
   * they were saved: their own, anyone's (withdrawals), and every colleague's
   * that the colleague signed at saving (the server verifies the signature and
   * stores it as the colleague's). Unsigned entries of others wait for their author.
   */
  async peekOutbox(limit: number): Promise<OutboxItem[]> {
    const unlocked = this.vault.unlockedUser?.userId;
    if (unlocked === undefined) return [];
    const slots = new Map((await this.db.keySlots.toArray()).map((slot) => [slot.userId, slot]));
    // Per owner along the [ownerId+seq] index (fast, bounded by `limit`), then merged in saving order.
    const ranges = await Promise.all(
      (await this.outboxOwners()).map((owner) => {
        const range = this.db.outbox.where('[ownerId+seq]').between([owner, -Infinity], [owner, Infinity]);
        if (owner === unlocked || owner === ANY_OWNER) return range.limit(limit).toArray();
        return range
          .filter((entry) => maySend(entry, unlocked, slots.get(owner)))
          .limit(limit)
          .toArray();
      }),
    );
    const entries = ranges
      .flat()
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
      .slice(0, limit);
    const rows = await this.db.records.bulkGet(entries.map((e) => e.recordId));
    const items: OutboxItem[] = [];
    const orphans: number[] = [];
    for (const [i, entry] of entries.entries()) {
      const row = rows[i];
      if (entry.seq === undefined) continue;
      if (!row?.sealed) {
        orphans.push(entry.seq); // content gone (withdrawn/wiped): nothing left to send
        continue;
      }
      // A newer local revision supersedes the queued one: send what is stored.
      items.push({ seq: entry.seq, record: (await this.openRow(row)).envelope });
    }
    if (orphans.length > 0) await this.db.outbox.bulkDelete(orphans);
    return items;
  }

  /** The distinct owners in the outbox, one index look-up each (skip scan along [ownerId+seq]). */
  private async outboxOwners(): Promise<string[]> {
    const owners: string[] = [];
    let next = await this.db.outbox.orderBy('[ownerId+seq]').first();
    while (next !== undefined) {
      owners.push(next.ownerId);
      next = await this.db.outbox.where('[ownerId+seq]').above([next.ownerId, Infinity]).first();
    }
    return owners;
  }

  /**
   * Applies the server's per-record answers in one transaction: accepted rows
   * become `sent`, rejected rows become `rejected` with the reason — visible,
   * never silently dropped — and both leave the outbox so the queue moves on.
   */
  async applyPushResults(items: OutboxItem[], results: PushResult[], serverTime: string): Promise<{ settled: number }> {
    // A result without id or revision matches no item (as before: its key is no revision key).
    const byKey = new Map(results.map((r) => [r.id === null || r.revision === null ? '' : revisionKey(r.id, r.revision), r]));
    const rejections = new Map<string, RecordRejection>();
    for (const item of items) {
      const result = byKey.get(sealId(item.record.id, item.record.revision));
      if (result?.outcome === 'rejected') {
        rejections.set(item.record.id, {
          reason: result.reason ?? 'invalidRecord',
          message: result.message ?? '',
          issues: result.issues ?? [],
        });
      }
    }
    // Seal outside the transaction: IndexedDB transactions close across non-IDB awaits.
    // A call-back number's boxes (warm handover) leave the tablet with the answer: the server has
    // them (or refused the record), and this tablet could never open them anyway.
    const resealed = new Map<string, RecordRow['sealed']>();
    for (const item of items) {
      const rejection = rejections.get(item.record.id);
      const answered = byKey.has(sealId(item.record.id, item.record.revision));
      const handover = item.record.kind === 'referral' && item.record.warmHandover !== undefined;
      if (rejection || (answered && handover)) {
        const envelope = withoutWarmHandover(item.record);
        resealed.set(
          item.record.id,
          await this.vault.seal(
            'records',
            sealId(item.record.id, item.record.revision),
            item.record.schemaVersion,
            (rejection ? { envelope, rejection } : { envelope }) satisfies RecordSecret,
          ),
        );
      }
    }
    let settled = 0;
    // Bulk reads and writes: one round of IndexedDB requests per batch, not per record.
    await this.db.transaction('rw', [this.db.records, this.db.outbox, this.db.meta], async () => {
      const rows = await this.db.records.bulkGet(items.map((item) => item.record.id));
      const changed: RecordRow[] = [];
      const done: number[] = [];
      items.forEach((item, i) => {
        const result = byKey.get(sealId(item.record.id, item.record.revision));
        if (!result) return; // not answered: stays queued and is retried
        const row = rows[i];
        if (row && row.revision === item.record.revision) {
          const sealed = resealed.get(item.record.id);
          if (sealed) row.sealed = sealed;
          if (result.outcome === 'accepted') {
            row.syncState = 'sent';
            row.sentAt = result.receivedAt ?? serverTime;
          } else {
            row.syncState = 'rejected';
          }
          changed.push(row);
        }
        done.push(item.seq);
        settled++;
      });
      await this.db.records.bulkPut(changed);
      await this.db.outbox.bulkDelete(done);
      await this.noteSentWithContent(changed.filter((row) => row.syncState === 'sent' && row.sealed !== undefined).map((row) => row.id));
    });
    // The device clock may be days off: retention follows the server's clock (last answer's offset).
    const offset = Date.parse(serverTime) - Date.now();
    if (Number.isFinite(offset)) await this.db.meta.put({ key: SERVER_CLOCK_OFFSET_KEY, value: offset });
    return { settled };
  }

  /** Marks one queued record rejected when the server refused the request it was alone in. */
  async rejectItem(item: OutboxItem, rejection: RecordRejection): Promise<void> {
    const envelope = withoutWarmHandover(item.record);
    const sealed = await this.vault.seal('records', sealId(item.record.id, item.record.revision), item.record.schemaVersion, {
      envelope,
      rejection,
    } satisfies RecordSecret);
    await this.db.transaction('rw', [this.db.records, this.db.outbox], async () => {
      const row = await this.db.records.get(item.record.id);
      if (row && row.revision === item.record.revision) {
        row.syncState = 'rejected';
        row.sealed = sealed;
        await this.db.records.put(row);
      }
      await this.db.outbox.delete(item.seq);
    });
  }

  /**
   * Data minimisation: drops the content of records the server has and that
   * need no further step on this tablet; a content-free stub stays so the list
   * can still say "sent". Works while locked (it only deletes).
   */
  async dropSentContent(retentionDays: number, at?: Date): Promise<number> {
    const now = at ?? (await this.serverNow());
    let dropped = 0;
    // Only the sent rows that still hold content are looked at (listed in meta), not every
    // sent row: months of content-free stubs must not slow each sync and the start-up.
    await this.db.transaction('rw', [this.db.records, this.db.meta], async () => {
      const listed = (await this.db.meta.get(SENT_WITH_CONTENT_KEY))?.value;
      // A tablet from before the list: one full scan builds it.
      const ids = Array.isArray(listed)
        ? (listed as string[])
        : await this.db.records
            .where('syncState')
            .equals('sent')
            .filter((row) => row.sealed !== undefined)
            .primaryKeys();
      const rows = await this.db.records.bulkGet(ids);
      const keep: string[] = [];
      const changed: RecordRow[] = [];
      for (const row of rows) {
        if (row?.syncState !== 'sent' || row.sealed === undefined) continue; // gone, re-saved or already a stub
        if (!contentMayBeDropped(row, retentionDays, now)) {
          keep.push(row.id);
          continue;
        }
        delete row.sealed;
        row.contentRemovedAt = now.toISOString();
        changed.push(row);
        dropped++;
      }
      await this.db.records.bulkPut(changed);
      await this.db.meta.put({ key: SENT_WITH_CONTENT_KEY, value: keep });
    });
    return dropped;
  }

  /** Adds sent rows that hold content to the list dropSentContent works through (if the list exists yet). */
  private async noteSentWithContent(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const listed = (await this.db.meta.get(SENT_WITH_CONTENT_KEY))?.value;
    if (!Array.isArray(listed)) return; // the first dropSentContent scans and finds them
    await this.db.meta.put({ key: SENT_WITH_CONTENT_KEY, value: [...new Set([...(listed as string[]), ...ids])] });
  }

  /** The server's time now, as far as the last push answer tells (the device clock may be days off). */
  private async serverNow(): Promise<Date> {
    const entry = await this.db.meta.get(SERVER_CLOCK_OFFSET_KEY);
    const offset = typeof entry?.value === 'number' ? entry.value : 0;
    return new Date(Date.now() + offset);
  }

  /**
   * Rows written before encryption (schema v2) hold plaintext: the first
   * person to unlock seals them and becomes the owner of their outbox entries.
   */
  async sealLegacyRows(): Promise<number> {
    const owner = this.requireOwner();
    // Runs at every unlock; legacy rows can only come from the v2→v3 upgrade, so once none are
    // left this never reads the whole table again (20,000 records made every unlock slow).
    if ((await this.db.meta.get(LEGACY_SEALED_KEY))?.value === true) return 0;
    const legacy = (await this.db.records.toArray()).filter((row) => row.envelope !== undefined);
    const legacyDrafts = (await this.db.drafts.toArray()).filter((d) => d.values !== undefined && d.sealed === undefined);
    if (legacy.length === 0 && legacyDrafts.length === 0) {
      await this.db.meta.put({ key: LEGACY_SEALED_KEY, value: true });
      return 0;
    }
    const sealedRows: RecordRow[] = [];
    for (const row of legacy) {
      const envelope = row.envelope;
      if (!envelope) continue;
      const secret: RecordSecret = row.rejection ? { envelope, rejection: row.rejection } : { envelope };
      const { envelope: _plain, rejection: _r, ...rest } = row;
      sealedRows.push({
        ...rest,
        ownerId: owner,
        schemaVersion: envelope.schemaVersion,
        sealed: await this.vault.seal('records', sealId(row.id, row.revision), envelope.schemaVersion, secret),
      });
    }
    const sealedDrafts = await Promise.all(
      legacyDrafts.map(async (d) => ({
        formId: `${owner}:${d.formId}`,
        updatedAt: d.updatedAt,
        sealed: await this.vault.seal('drafts', `${owner}:${d.formId}`, 1, d.values),
      })),
    );
    await this.db.transaction('rw', [this.db.records, this.db.outbox, this.db.drafts, this.db.meta], async () => {
      await this.db.records.bulkPut(sealedRows);
      await this.noteSentWithContent(sealedRows.filter((row) => row.syncState === 'sent').map((row) => row.id));
      await this.db.outbox.where('ownerId').equals('legacy').modify({ ownerId: owner });
      await this.db.drafts.bulkDelete(legacyDrafts.map((d) => d.formId));
      await this.db.drafts.bulkPut(sealedDrafts);
    });
    return sealedRows.length;
  }

  /** The latest consent for a case held on this tablet (consents keep their content after sync). */
  async consentFor(caseNumber: string): Promise<ConsentContent | undefined> {
    let latest: { revision: number; content: ConsentContent } | undefined;
    for (const row of await this.db.records.where('kind').equals('consent').toArray()) {
      if (!row.sealed) continue;
      const { envelope } = await this.openRow(row);
      if (envelope.kind === 'consent' && envelope.caseNumber === caseNumber && (!latest || envelope.revision > latest.revision)) {
        latest = { revision: envelope.revision, content: envelope.content };
      }
    }
    return latest?.content;
  }

  /**
   * The records of one case on this tablet, with their reviews: those with content and the
   * content-free stubs whose sealed case number names it (decrypts to match: case numbers are
   * not indexed in clear). Newest change first.
   */
  async recordsForCase(caseNumber: string): Promise<StoredRecord[]> {
    const rows: RecordRow[] = [];
    for (const row of await this.db.records.orderBy('updatedAt').reverse().toArray()) {
      const named = row.sealed ? (await this.openRow(row)).envelope.caseNumber : (await this.openStub(row))?.caseNumber;
      if (named === caseNumber) rows.push(row);
    }
    const reviews = await this.reviewsOf(rows);
    return Promise.all(rows.map((row) => this.view(row, reviews.get(sealId(row.id, row.revision)))));
  }

  /**
   * Deletes every record of a case withdrawn elsewhere (pulled from the
   * server) and drops its pending outbox entries, in one transaction. Rows
   * whose content is already gone go too when their stub names the case
   * (stubs from before stubs kept it cannot be matched and stay). Returns how many records were deleted.
   */
  async deleteCase(caseNumber: string): Promise<number> {
    const ids = await this.idsOfCase(caseNumber);
    if (ids.length === 0) return 0;
    await this.db.transaction('rw', [this.db.records, this.db.outbox, this.db.reviews, this.db.drafts], async () => {
      await this.db.records.bulkDelete(ids);
      await this.db.outbox.where('recordId').anyOf(ids).delete();
      await this.db.reviews.where('recordId').anyOf(ids).delete();
      await this.deleteCorrectionDrafts(ids);
    });
    return ids.length;
  }

  /**
   * Withdrawal on this tablet: deletes the case's records and queues the
   * withdrawal record in ONE transaction — the content is never gone without
   * the server being told. Any unlocked person may send it (ANY_OWNER).
   */
  async withdrawCase(withdrawal: SyncRecord & { kind: 'consentWithdrawal' }, now: Date = new Date()): Promise<number> {
    this.requireOwner();
    const ids = await this.idsOfCase(withdrawal.caseNumber);
    const row: RecordRow = {
      id: withdrawal.id,
      kind: withdrawal.kind,
      revision: withdrawal.revision,
      schemaVersion: withdrawal.schemaVersion,
      ownerId: ANY_OWNER,
      syncState: 'pending',
      createdAt: withdrawal.createdAt,
      updatedAt: now.toISOString(),
      sealed: await this.vault.seal('records', sealId(withdrawal.id, withdrawal.revision), withdrawal.schemaVersion, {
        envelope: withdrawal,
      } satisfies RecordSecret),
      // Outlives the content: "Fall suchen" can say the consent was withdrawn, and when (withdrawnAt).
      stub: await this.vault.seal(STUB_TABLE, sealId(withdrawal.id, withdrawal.revision), STUB_VERSION, {
        caseNumber: withdrawal.caseNumber,
      } satisfies RecordStub),
    };
    await this.db.transaction('rw', [this.db.records, this.db.outbox, this.db.reviews, this.db.drafts], async () => {
      await this.db.records.bulkDelete(ids);
      await this.db.outbox.where('recordId').anyOf(ids).delete();
      await this.db.reviews.where('recordId').anyOf(ids).delete();
      await this.deleteCorrectionDrafts(ids);
      await this.db.records.put(row);
      await this.db.outbox.add({ recordId: row.id, revision: row.revision, ownerId: ANY_OWNER, enqueuedAt: row.updatedAt });
    });
    return ids.length;
  }

  /**
   * When consent for this case was withdrawn on this tablet (the withdrawal's
   * time), or undefined. All this tablet keeps of a withdrawn case is that
   * fact: the withdrawal row's sealed stub (the case number) and its date.
   */
  async withdrawnAt(caseNumber: string): Promise<string | undefined> {
    for (const row of await this.db.records.where('kind').equals('consentWithdrawal').toArray()) {
      const named = row.sealed ? (await this.openRow(row)).envelope.caseNumber : (await this.openStub(row))?.caseNumber;
      if (named === caseNumber) return row.createdAt;
    }
    return undefined;
  }

  /** Drafts of corrections of these records, whoever started them (`<owner>:<kind>:correct:<id>`); inside the caller's transaction. */
  private async deleteCorrectionDrafts(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const suffixes = ids.map((id) => `:correct:${id}`);
    const keys = (await this.db.drafts.toCollection().primaryKeys()).filter((key) => suffixes.some((suffix) => key.endsWith(suffix)));
    await this.db.drafts.bulkDelete(keys);
  }

  /** The case's records, with content or as a stub (a withdrawal deletes both). */
  private async idsOfCase(caseNumber: string): Promise<string[]> {
    const ids: string[] = [];
    for (const row of await this.db.records.toArray()) {
      if (row.kind === 'consentWithdrawal') continue;
      if (row.sealed) {
        const { envelope } = await this.openRow(row);
        if (envelope.caseNumber === caseNumber) ids.push(row.id);
      } else if ((await this.openStub(row))?.caseNumber === caseNumber) ids.push(row.id);
    }
    return ids;
  }

  private async openStub(row: RecordRow): Promise<RecordStub | undefined> {
    if (!row.stub) return undefined;
    return (await this.vault.open(STUB_TABLE, sealId(row.id, row.revision), STUB_VERSION, row.stub)) as RecordStub;
  }

  /** A new revision's row, sealed (outside any transaction: IndexedDB transactions close across crypto awaits). */
  private async pendingRow(
    envelope: SyncRecord,
    ownerId: string,
    createdAt: string,
    updatedAt: string,
    needsReview: boolean,
  ): Promise<RecordRow> {
    return {
      reviewState: needsReview ? 'awaiting' : 'notRequired',
      ...(createsReferral(envelope) ? { referralPending: true as const } : {}),
      id: envelope.id,
      kind: envelope.kind,
      revision: envelope.revision,
      schemaVersion: envelope.schemaVersion,
      ownerId,
      syncState: 'pending',
      createdAt,
      updatedAt,
      sealed: await this.vault.seal('records', sealId(envelope.id, envelope.revision), envelope.schemaVersion, {
        envelope,
      } satisfies RecordSecret),
      stub: await this.vault.seal(STUB_TABLE, sealId(envelope.id, envelope.revision), STUB_VERSION, {
        caseNumber: envelope.caseNumber,
      } satisfies RecordStub),
    };
  }

  private requireOwner(): string {
    const owner = this.vault.unlockedUser?.userId;
    if (owner === undefined) throw new Error('vault locked: nothing can be saved');
    return owner;
  }

  private async openRow(row: RecordRow): Promise<RecordSecret> {
    if (!row.sealed) throw new Error('content removed');
    return (await this.vault.open('records', sealId(row.id, row.revision), row.schemaVersion, row.sealed)) as RecordSecret;
  }

  private async view(row: RecordRow, review?: ReviewRow): Promise<StoredRecord> {
    const secret = row.sealed ? await this.openRow(row) : null;
    const stub = secret ? undefined : await this.openStub(row);
    const caseNumber = secret ? secret.envelope.caseNumber : stub?.caseNumber;
    const view: StoredRecord = {
      id: row.id,
      kind: row.kind,
      ...(caseNumber !== undefined ? { caseNumber } : {}),
      revision: row.revision,
      syncState: row.syncState,
      ownerId: row.ownerId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      envelope: secret?.envelope ?? null,
      reviewState: row.reviewState ?? 'notRequired',
      ...(row.referralPending === true ? { referralPending: true as const } : {}),
    };
    if (row.sentAt !== undefined) view.sentAt = row.sentAt;
    if (secret?.rejection) view.rejection = secret.rejection;
    if (review) {
      const opened = (await this.vault.open('reviews', review.id, 1, review.sealed)) as ReviewSecret;
      view.review = {
        id: review.id,
        decision: review.decision,
        comment: opened.submission.comment,
        reviewerName: opened.reviewerName,
        decidedAt: opened.submission.signedAt,
        syncState: review.syncState,
        ...(opened.rejection ? { rejection: opened.rejection } : {}),
      };
    }
    return view;
  }
}
