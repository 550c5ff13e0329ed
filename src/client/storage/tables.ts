// The names and index specs of every IndexedDB table, by schema version.
// CHANGING ANYTHING HERE NEEDS A NEW DEXIE VERSION AND A MIGRATION TEST
// (tests/integration/client/storage). Old versions stay declared forever so a
// tablet that skipped releases still upgrades step by step.

export const DATABASE_NAME = 'lotse';

export const TABLES = {
  records: 'records',
  outbox: 'outbox',
  meta: 'meta',
  drafts: 'drafts',
  keySlots: 'keySlots',
  reviews: 'reviews',
} as const;

/** Dexie store specs per version; only ids and non-identifying status fields are indexed. */
export const SCHEMA_HISTORY = [
  {
    version: 1,
    stores: {
      [TABLES.records]: 'id, kind, syncState',
      [TABLES.outbox]: '++seq, recordId',
      [TABLES.meta]: 'key',
    },
  },
  {
    // v2: form drafts survive reloads and app updates; records list by last change.
    version: 2,
    stores: {
      [TABLES.records]: 'id, kind, syncState, updatedAt',
      [TABLES.outbox]: '++seq, recordId',
      [TABLES.meta]: 'key',
      [TABLES.drafts]: 'formId',
    },
  },
  {
    // v3: encryption at rest. Record and draft content move into AES-GCM sealed
    // boxes; outbox entries name their owner (the author; since every record is
    // signed, colleagues send signed ones too); staff key slots wrap the tablet's data key.
    version: 3,
    stores: {
      [TABLES.records]: 'id, kind, syncState, updatedAt',
      [TABLES.outbox]: '++seq, recordId, [ownerId+seq]',
      [TABLES.meta]: 'key',
      [TABLES.drafts]: 'formId',
      [TABLES.keySlots]: 'userId',
    },
  },
  {
    // v4: four-eyes. Reviews (approvals and send-backs) made on this tablet or
    // pulled for its records; the signed submission and any comment are sealed.
    version: 4,
    stores: {
      [TABLES.records]: 'id, kind, syncState, updatedAt',
      [TABLES.outbox]: '++seq, recordId, [ownerId+seq]',
      [TABLES.meta]: 'key',
      [TABLES.drafts]: 'formId',
      [TABLES.keySlots]: 'userId',
      [TABLES.reviews]: 'id, recordId, syncState',
    },
  },
] as const;

export const CURRENT_SCHEMA_VERSION = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1]?.version ?? 1;
