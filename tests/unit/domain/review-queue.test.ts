// The approvers' queue puts danger first: acute danger, then "Dringend"
// (an override counts), then the rest — oldest first within each group.
import { describe, expect, it } from 'vitest';
import { orderReviewQueue, urgencyOf, type QueueEntry } from '@domain/review-queue';

describe('urgencyOf', () => {
  it('ranks a reported acute danger above everything, whatever the level', () => {
    expect(urgencyOf({ acuteDanger: ['safetyAtHome'], supportNeed: 'urgent' })).toBe('acuteDanger');
    expect(urgencyOf({ acuteDanger: ['safetyAtHome'], supportNeed: 'urgent', override: { supportNeed: 'none' } })).toBe('acuteDanger');
  });

  it('takes the staff member’s override as the level, as the report does', () => {
    expect(urgencyOf({ acuteDanger: [], supportNeed: 'urgent' })).toBe('urgent');
    expect(urgencyOf({ acuteDanger: [], supportNeed: 'offerRecommended', override: { supportNeed: 'urgent' } })).toBe('urgent');
    expect(urgencyOf({ acuteDanger: [], supportNeed: 'urgent', override: { supportNeed: 'informationOnly' } })).toBe('routine');
  });

  it('treats records without a level (other kinds) as routine', () => {
    expect(urgencyOf({})).toBe('routine');
  });
});

describe('orderReviewQueue', () => {
  const entries: QueueEntry[] = [
    { id: 'a-old-routine', urgency: 'routine', receivedAt: '2026-12-01T08:00:00.000Z' },
    { id: 'b-new-urgent', urgency: 'urgent', receivedAt: '2026-12-03T08:00:00.000Z' },
    { id: 'c-newest-danger', urgency: 'acuteDanger', receivedAt: '2026-12-04T08:00:00.000Z' },
    { id: 'd-old-urgent', urgency: 'urgent', receivedAt: '2026-12-02T08:00:00.000Z' },
    { id: 'e-new-routine', urgency: 'routine', receivedAt: '2026-12-05T08:00:00.000Z' },
    { id: 'f-older-danger', urgency: 'acuteDanger', receivedAt: '2026-12-03T09:00:00.000Z' },
  ];

  it('lists acute danger first, then Dringend, then the rest, each oldest first', () => {
    expect(orderReviewQueue(entries, (e) => e).map((e) => e.id)).toEqual([
      'f-older-danger',
      'c-newest-danger',
      'd-old-urgent',
      'b-new-urgent',
      'a-old-routine',
      'e-new-routine',
    ]);
  });

  it('gives the same order whatever order the server sent, and leaves the input alone', () => {
    const reversed = [...entries].reverse();
    expect(orderReviewQueue(reversed, (e) => e)).toEqual(orderReviewQueue(entries, (e) => e));
    expect(reversed[0]?.id).toBe('f-older-danger');
    const tie = [
      { id: 'y', urgency: 'routine' as const, receivedAt: '2026-12-01T08:00:00.000Z' },
      { id: 'x', urgency: 'routine' as const, receivedAt: '2026-12-01T08:00:00.000Z' },
    ];
    expect(orderReviewQueue(tie, (e) => e).map((e) => e.id)).toEqual(['x', 'y']);
  });
});
