// How a draft's id names its form: a new record's draft is one per workflow
// (`<kind>:new`, in the workflow registry), a correction's is one per record.
import type { SyncRecord } from '@shared/records/sync-record';

export const CORRECTION_MARK = ':correct:';

/** Each correction autosaves under its own id, per record: two corrections never share a draft. */
export function correctionDraftId(record: Pick<SyncRecord, 'kind' | 'id'>): string {
  return `${record.kind}${CORRECTION_MARK}${record.id}`;
}
