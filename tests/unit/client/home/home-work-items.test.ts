// What the tablet knows, turned into the home's work items: a screening with
// acute danger that an approver here can check is urgent, an approved record
// that recommends offers waits under referrals only when the consent covers a
// referral, a referral without uptake after the follow-up weeks comes back,
// and a colleague's sent-back record is not mine to correct.
import { describe, expect, it } from 'vitest';
import { homeSections } from '@domain/home-work';
import { workItems, type ReferralStateEntry, type WorkInput } from '@client/features/home/home-work-items';
import type { StoredRecord } from '@client/storage';
import type { SyncRecord } from '@shared/records/sync-record';
import { screeningContent, screeningRecord } from '../../../fixtures/four-eyes';

const DEVICE = '01900000-0000-7000-8000-000000000001';
const CASE = 'XWQ4-580Z-3N2M-XK';

function stored(envelope: SyncRecord, overrides: Partial<StoredRecord> = {}): StoredRecord {
  return {
    id: envelope.id,
    kind: envelope.kind,
    revision: 1,
    syncState: 'sent',
    ownerId: 'me',
    createdAt: envelope.createdAt,
    updatedAt: envelope.createdAt,
    envelope,
    reviewState: 'notRequired',
    ...overrides,
  };
}

function input(overrides: Partial<WorkInput>): WorkInput {
  return {
    records: [],
    drafts: [],
    referrals: [],
    userId: 'me',
    checkableOwners: new Set(),
    consentScopes: new Map([[CASE, ['documentation', 'referral']]]),
    noResponseWeeks: 6,
    now: new Date('2026-12-07T12:00:00Z'),
    ...overrides,
  };
}

const sections = (work: WorkInput) =>
  homeSections(workItems(work), (item) => item.facts).map(({ section, items }) => ({
    section,
    ids: items.map((item) => item.facts.id),
    urgencies: items.map((item) => item.facts.urgency),
  }));

describe('the home work items', () => {
  it('list a screening an approver here can check, acute danger first', async () => {
    const calm = stored(await screeningRecord(DEVICE, CASE), { reviewState: 'awaiting' });
    const danger = stored(await screeningRecord(DEVICE, CASE, { content: screeningContent({ acuteDanger: ['safetyAtHome'] }) }), {
      reviewState: 'awaiting',
      createdAt: '2026-12-06T09:00:00.000Z',
    });
    expect(sections(input({ records: [calm, danger], checkableOwners: new Set(['me']) }))).toEqual([
      { section: 'secondCheckHere', ids: [danger.id, calm.id], urgencies: ['acuteDanger', 'routine'] },
    ]);
    // Without an approver set up here, the check happens elsewhere: nothing to do on this tablet.
    expect(sections(input({ records: [calm, danger] }))).toEqual([]);
  });

  it('keep an approved record that recommends offers under referrals while the consent covers a referral', async () => {
    const ready = stored(await screeningRecord(DEVICE, CASE), { reviewState: 'approved', referralPending: true });
    expect(sections(input({ records: [ready] }))).toEqual([{ section: 'referralFollowUp', ids: [ready.id], urgencies: ['routine'] }]);
    expect(sections(input({ records: [ready], consentScopes: new Map([[CASE, ['documentation']]]) }))).toEqual([]);
    const { referralPending: _done, ...referred } = ready; // a referral was made from it
    expect(sections(input({ records: [referred] }))).toEqual([]);
  });

  const referral = (id: string, stateChangedAt: string, state: ReferralStateEntry['state'] = 'handedOver'): ReferralStateEntry => ({
    id,
    recordId: '01900000-0000-7000-8000-0000000000aa',
    caseNumber: CASE,
    offerId: 'familienhebammen-demo',
    state,
    stateChangedAt,
  });

  it('bring back a referral without uptake after the follow-up weeks', () => {
    expect(
      sections(
        input({
          referrals: [
            referral('old', '2026-10-01T10:00:00.000Z'),
            referral('fresh', '2026-12-01T10:00:00.000Z'),
            referral('taken-up', '2026-10-01T10:00:00.000Z', 'started'),
          ],
        }),
      ),
    ).toEqual([{ section: 'referralFollowUp', ids: ['old'], urgencies: ['routine'] }]);
  });

  it("judge a referral overdue by the municipality's own follow-up weeks, not the default six", () => {
    // Handed over 4 weeks and 5 weeks before "now" (2026-12-07).
    const referrals = [referral('four-weeks', '2026-11-09T10:00:00.000Z'), referral('five-weeks', '2026-11-02T10:00:00.000Z')];
    expect(sections(input({ referrals, noResponseWeeks: 3 }))).toEqual([
      { section: 'referralFollowUp', ids: ['five-weeks', 'four-weeks'], urgencies: ['routine', 'routine'] },
    ]);
    expect(sections(input({ referrals, noResponseWeeks: 6 }))).toEqual([]);
    // A municipality that waits longer: eight weeks; a referral of seven weeks does not come back yet.
    const sevenWeeks = referral('seven-weeks', '2026-10-19T10:00:00.000Z');
    expect(sections(input({ referrals: [sevenWeeks], noResponseWeeks: 8 }))).toEqual([]);
    expect(sections(input({ referrals: [sevenWeeks], noResponseWeeks: 6 }))).toEqual([
      { section: 'referralFollowUp', ids: ['seven-weeks'], urgencies: ['routine'] },
    ]);
  });

  it('list only my own sent-back records, and my drafts', async () => {
    const mine = stored(await screeningRecord(DEVICE, CASE), { reviewState: 'sentBack' });
    const colleagues = stored(await screeningRecord(DEVICE, CASE), { reviewState: 'sentBack', ownerId: 'colleague' });
    const draft = { type: 'new' as const, form: 'homeContact' as const, draftId: 'homeContact:new', updatedAt: '2026-12-07T09:00:00.000Z' };
    expect(sections(input({ records: [mine, colleagues], drafts: [draft] }))).toEqual([
      { section: 'sentBack', ids: [mine.id], urgencies: ['routine'] },
      { section: 'drafts', ids: ['homeContact:new'], urgencies: ['routine'] },
    ]);
  });
});
