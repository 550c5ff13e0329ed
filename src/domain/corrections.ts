// Which records can be corrected (DESIGN.md §3: a correction is a new revision
// of the same record). A consent is withdrawn, never corrected; a refusal and a
// withdrawal are facts about the family's decision, not the staff member's work.
import type { RecordKind } from '@shared/records/sync-record';

export const CORRECTABLE_KINDS = [
  'homeContact',
  'mediation',
  'welcomeVisit',
  'welcomeVisitAttempt',
  'screening',
] as const satisfies readonly RecordKind[];
export type CorrectableKind = (typeof CORRECTABLE_KINDS)[number];

export function isCorrectableKind(kind: RecordKind): kind is CorrectableKind {
  return (CORRECTABLE_KINDS as readonly RecordKind[]).includes(kind);
}

/** Why a correction cannot be saved; the form shows it and keeps the draft. */
export type CorrectionRefusal = 'notCorrectable' | 'notAuthor' | 'contentRemoved' | 'recordChanged' | 'recordMissing';

export class CorrectionRefusedError extends Error {
  constructor(readonly reason: CorrectionRefusal) {
    super(`correction refused: ${reason}`);
    this.name = 'CorrectionRefusedError';
  }
}
