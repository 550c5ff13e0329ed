// Records and their outbox. The invariant of the transactional outbox
// (DESIGN.md §5): a record revision and its outbox entry are written in ONE
// IndexedDB transaction — after a crash both exist or neither does.
import type { PushResult } from '../../shared/protocol';
import type { SyncRecord } from '../../shared/records/sync-record';
import type { LotseDatabase } from './LotseDatabase';
import type { OutboxEntry, RecordSyncState, StoredRecord } from './types';

export interface OutboxItem {
  seq: number;
  record: SyncRecord;
}

export class RecordStore {
  constructor(private readonly db: LotseDatabase) {}

  /** Saves a new record revision, queues it for sending, and drops the draft it came from. */
  async saveRecord(envelope: SyncRecord, options: { draftId?: string; now?: Date } = {}): Promise<StoredRecord> {
    const now = (options.now ?? new Date()).toISOString();
    const row: StoredRecord = {
      id: envelope.id,
      kind: envelope.kind,
      revision: envelope.revision,
      syncState: 'pending',
      createdAt: envelope.createdAt,
      updatedAt: now,
      envelope,
    };
    const entry: OutboxEntry = { recordId: envelope.id, revision: envelope.revision, enqueuedAt: now };
    await this.db.transaction('rw', [this.db.records, this.db.outbox, this.db.drafts], async () => {
      await this.db.records.put(row);
      await this.db.outbox.add(entry);
      if (options.draftId !== undefined) await this.db.drafts.delete(options.draftId);
    });
    return row;
  }

  async listRecords(limit = 200): Promise<StoredRecord[]> {
    return this.db.records.orderBy('updatedAt').reverse().limit(limit).toArray();
  }

  async countBySyncState(state: RecordSyncState): Promise<number> {
    return this.db.records.where('syncState').equals(state).count();
  }

  async countOutbox(): Promise<number> {
    return this.db.outbox.count();
  }

  /** Oldest entries first: records of one device reach the server in the order they were saved. */
  async peekOutbox(limit: number): Promise<OutboxItem[]> {
    return this.db.transaction('r', [this.db.outbox, this.db.records], async () => {
      const entries = await this.db.outbox.orderBy('seq').limit(limit).toArray();
      const rows = await this.db.records.bulkGet(entries.map((e) => e.recordId));
      const items: OutboxItem[] = [];
      entries.forEach((entry, i) => {
        const row = rows[i];
        if (entry.seq === undefined) return;
        // A newer local revision supersedes the queued one: send what is stored.
        if (row) items.push({ seq: entry.seq, record: row.envelope });
      });
      return items;
    });
  }

  /** Removes outbox entries whose record no longer exists (nothing to send). */
  async dropOrphans(seqs: number[]): Promise<void> {
    if (seqs.length > 0) await this.db.outbox.bulkDelete(seqs);
  }

  /**
   * Applies the server's per-record answers in one transaction: accepted rows
   * become `sent`, rejected rows become `rejected` with the reason — visible,
   * never silently dropped — and both leave the outbox so the queue moves on.
   */
  async applyPushResults(items: OutboxItem[], results: PushResult[], serverTime: string): Promise<{ settled: number }> {
    const byKey = new Map(results.map((r) => [`${r.id ?? ''}#${String(r.revision ?? '')}`, r]));
    let settled = 0;
    await this.db.transaction('rw', [this.db.records, this.db.outbox], async () => {
      for (const item of items) {
        const result = byKey.get(`${item.record.id}#${String(item.record.revision)}`);
        if (!result) continue; // not answered: stays queued and is retried
        const row = await this.db.records.get(item.record.id);
        if (row && row.revision === item.record.revision) {
          if (result.outcome === 'accepted') {
            row.syncState = 'sent';
            row.sentAt = result.receivedAt ?? serverTime;
            delete row.rejection;
          } else {
            row.syncState = 'rejected';
            row.rejection = {
              reason: result.reason ?? 'invalidRecord',
              message: result.message ?? '',
              issues: result.issues ?? [],
            };
          }
          await this.db.records.put(row);
        }
        await this.db.outbox.delete(item.seq);
        settled++;
      }
    });
    return { settled };
  }

  /** Marks one queued record rejected when the server refused the request it was alone in. */
  async rejectItem(item: OutboxItem, rejection: StoredRecord['rejection'] & object): Promise<void> {
    await this.db.transaction('rw', [this.db.records, this.db.outbox], async () => {
      const row = await this.db.records.get(item.record.id);
      if (row && row.revision === item.record.revision) {
        row.syncState = 'rejected';
        row.rejection = rejection;
        await this.db.records.put(row);
      }
      await this.db.outbox.delete(item.seq);
    });
  }
}
