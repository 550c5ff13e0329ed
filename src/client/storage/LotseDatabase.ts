// The tablet's IndexedDB, through Dexie. Every declared version stays here
// (CONVENTIONS.md 3); each upgrade has a test that seeds the previous version.
import { Dexie, type Table, type Transaction } from 'dexie';
import { DATABASE_NAME, SCHEMA_HISTORY, TABLES } from './tables';
import type { DraftEntry, KeySlot, MetaEntry, OutboxEntry, RecordRow, ReviewRow } from './types';

type UpgradeRow = Record<string, unknown> & { createdAt?: string; updatedAt?: string; envelope?: { schemaVersion?: number } };

const UPGRADES: Partial<Record<number, (tx: Transaction) => Promise<void>>> = {
  // v2: the list is ordered by updatedAt, which v1 rows did not have.
  2: async (tx) => {
    await tx
      .table<UpgradeRow, string>(TABLES.records)
      .toCollection()
      .modify((row) => {
        if (row.updatedAt === undefined && row.createdAt !== undefined) row.updatedAt = row.createdAt;
      });
  },
  // v3: rows keep their plaintext until the first unlock seals them
  // (RecordStore.sealLegacyRows); here they only get the new clear fields.
  3: async (tx) => {
    await tx
      .table<UpgradeRow, string>(TABLES.records)
      .toCollection()
      .modify((row) => {
        row.ownerId ??= 'legacy';
        row.schemaVersion ??= row.envelope?.schemaVersion ?? 1;
      });
    await tx
      .table<UpgradeRow, number>(TABLES.outbox)
      .toCollection()
      .modify((entry) => {
        entry.ownerId ??= 'legacy';
      });
  },
};

export class LotseDatabase extends Dexie {
  records!: Table<RecordRow, string>;
  outbox!: Table<OutboxEntry, number>;
  meta!: Table<MetaEntry, string>;
  drafts!: Table<DraftEntry, string>;
  keySlots!: Table<KeySlot, string>;
  reviews!: Table<ReviewRow, string>;

  constructor(name: string = DATABASE_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    for (const step of SCHEMA_HISTORY) {
      const version = this.version(step.version).stores(step.stores);
      const upgrade = UPGRADES[step.version];
      if (upgrade) version.upgrade(upgrade);
    }
  }
}
