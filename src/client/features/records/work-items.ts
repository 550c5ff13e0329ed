// What the record list offers besides saved records: unfinished drafts (of a
// new record or of a correction) and the "Correct" action. Draft ids name
// their form, so a draft can be listed and continued without opening it.
import type { RecordKind, SyncRecord } from '../../../shared/records/sync-record';
import type { StoredRecord } from '../../storage';
import { ANY_OWNER } from '../../storage/record-store';

/** Record kinds whose workflow form can open a correction (prefilled with the saved content). */
export const CORRECTION_FORM_KINDS = ['homeContact', 'mediation', 'welcomeVisit', 'screening'] as const satisfies readonly RecordKind[];
export type CorrectionFormKind = (typeof CORRECTION_FORM_KINDS)[number];
export type CorrectionTarget = Extract<SyncRecord, { kind: CorrectionFormKind }>;

/** Forms of new records and the draft id each autosaves under. */
export const NEW_RECORD_DRAFTS = {
  homeContact: 'homeContact:new',
  mediation: 'mediation:new',
  welcomeVisit: 'welcomeVisit:new',
  screening: 'screening:new',
} as const;
export type NewRecordForm = keyof typeof NEW_RECORD_DRAFTS;

const CORRECTION_MARK = ':correct:';

/** Each correction autosaves under its own id, per record: two corrections never share a draft. */
export function correctionDraftId(record: Pick<SyncRecord, 'kind' | 'id'>): string {
  return `${record.kind}${CORRECTION_MARK}${record.id}`;
}

export type DraftItem =
  | { type: 'new'; form: NewRecordForm; formId: string; updatedAt: string }
  | { type: 'correction'; kind: CorrectionFormKind; recordId: string; formId: string; updatedAt: string };

function isCorrectionFormKind(kind: string): kind is CorrectionFormKind {
  return (CORRECTION_FORM_KINDS as readonly string[]).includes(kind);
}

/** Reads a stored draft id; undefined for ids no form of this version writes. */
export function parseDraftId(formId: string, updatedAt: string): DraftItem | undefined {
  for (const [form, id] of Object.entries(NEW_RECORD_DRAFTS) as [NewRecordForm, string][]) {
    if (id === formId) return { type: 'new', form, formId, updatedAt };
  }
  const at = formId.indexOf(CORRECTION_MARK);
  if (at <= 0) return undefined;
  const kind = formId.slice(0, at);
  const recordId = formId.slice(at + CORRECTION_MARK.length);
  if (!isCorrectionFormKind(kind) || recordId === '') return undefined;
  return { type: 'correction', kind, recordId, formId, updatedAt };
}

/**
 * Whether `userId` may correct this record on this tablet: they saved it, its
 * content is still here (not a content-free stub), and its kind is corrected
 * by a workflow form (never consent, refusal or withdrawal).
 */
export function canCorrect(record: StoredRecord, userId: string | undefined): record is StoredRecord & { envelope: CorrectionTarget } {
  if (userId === undefined || record.ownerId === ANY_OWNER || record.ownerId !== userId) return false;
  return record.envelope !== null && isCorrectionFormKind(record.envelope.kind);
}
