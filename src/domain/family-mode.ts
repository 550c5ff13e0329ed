// Who holds the tablet: staff, or — for the parts a family answers itself —
// the family. While the family holds it, nothing of the staff view is shown
// (controls, staff language, status texts, score, level, danger flag), the
// family's language is the document's, and only the staff member who handed it
// over takes it back, by their unlock passphrase. A lock ends family mode: the
// next unlock is staff's.

import { textDirection, type FamilyLanguage } from '@shared/languages';

/**
 * What the family does while it holds the tablet: the consent, and the screening's
 * questions the family answers itself (domain/family-answers.ts). Both use the same
 * handover, return and hiding.
 */
export const FAMILY_TASKS = ['consent', 'screening'] as const;
export type FamilyTask = (typeof FAMILY_TASKS)[number];

export type TabletHolder =
  | { kind: 'staff' }
  | {
      kind: 'family';
      language: FamilyLanguage;
      task: FamilyTask;
      /** The person who handed the tablet over: only their passphrase takes it back. */
      staffUserId: string;
      /**
       * A family task asks staff to take the tablet back soon (an answer staff must see):
       * shown as a quiet mark only, never as words the family reads.
       */
      staffCalled: boolean;
    };

export type TabletEvent =
  | { kind: 'handOver'; language: FamilyLanguage; task: FamilyTask; staffUserId: string }
  | { kind: 'callStaff' }
  /** The passphrase of `userId` was verified against the vault. */
  | { kind: 'returnConfirmed'; userId: string }
  /** The tablet locked (by hand, by inactivity, by a person switch): whoever unlocks next is staff. */
  | { kind: 'locked' };

export const STAFF_HOLDS: TabletHolder = { kind: 'staff' };

export function nextHolder(holder: TabletHolder, event: TabletEvent): TabletHolder {
  switch (event.kind) {
    case 'handOver':
      // Handing over again (another language) keeps the person who first handed it over.
      return {
        kind: 'family',
        language: event.language,
        task: event.task,
        staffUserId: holder.kind === 'family' ? holder.staffUserId : event.staffUserId,
        staffCalled: false,
      };
    case 'callStaff':
      return holder.kind === 'family' ? { ...holder, staffCalled: true } : holder;
    case 'returnConfirmed':
      // Only the person who handed the tablet over takes it back; a colleague's passphrase does not.
      return holder.kind === 'family' && holder.staffUserId === event.userId ? STAFF_HOLDS : holder;
    case 'locked':
      return STAFF_HOLDS;
  }
}

/** Whether staff-only content (controls, status, score, level, acute-danger flag) may be on screen. */
export function staffViewShown(holder: TabletHolder): boolean {
  return holder.kind === 'staff';
}

/** The language and direction of the whole document: the family's while it holds the tablet. */
export function documentLanguage(holder: TabletHolder, staffLanguage: string): { lang: string; dir: 'ltr' | 'rtl' } {
  const lang = holder.kind === 'family' ? holder.language : staffLanguage;
  return { lang, dir: textDirection(lang) };
}
