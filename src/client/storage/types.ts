// Row shapes of the tablet database. `envelope` holds the record as it is sent;
// everything outside it is local bookkeeping that never leaves the device.
import type { ErrorReason } from '../../shared/protocol';
import type { RecordKind, SyncRecord } from '../../shared/records/sync-record';

export type RecordSyncState = 'pending' | 'sent' | 'rejected';

export interface RecordRejection {
  reason: ErrorReason;
  message: string;
  issues: { path: string; message: string }[];
}

export interface StoredRecord {
  id: string;
  kind: RecordKind;
  revision: number;
  syncState: RecordSyncState;
  createdAt: string;
  updatedAt: string;
  /** Server time of acknowledgement. */
  sentAt?: string;
  rejection?: RecordRejection;
  envelope: SyncRecord;
}

export interface OutboxEntry {
  seq?: number;
  recordId: string;
  revision: number;
  enqueuedAt: string;
}

export interface MetaEntry {
  key: string;
  value: unknown;
}

export interface DraftEntry {
  formId: string;
  values: unknown;
  updatedAt: string;
}
