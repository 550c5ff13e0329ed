// A shared ward tablet tells the truth per person: whose records are unsent,
// how old the oldest is, and which of them only their author can send.
import { describe, expect, it } from 'vitest';
import { ANY_OWNER, colleagueMaySend, daysSince, maySend, unsentByPerson, type SlotFacts } from '@client/storage/unsent-by-person';
import type { OutboxEntry } from '@client/storage/types';

const anna: SlotFacts = { userId: 'anna', displayName: 'A. Muster', signingKeyEnrolled: true };
const mira: SlotFacts = { userId: 'mira', displayName: 'M. Beispiel', signingKeyEnrolled: true };
const newcomer: SlotFacts = { userId: 'neu', displayName: 'N. Neu', signingKeyEnrolled: false };

let seq = 0;
function entry(ownerId: string, enqueuedAt: string, signed = true): OutboxEntry {
  seq += 1;
  return { seq, recordId: `r${seq}`, revision: 1, ownerId, enqueuedAt, ...(signed ? { signed: true as const } : {}) };
}

describe('who may send an entry', () => {
  it("sends a colleague's signed record, but not one saved before signing or with a key the server does not know yet", () => {
    expect(maySend(entry('mira', '2026-12-01T08:00:00Z'), 'anna', mira)).toBe(true);
    expect(maySend(entry('mira', '2026-12-01T08:00:00Z', false), 'anna', mira)).toBe(false);
    expect(maySend(entry('neu', '2026-12-01T08:00:00Z'), 'anna', newcomer)).toBe(false);
    // The author's own session sends all of them, and anyone sends a withdrawal.
    expect(maySend(entry('mira', '2026-12-01T08:00:00Z', false), 'mira', mira)).toBe(true);
    expect(maySend(entry('neu', '2026-12-01T08:00:00Z'), 'neu', newcomer)).toBe(true);
    expect(maySend(entry(ANY_OWNER, '2026-12-01T08:00:00Z', false), 'anna', undefined)).toBe(true);
  });

  it('sends the signed record of someone removed from the tablet: the server answers for it, visibly', () => {
    expect(colleagueMaySend(entry('gone', '2026-12-01T08:00:00Z'), undefined)).toBe(true);
    expect(colleagueMaySend(entry('gone', '2026-12-01T08:00:00Z', false), undefined)).toBe(false);
  });
});

describe('unsent work per person', () => {
  it('counts per author with the oldest entry, the person with the oldest work first', () => {
    const people = unsentByPerson(
      [
        entry('anna', '2026-12-06T09:00:00Z'),
        entry('mira', '2026-12-05T07:30:00Z'),
        entry('mira', '2026-12-04T10:00:00Z'),
        entry('mira', '2026-12-06T11:00:00Z', false),
        entry(ANY_OWNER, '2026-12-06T12:00:00Z', false),
      ],
      [anna, mira],
    );
    expect(people).toEqual([
      { ownerId: 'mira', displayName: 'M. Beispiel', count: 3, oldestEnqueuedAt: '2026-12-04T10:00:00Z', waitingForAuthor: 1 },
      { ownerId: 'anna', displayName: 'A. Muster', count: 1, oldestEnqueuedAt: '2026-12-06T09:00:00Z', waitingForAuthor: 0 },
      { ownerId: ANY_OWNER, displayName: null, count: 1, oldestEnqueuedAt: '2026-12-06T12:00:00Z', waitingForAuthor: 0 },
    ]);
  });

  it('says every entry of a person whose key is not enrolled yet waits for that person', () => {
    const [person] = unsentByPerson([entry('neu', '2026-12-06T09:00:00Z'), entry('neu', '2026-12-06T10:00:00Z')], [newcomer]);
    expect(person).toMatchObject({ displayName: 'N. Neu', count: 2, waitingForAuthor: 2 });
  });

  it('has nothing to say about an empty outbox', () => {
    expect(unsentByPerson([], [anna, mira])).toEqual([]);
  });

  it('gives the age of the oldest entry in whole days', () => {
    const now = new Date('2026-12-07T08:00:00Z');
    expect(daysSince('2026-12-05T07:30:00Z', now)).toBe(2);
    expect(daysSince('2026-12-07T07:59:00Z', now)).toBe(0);
    expect(daysSince('2026-12-08T07:59:00Z', now)).toBe(0); // a clock ahead is not a negative age
  });
});
