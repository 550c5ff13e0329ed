// What the record list offers besides saved records: unfinished drafts (of a
// new record or of a correction) and the "Correct" action. Draft ids name
// their form, so a draft can be listed and continued without opening it.
import { CORRECTION_MARK, correctionDraftId } from '../../forms/draft-ids';
import type { StoredRecord } from '../../storage';
import { ANY_OWNER } from '../../storage/record-store';
import { WORKFLOWS, WORKFLOW_KINDS, isWorkflowKind, type WorkflowKind, type WorkflowRecord } from '../workflows/registry';

/** Record kinds whose workflow form can open a correction (prefilled with the saved content). */
export type CorrectionFormKind = WorkflowKind;
export type CorrectionTarget = WorkflowRecord;
export type NewRecordForm = WorkflowKind;

export { correctionDraftId };

export type DraftItem =
  | { type: 'new'; form: NewRecordForm; draftId: string; updatedAt: string }
  | { type: 'correction'; kind: CorrectionFormKind; recordId: string; draftId: string; updatedAt: string };

/** A kind is corrected on a form when it has one (registry) and may be corrected at all (domain rule). */
function isCorrectionFormKind(kind: string): kind is CorrectionFormKind {
  return isWorkflowKind(kind) && WORKFLOWS[kind].correctable;
}

/** Reads a stored draft id; undefined for ids no form of this version writes. */
export function parseDraftId(draftId: string, updatedAt: string): DraftItem | undefined {
  const form = WORKFLOW_KINDS.find((kind) => WORKFLOWS[kind].newDraftId === draftId);
  if (form !== undefined) return { type: 'new', form, draftId, updatedAt };
  const at = draftId.indexOf(CORRECTION_MARK);
  if (at <= 0) return undefined;
  const kind = draftId.slice(0, at);
  const recordId = draftId.slice(at + CORRECTION_MARK.length);
  if (!isCorrectionFormKind(kind) || recordId === '') return undefined;
  return { type: 'correction', kind, recordId, draftId, updatedAt };
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
