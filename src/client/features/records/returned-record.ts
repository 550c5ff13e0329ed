// A record the server returned for personal data in its free text (reason
// `personalData`, src/domain/personal-data-guard.ts): which fields to clean and
// what was seen in each, read from the answer's issues (field path + kind, never text).
import { PERSONAL_DATA_KINDS, type PersonalDataKind } from '@domain/personal-data-detector';
import type { RecordRejection } from '../../storage/types';

export type ReturnedField = 'note' | 'sharedNote' | 'overrideReason' | 'answer';

export interface ReturnedFieldIssue {
  field: ReturnedField;
  kinds: PersonalDataKind[];
}

const KINDS: ReadonlySet<string> = new Set(PERSONAL_DATA_KINDS);

function fieldOf(path: string): ReturnedField | undefined {
  if (path === 'content.note') return 'note';
  if (path === 'content.sharedNote') return 'sharedNote';
  if (path === 'content.override.reason') return 'overrideReason';
  if (path.startsWith('content.answers.')) return 'answer';
  return undefined;
}

/** The fields to clean, in the order the server named them; empty unless the record was returned for personal data. */
export function returnedFields(rejection: RecordRejection | undefined): ReturnedFieldIssue[] {
  if (rejection?.reason !== 'personalData') return [];
  const byField = new Map<ReturnedField, PersonalDataKind[]>();
  for (const issue of rejection.issues) {
    const field = fieldOf(issue.path);
    if (field === undefined || !KINDS.has(issue.message)) continue;
    const kinds = byField.get(field) ?? [];
    const kind = issue.message as PersonalDataKind;
    if (!kinds.includes(kind)) kinds.push(kind);
    byField.set(field, kinds);
  }
  return [...byField].map(([field, kinds]) => ({ field, kinds }));
}
