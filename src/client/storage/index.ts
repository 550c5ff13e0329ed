// The one door to IndexedDB (CONVENTIONS.md 3): the rest of the client uses
// these stores and never sees Dexie. Content goes through the vault.
import { Dexie } from 'dexie';
import { LotseDatabase } from './LotseDatabase';
import { DeviceStore } from './device-store';
import { DraftStore } from './draft-store';
import { RecordStore } from './record-store';
import { ReviewStore } from './review-store';
export { personOf } from './review-store';
import { DEFAULT_FOUR_EYES_POLICY } from '@domain/four-eyes';
import { QuestionnaireStore } from './questionnaire-store';
import { Vault } from './vault';

export interface Storage {
  vault: Vault;
  records: RecordStore;
  reviews: ReviewStore;
  device: DeviceStore;
  drafts: DraftStore;
  /** The municipality's screening questionnaire, keeping the last good one. */
  questionnaires: QuestionnaireStore;
  /** Subscribe to changes of the stored data (any table) and of the vault; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Deletes everything this tablet holds (revoked device). */
  wipe(): Promise<void>;
  close(): void;
}

export function openStorage(db: LotseDatabase = new LotseDatabase(), options: { now?: () => number } = {}): Storage {
  const vault = new Vault(db, options.now);
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of listeners) l();
  };
  // Dexie's global storagemutated fires for this tab's and other tabs' writes alike.
  Dexie.on.storagemutated.subscribe(notify);
  const unsubscribeVault = vault.onChange(notify);
  const device = new DeviceStore(db, vault);
  return {
    vault,
    records: new RecordStore(db, vault, async () => (await device.config())?.fourEyes ?? DEFAULT_FOUR_EYES_POLICY),
    reviews: new ReviewStore(db, vault, () => device.config()),
    device,
    drafts: new DraftStore(db, vault),
    questionnaires: new QuestionnaireStore(db),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async wipe() {
      vault.lock();
      db.close();
      await db.delete();
    },
    close() {
      Dexie.on.storagemutated.unsubscribe(notify);
      unsubscribeVault();
      db.close();
    },
  };
}

export { LotseDatabase } from './LotseDatabase';
export { VaultLockedError, type UnlockResult, type SlotSummary, type UnlockedUser } from './vault';
export type { OutboxItem } from './record-store';
export { ANY_OWNER, daysSince, type UnsentOfPerson } from './unsent-by-person';
export type { Enrollment } from './device-store';
export type { StoredRecord, RecordSyncState, RecordRejection, ReviewState, ReviewView } from './types';
