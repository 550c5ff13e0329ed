// The funnel's definition, record by record, and its publication: which case
// counts at which stage, in which district and period, why referrals failed,
// the median days to first contact — and that no hidden count of the funnel
// follows from the published ones, alone or together with the referral indicators.
import { describe, expect, it } from 'vitest';
import { failureLine, funnelCounts, medianOf, MEDIAN_MIN_REFERRALS, type FunnelCounts, type FunnelReferral } from '@domain/funnel';
import { publishReport, type CountRow } from '@domain/indicators';
import { contentHash } from '@shared/content-hash';
import type { ConsentContent, ConsentRefusalContent } from '@shared/records/consent';
import type { ConsentRecord, ConsentRefusalRecord, SyncRecord } from '@shared/records/sync-record';
import { screeningContent, screeningRecord } from '../../fixtures/four-eyes';
import { TEST_DEVICE_ID } from '../../fixtures/home-contacts';
import { periodAt } from '@domain/report-periods';

const PERIOD = { from: '2026-11-01', to: '2026-11-30' };
let nextId = 1;
const envelope = (createdAt: string) => ({
  id: `0192a000-0000-7000-8000-${String((nextId += 1)).padStart(12, '0')}`,
  revision: 1,
  schemaVersion: 1 as const,
  formVersion: '2026.1',
  deviceId: TEST_DEVICE_ID,
  createdAt,
});

async function consent(caseNumber: string, createdAt: string, over: Partial<ConsentContent> = {}): Promise<ConsentRecord> {
  const content: ConsentContent = {
    scopes: ['documentation', 'referral', 'statistics'],
    setting: 'screening',
    language: 'de',
    textVersion: '2026-01',
    textHash: 'a'.repeat(64),
    mediatorPresent: false,
    givenAt: createdAt,
    ...over,
  };
  return { ...envelope(createdAt), kind: 'consent', caseNumber, contentHash: await contentHash(content), content };
}

async function refusal(content: ConsentRefusalContent): Promise<ConsentRefusalRecord> {
  return {
    ...envelope('2026-11-10T10:00:00.000+01:00'),
    kind: 'consentRefusal',
    caseNumber: null,
    contentHash: await contentHash(content),
    content,
  };
}

async function screening(caseNumber: string, createdAt: string, over: Parameters<typeof screeningContent>[0] = {}): Promise<SyncRecord> {
  const record = await screeningRecord(TEST_DEVICE_ID, caseNumber, { content: screeningContent(over) });
  return { ...record, createdAt };
}

const at = (iso: string): Date => new Date(iso);
function referral(over: Partial<FunnelReferral> & { createdAt: Date }): FunnelReferral {
  return { district: 'nord', state: 'handedOver', reason: null, changes: [], ...over };
}

const count = (counts: FunnelCounts, line: string, district: string): number =>
  counts.rows.filter((row) => row.line === line && row.district === district).reduce((sum, row) => sum + row.n, 0);

describe('funnelCounts', () => {
  it('counts a case once by its first consent and first screening in the period, refusals as reached, by district', async () => {
    const records: SyncRecord[] = [
      await consent('A', '2026-11-03T10:00:00.000+01:00', { district: 'nord' }),
      // A second consent of the same case (a new text version) is the same family.
      await consent('A', '2026-11-20T10:00:00.000+01:00', { district: 'nord' }),
      await consent('B', '2026-11-04T10:00:00.000+01:00', { district: 'sued' }),
      // Consent in another setting, or outside the period (Berlin day 1 December), is not this funnel's.
      await consent('C', '2026-11-05T10:00:00.000+01:00', { setting: 'homeContact', district: 'nord' }),
      await consent('D', '2026-11-30T23:30:00.000Z', { district: 'nord' }),
      await refusal({ setting: 'screening', date: '2026-11-06', district: 'nord' }),
      await refusal({ setting: 'welcomeVisit', date: '2026-11-06', district: 'nord' }),
      await screening('A', '2026-11-03T11:00:00.000+01:00', { supportNeed: 'offerRecommended', district: 'nord' }),
      // The first screening of a case decides: B was screened "none", the staff override says urgent.
      await screening('B', '2026-11-04T11:00:00.000+01:00', {
        supportNeed: 'none',
        override: { supportNeed: 'urgent', reason: 'Eindruck im Gespräch' },
        district: 'sued',
      }),
      await screening('B', '2026-11-25T11:00:00.000+01:00', { supportNeed: 'none', district: 'sued' }),
      await screening('E', '2026-11-12T11:00:00.000+01:00', { supportNeed: 'informationOnly' }),
    ];
    const counts = funnelCounts({ countableRecords: records, referrals: [], period: PERIOD });
    expect(count(counts, 'reached', 'nord')).toBe(2); // A + the refusal
    expect(count(counts, 'consented', 'nord')).toBe(1);
    expect(count(counts, 'reached', 'sued')).toBe(1);
    expect(count(counts, 'screened', 'nord')).toBe(1);
    expect(count(counts, 'screened', 'sued')).toBe(1);
    expect(count(counts, 'screened', '')).toBe(1);
    expect(count(counts, 'supportRecommended', 'nord')).toBe(1);
    expect(count(counts, 'supportRecommended', 'sued')).toBe(1);
    expect(count(counts, 'supportRecommended', '')).toBe(0);
    // Counted in the month of the day they belong to (the months add up to every longer period).
    expect(counts.rows.every((row) => row.month === '2026-11')).toBe(true);
  });

  it('follows referrals of the period through their state history, with failure reasons and days to first contact', () => {
    const made = at('2026-11-02T09:00:00.000+01:00');
    const referrals: FunnelReferral[] = [
      // contacted after 3 days, started, completed
      referral({
        createdAt: made,
        state: 'completed',
        reason: 'gotHelp',
        changes: [
          { state: 'handedOver', at: made },
          { state: 'contacted', at: at('2026-11-05T08:00:00.000+01:00') },
          { state: 'started', at: at('2026-11-09T08:00:00.000+01:00') },
          { state: 'completed', at: at('2026-11-20T08:00:00.000+01:00') },
        ],
      }),
      // started straight away at 23:30 Berlin time the next day: 1 day
      referral({ createdAt: made, state: 'started', changes: [{ state: 'started', at: at('2026-11-03T22:30:00.000Z') }] }),
      // contacted, then the partner had no capacity: contacted, a failure, not taken up
      referral({
        createdAt: made,
        state: 'declined',
        reason: 'noCapacity',
        changes: [
          { state: 'contacted', at: at('2026-11-12T08:00:00.000+01:00') },
          { state: 'declined', at: at('2026-11-13T08:00:00.000+01:00') },
        ],
      }),
      referral({ createdAt: made, state: 'noResponse', reason: null, district: null }),
      referral({ createdAt: made, state: 'noResponse', reason: 'couldNotContact', district: null }),
      // Made in October: not this period's.
      referral({ createdAt: at('2026-10-31T22:30:00.000Z'), state: 'declined', reason: 'notEligible' }),
    ];
    const counts = funnelCounts({ countableRecords: [], referrals, period: PERIOD });
    expect(count(counts, 'referred', 'nord')).toBe(3);
    expect(count(counts, 'referred', '')).toBe(2);
    expect(count(counts, 'contacted', 'nord')).toBe(3);
    expect(count(counts, 'takenUp', 'nord')).toBe(2);
    expect(count(counts, failureLine('declined', 'noCapacity'), 'nord')).toBe(1);
    expect(count(counts, failureLine('declined', 'notEligible'), 'nord')).toBe(0);
    expect(count(counts, failureLine('noResponse', 'notStated'), '')).toBe(1);
    expect(count(counts, failureLine('noResponse', 'couldNotContact'), '')).toBe(1);
    expect(counts.contactDays.filter((d) => d.district === 'nord').sort((a, b) => a.days - b.days)).toEqual([
      { district: 'nord', month: '2026-11', days: 1, n: 1 },
      { district: 'nord', month: '2026-11', days: 3, n: 1 },
      { district: 'nord', month: '2026-11', days: 10, n: 1 },
    ]);
  });
});

describe('medianOf', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(medianOf([])).toBeUndefined();
    expect(medianOf([{ days: 3, n: 1 }])).toBe(3);
    expect(
      medianOf([
        { days: 10, n: 1 },
        { days: 1, n: 2 },
      ]),
    ).toBe(1);
    expect(
      medianOf([
        { days: 2, n: 2 },
        { days: 7, n: 2 },
      ]),
    ).toBe(4.5);
  });
});

const DISTRICTS = ['nord', 'sued', ''];

/** The referral indicators' rows for the same referrals (one month): by offer type (one type here) and by state. */
function referralRows(referrals: readonly FunnelReferral[]): CountRow[] {
  const rows: CountRow[] = [];
  for (const r of referrals) {
    const district = r.district ?? '';
    rows.push({ indicator: 'referralOfferType', category: 'familienhebamme', district, month: '2026-11', n: 1 });
    rows.push({ indicator: 'referralUptake', category: r.state, district, month: '2026-11', n: 1 });
  }
  return rows;
}

describe('publishing the funnel', () => {
  it(`shows the median only where at least ${String(MEDIAN_MIN_REFERRALS)} referrals had a first contact`, () => {
    const made = at('2026-11-02T09:00:00.000+01:00');
    const contacted = (days: number, district: string): FunnelReferral =>
      referral({
        createdAt: made,
        district,
        state: 'contacted',
        changes: [{ state: 'contacted', at: new Date(made.getTime() + days * 86_400_000) }],
      });
    const referrals = [1, 2, 3, 4, 9].map((d) => contacted(d, 'nord')).concat([5, 5, 5, 5, 5, 5].map((d) => contacted(d, 'sued')));
    const { funnel } = publishReport({
      rows: referralRows(referrals),
      period: periodAt('month', 2026, 11),
      districts: DISTRICTS,
      district: null,
      sites: [],
      funnel: funnelCounts({ countableRecords: [], referrals, period: PERIOD }),
    });
    expect(funnel.medianDaysToFirstContact.cells).toEqual([3, 5, null]);
    expect(funnel.medianDaysToFirstContact.total).toBe(5);
    // One more contact without a district: a hidden count of 1, and no median tells anything about it.
    const more = [...referrals, contacted(2, '')];
    const { funnel: after } = publishReport({
      rows: referralRows(more),
      period: periodAt('month', 2026, 11),
      districts: DISTRICTS,
      district: null,
      sites: [],
      funnel: funnelCounts({ countableRecords: [], referrals: more, period: PERIOD }),
    });
    const stage = after.stages.find((s) => s.id === 'contacted');
    expect(stage?.cells[2]).toBe('x');
    after.medianDaysToFirstContact.cells.forEach((median, j) => {
      const shown = stage?.cells[j];
      if (median !== null) expect(typeof shown === 'number' && shown >= MEDIAN_MIN_REFERRALS).toBe(true);
    });
    expect(after.medianDaysToFirstContact.cells[2]).toBeNull();
  });
});
