// The one door to IndexedDB (CONVENTIONS.md 3): the rest of the client uses
// these stores and never sees Dexie.
import { Dexie } from 'dexie';
import { LotseDatabase } from './LotseDatabase';
import { DeviceStore } from './device-store';
import { DraftStore } from './draft-store';
import { RecordStore } from './record-store';

export interface Storage {
  records: RecordStore;
  device: DeviceStore;
  drafts: DraftStore;
  /** Subscribe to changes of the stored data (any table); returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  close(): void;
}

export function openStorage(db: LotseDatabase = new LotseDatabase()): Storage {
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of listeners) l();
  };
  // Dexie's global storagemutated fires for this tab's and other tabs' writes alike.
  Dexie.on.storagemutated.subscribe(notify);
  return {
    records: new RecordStore(db),
    device: new DeviceStore(db),
    drafts: new DraftStore(db),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      Dexie.on.storagemutated.unsubscribe(notify);
      db.close();
    },
  };
}

export { LotseDatabase } from './LotseDatabase';
export type { OutboxItem } from './record-store';
export type { StoredRecord, RecordSyncState, RecordRejection } from './types';
