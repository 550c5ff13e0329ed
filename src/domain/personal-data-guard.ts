// The server's personal-data guard (issue 16, finding M1): every free-text field
// a record carries is run through the same detector the tablet's hint uses, and
// a record with a finding is refused, naming the field and the kind of signal —
// never the text. The tablet keeps the record and shows it as returned.
import type { SyncRecord } from '@shared/records/sync-record';
import { detectPersonalData, PERSONAL_DATA_KINDS, type DetectorOptions, type PersonalDataKind } from './personal-data-detector';

/** One field of a record that holds personal data, and which kind was seen (the text itself is never kept). */
export interface PersonalDataIssue {
  /** Dotted path from the record's top, as push issues name fields: `content.note`, `content.answers.feelings`. */
  path: string;
  kind: PersonalDataKind;
}

/** The free-text fields of a record, by path. Identifiers, choices and numbers are not free text. */
export function freeTextFields(record: SyncRecord): { path: string; text: string }[] {
  const fields: { path: string; text: string }[] = [];
  const add = (path: string, text: string | undefined): void => {
    if (text !== undefined && text !== '') fields.push({ path, text });
  };
  switch (record.kind) {
    case 'homeContact':
    case 'mediation':
    case 'welcomeVisit':
      add('content.note', record.content.note);
      break;
    case 'screening':
      for (const [key, value] of Object.entries(record.content.answers)) {
        if (typeof value === 'string') add(`content.answers.${key}`, value);
      }
      // What the family had written before staff changed it is free text as well.
      for (const [key, mark] of Object.entries(record.content.familyAnswers ?? {})) {
        if (mark.by === 'changedByStaff' && typeof mark.familyAnswer === 'string')
          add(`content.familyAnswers.${key}.familyAnswer`, mark.familyAnswer);
      }
      add('content.override.reason', record.content.override?.reason);
      break;
    case 'referral':
      add('content.sharedNote', record.content.sharedNote);
      break;
    case 'consent':
    case 'consentRefusal':
    case 'consentWithdrawal':
    case 'welcomeVisitAttempt':
      break;
  }
  return fields;
}

/** The kinds of personal data in one text, each once, strongest first (as the detector ranks overlaps). */
export function personalDataKinds(text: string, options: DetectorOptions = {}): PersonalDataKind[] {
  const seen = new Set(detectPersonalData(text, options).map((finding) => finding.kind));
  return PERSONAL_DATA_KINDS.filter((kind) => seen.has(kind));
}

/** Every (field, kind) of personal data in the record's free text; empty if there is none. */
export function personalDataIn(record: SyncRecord, options: DetectorOptions = {}): PersonalDataIssue[] {
  return freeTextFields(record).flatMap(({ path, text }) => personalDataKinds(text, options).map((kind) => ({ path, kind })));
}
