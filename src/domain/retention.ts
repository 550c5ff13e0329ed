// Data minimisation on the tablet (DESIGN.md §4): once the backend has
// acknowledged a record and its four-eyes step (where required) is done, the
// tablet keeps only a content-free stub after the configured retention.
import type { RecordKind } from '@shared/records/sync-record';
import { DEFAULT_FOUR_EYES_POLICY } from './four-eyes';

/** Kinds whose content stays on the tablet after sync because later records depend on it offline. */
const KEPT_AFTER_SYNC: ReadonlySet<RecordKind> = new Set(['consent']);

/**
 * Whether a kind needs the second check under the default rule. It serves only
 * rows saved before the second check was tracked per record (no reviewState):
 * for every newer row the stored reviewState, decided by the municipality's own
 * rule, answers instead. Those old rows were saved when the default rule's kinds
 * (screenings) were the only ones checked, so the kind list is what applies.
 */
export function requiresFourEyes(kind: RecordKind): boolean {
  return DEFAULT_FOUR_EYES_POLICY.kinds.includes(kind);
}

/**
 * Days a sent record that recommends offers keeps its content (counted from its
 * last change, e.g. the approval) while no referral has been made from it: the
 * referral is made from the record's case on this tablet, often after a remote
 * second check, and needs the record (and its case number) for that.
 */
export const REFERRAL_WINDOW_DAYS = 14;

export function contentMayBeDropped(
  record: {
    kind: RecordKind;
    syncState: string;
    sentAt?: string | undefined;
    updatedAt?: string | undefined;
    reviewState?: 'notRequired' | 'awaiting' | 'approved' | 'sentBack' | undefined;
    referralPending?: boolean | undefined;
  },
  retentionDays: number,
  now: Date,
): boolean {
  if (record.syncState !== 'sent' || record.sentAt === undefined) return false;
  if (
    record.referralPending === true &&
    now.getTime() - new Date(record.updatedAt ?? record.sentAt).getTime() < REFERRAL_WINDOW_DAYS * 86_400_000
  ) {
    return false;
  }
  // A consent's scopes decide, offline, what else may be recorded for its case.
  if (KEPT_AFTER_SYNC.has(record.kind)) return false;
  // Awaiting the second check, or sent back for correction: the content is still needed here.
  if (record.reviewState === 'awaiting' || record.reviewState === 'sentBack') return false;
  // Rows saved before the second check was tracked per record (no state at all): the default rule decides.
  if (record.reviewState === undefined && requiresFourEyes(record.kind)) return false;
  return now.getTime() - new Date(record.sentAt).getTime() >= retentionDays * 86_400_000;
}
