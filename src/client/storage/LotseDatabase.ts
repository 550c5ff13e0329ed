// The tablet's IndexedDB, through Dexie. Every declared version stays here
// (CONVENTIONS.md 3); each upgrade has a test that seeds the previous version.
import { Dexie, type Table } from 'dexie';
import { DATABASE_NAME, SCHEMA_HISTORY, TABLES } from './tables';
import type { DraftEntry, MetaEntry, OutboxEntry, StoredRecord } from './types';

export class LotseDatabase extends Dexie {
  records!: Table<StoredRecord, string>;
  outbox!: Table<OutboxEntry, number>;
  meta!: Table<MetaEntry, string>;
  drafts!: Table<DraftEntry, string>;

  constructor(name: string = DATABASE_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    for (const step of SCHEMA_HISTORY) {
      const version = this.version(step.version).stores(step.stores);
      if (step.version === 2) {
        version.upgrade(async (tx) => {
          // v1 rows had no updatedAt; the list is now ordered by it.
          await tx
            .table<Omit<StoredRecord, 'updatedAt'> & { updatedAt?: string }, string>(TABLES.records)
            .toCollection()
            .modify((row: Omit<StoredRecord, 'updatedAt'> & { updatedAt?: string }) => {
              row.updatedAt ??= row.createdAt;
            });
        });
      }
    }
  }
}
