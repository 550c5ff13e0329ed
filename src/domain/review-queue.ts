// The order of the approvers' queue (Zweitprüfungen): danger first. A
// screening that reported acute danger comes before everything else, then any
// record whose support need is "Dringend" (the staff member's override counts,
// as in the report), then the rest — each group oldest first (longest waiting),
// ties by id so the order never jumps between two loads. The server's query
// follows the same rule so that its row limit never cuts off an urgent record.
import { effectiveSupportNeed, type SupportNeed } from './questionnaire';

export type QueueUrgency = 'acuteDanger' | 'urgent' | 'routine';

const RANK: Readonly<Record<QueueUrgency, number>> = { acuteDanger: 0, urgent: 1, routine: 2 };

/** The fields of a screening's content that decide urgency (other kinds have none of them). */
export interface UrgencyFacts {
  acuteDanger?: readonly string[] | undefined;
  supportNeed?: SupportNeed | undefined;
  override?: { supportNeed: SupportNeed } | null | undefined;
}

export function urgencyOf(content: UrgencyFacts): QueueUrgency {
  if ((content.acuteDanger?.length ?? 0) > 0) return 'acuteDanger';
  if (
    content.supportNeed !== undefined &&
    effectiveSupportNeed({ supportNeed: content.supportNeed, override: content.override }) === 'urgent'
  )
    return 'urgent';
  return 'routine';
}

export interface QueueEntry {
  id: string;
  urgency: QueueUrgency;
  /** When the record reached the server (ISO 8601). */
  receivedAt: string;
}

/** Danger first, then "Dringend", then the rest; oldest first within each. Returns a new array. */
export function orderReviewQueue<T>(items: readonly T[], entryOf: (item: T) => QueueEntry): T[] {
  const keyed = items.map((item) => ({ item, entry: entryOf(item) }));
  keyed.sort(
    (a, b) =>
      RANK[a.entry.urgency] - RANK[b.entry.urgency] ||
      Date.parse(a.entry.receivedAt) - Date.parse(b.entry.receivedAt) ||
      (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0),
  );
  return keyed.map((k) => k.item);
}
