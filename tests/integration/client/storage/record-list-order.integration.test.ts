// The tablet's record list keeps its order (walkthrough finding 30): a record
// that is approved, sent or otherwise touched later does not jump to the top —
// the list shows records newest first by when they were made.
import { describe, expect, it } from 'vitest';
import { unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';

describe('record list order', () => {
  it('lists newest first by saving time, and an approval of an older record does not move it', async () => {
    const { storage, db } = await unlockedTestStorage();
    const older = await homeContactRecord({ topics: ['health'] }, { now: new Date('2026-11-20T08:00:00Z') });
    const newer = await homeContactRecord({ topics: ['money'] }, { now: new Date('2026-11-20T09:00:00Z') });
    await storage.records.saveRecord(older, { now: new Date('2026-11-20T08:00:00Z') });
    await storage.records.saveRecord(newer, { now: new Date('2026-11-20T09:00:00Z') });
    expect((await storage.records.listRecords()).map((r) => r.id)).toEqual([newer.id, older.id]);

    // What a second check does to the older record's row (review-store.ts): a new state, touched now.
    await db.records.update(older.id, { reviewState: 'approved', updatedAt: '2026-11-20T10:00:00.000Z' });
    const listed = await storage.records.listRecords();
    expect(listed.map((r) => r.id)).toEqual([newer.id, older.id]);
    expect(listed[1]?.reviewState).toBe('approved');
  });
});
