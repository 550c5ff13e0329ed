// Who the unsent work on a shared tablet belongs to, and who may send it
// (DESIGN.md §5, "A tablet is shared"). Works on clear metadata only (outbox
// owners, times, key slots' names), so the lock screen can show it while locked.
//
// Whoever is unlocked sends every colleague's record that its author signed at
// saving with a key the server knows (enrolled for this tablet): the server
// verifies the signature and stores the record as the author's. A record saved
// before every record was signed (no `signed` mark), or by someone whose key is
// not enrolled yet, can only be sent by its author's own session.
import type { OutboxEntry } from './types';

/** Outbox owner of entries any unlocked person may send (a withdrawal: the family's right). */
export const ANY_OWNER = '*';

/** What the summary needs of a key slot. */
export interface SlotFacts {
  userId: string;
  displayName: string;
  signingKeyEnrolled: boolean;
}

/** Whether a colleague's session (not the author's) may send this entry; the server checks again. */
export function colleagueMaySend(entry: OutboxEntry, author: SlotFacts | undefined): boolean {
  if (entry.ownerId === ANY_OWNER) return true;
  if (entry.signed !== true) return false;
  // A person removed from this tablet (deactivated): the server answers, visibly, for each record.
  return author === undefined || author.signingKeyEnrolled;
}

/** Whether `unlockedUserId`'s session may send this entry. */
export function maySend(entry: OutboxEntry, unlockedUserId: string, author: SlotFacts | undefined): boolean {
  return entry.ownerId === unlockedUserId || colleagueMaySend(entry, author);
}

export interface UnsentOfPerson {
  /** The author (ANY_OWNER for entries anyone sends, e.g. withdrawals). */
  ownerId: string;
  /** From the key slot; null when the person has no slot here any more (or ANY_OWNER). */
  displayName: string | null;
  count: number;
  oldestEnqueuedAt: string;
  /** How many of them only the author's own session can send (saved before signing, or key not enrolled yet). */
  waitingForAuthor: number;
}

/**
 * Unsent entries per person, the person with the oldest entry first. An entry
 * "waits for its author" when no colleague may send it for them.
 */
export function unsentByPerson(entries: readonly OutboxEntry[], slots: readonly SlotFacts[]): UnsentOfPerson[] {
  const bySlot = new Map(slots.map((slot) => [slot.userId, slot]));
  const byOwner = new Map<string, UnsentOfPerson>();
  for (const entry of entries) {
    const slot = bySlot.get(entry.ownerId);
    const person = byOwner.get(entry.ownerId) ?? {
      ownerId: entry.ownerId,
      displayName: slot?.displayName ?? null,
      count: 0,
      oldestEnqueuedAt: entry.enqueuedAt,
      waitingForAuthor: 0,
    };
    person.count += 1;
    if (entry.enqueuedAt < person.oldestEnqueuedAt) person.oldestEnqueuedAt = entry.enqueuedAt;
    if (!colleagueMaySend(entry, slot)) person.waitingForAuthor += 1;
    byOwner.set(entry.ownerId, person);
  }
  return [...byOwner.values()].sort((a, b) => a.oldestEnqueuedAt.localeCompare(b.oldestEnqueuedAt) || a.ownerId.localeCompare(b.ownerId));
}

/** Whole days between two instants (0 for today's), for "oldest 2 days". */
export function daysSince(iso: string, now: Date): number {
  const ms = now.getTime() - Date.parse(iso);
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 86_400_000) : 0;
}
