// The unencrypted baseline for the save benchmarks: the tablet database's
// current tables and indexes, and a save that mirrors RecordStore.saveRecord —
// same row fields, same single rw transaction over records + outbox + drafts —
// except that the content is stored as a JSON string instead of a sealed box.
// Its row fields, outbox entries and bulk write also serve entry.ts's sealed bulk save.
import { Dexie, type Table } from 'dexie';
import { SCHEMA_HISTORY } from '@client/storage/tables';
import type { OutboxEntry, RecordRow, RecordSecret } from '@client/storage/types';
import type { SyncRecord } from '@shared/records/sync-record';

export type PlainRecordRow = Omit<RecordRow, 'sealed'> & { json: string };

export class PlainDatabase extends Dexie {
  records!: Table<PlainRecordRow, string>;
  outbox!: Table<OutboxEntry, number>;
  drafts!: Table<{ formId: string }, string>;

  constructor(name: string) {
    super(name);
    const latest = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1];
    if (!latest) throw new Error('no schema');
    this.version(latest.version).stores(latest.stores);
  }
}

/** The row fields RecordStore.saveRecord writes besides the content. */
export function recordRowFields(envelope: SyncRecord, ownerId: string, now: string): Omit<RecordRow, 'sealed'> {
  return {
    id: envelope.id,
    kind: envelope.kind,
    revision: envelope.revision,
    schemaVersion: envelope.schemaVersion,
    ownerId,
    syncState: 'pending',
    createdAt: envelope.createdAt,
    updatedAt: now,
  };
}

export function outboxEntry(envelope: SyncRecord, ownerId: string, now: string): OutboxEntry {
  return { recordId: envelope.id, revision: envelope.revision, ownerId, enqueuedAt: now };
}

function plainRow(envelope: SyncRecord, ownerId: string, now: string): PlainRecordRow {
  const secret: RecordSecret = { envelope };
  return { ...recordRowFields(envelope, ownerId, now), json: JSON.stringify(secret) };
}

/** A batch of rows and their outbox entries in one rw transaction. */
export async function bulkPutWithOutbox<Row>(
  db: Dexie & { records: Table<Row, string>; outbox: Table<OutboxEntry, number> },
  rows: readonly Row[],
  entries: readonly OutboxEntry[],
): Promise<void> {
  await db.transaction('rw', [db.records, db.outbox], async () => {
    await db.records.bulkPut(rows);
    await db.outbox.bulkAdd(entries);
  });
}

/** saveRecord without the vault. */
export async function savePlainRecord(db: PlainDatabase, envelope: SyncRecord, ownerId: string): Promise<void> {
  const now = new Date().toISOString();
  const row = plainRow(envelope, ownerId, now);
  const entry = outboxEntry(envelope, ownerId, now);
  await db.transaction('rw', [db.records, db.outbox, db.drafts], async () => {
    await db.records.put(row);
    await db.outbox.add(entry);
  });
}

/** A batch of records in one transaction, without the vault. */
export async function bulkSavePlain(db: PlainDatabase, envelopes: readonly SyncRecord[], ownerId: string): Promise<void> {
  const now = new Date().toISOString();
  const rows = envelopes.map((e) => plainRow(e, ownerId, now));
  const entries = envelopes.map((e) => outboxEntry(e, ownerId, now));
  await bulkPutWithOutbox(db, rows, entries);
}
