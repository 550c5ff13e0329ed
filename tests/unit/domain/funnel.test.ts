// The funnel's definition, record by record, and its publication: which case
// counts at which stage, in which district and period, why referrals failed,
// the median days to first contact — and that no hidden count of the funnel
// follows from the published ones, alone or together with the referral indicators.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { failureLine, funnelCounts, medianOf, MEDIAN_MIN_REFERRALS, type FunnelCounts, type FunnelReferral } from '@domain/funnel';
import { publishReport, type CountRow } from '@domain/indicators';
import { REASONS_BY_STATE, type ReferralReason, type ReferralState } from '@domain/referral-state';
import type { PublishedCount } from '@domain/suppression';
import { contentHash } from '@shared/content-hash';
import type { ConsentContent, ConsentRefusalContent } from '@shared/records/consent';
import type { ConsentRecord, ConsentRefusalRecord, SyncRecord } from '@shared/records/sync-record';
import { screeningContent, screeningRecord } from '../../fixtures/four-eyes';
import { TEST_DEVICE_ID } from '../../fixtures/home-contacts';
import { derivableUnknowns } from '../../fixtures/suppression-attack';

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
    // One district only: the others' records do not count.
    const nord = funnelCounts({ countableRecords: records, referrals: [], period: PERIOD, district: 'nord' });
    expect(nord.rows.every((row) => row.district === 'nord')).toBe(true);
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
      { district: 'nord', days: 1, n: 1 },
      { district: 'nord', days: 3, n: 1 },
      { district: 'nord', days: 10, n: 1 },
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
const STATES: readonly ReferralState[] = ['suggested', 'handedOver', 'contacted', 'started', 'completed', 'declined', 'noResponse'];

/** Referrals per district: each with a state, a reason fitting it, and whether and when it reached contact and uptake. */
const referralsArbitrary = fc.array(
  fc.record({
    // Weighted so that one district and a few states and reasons often hold 5 or more, next to small cells.
    district: fc.constantFrom('nord', 'nord', 'nord', 'sued', 'sued', '').map((d): string => d),
    state: fc
      .oneof(fc.constantFrom(...STATES), fc.constantFrom('handedOver', 'declined', 'declined', 'contacted'))
      .map((x): ReferralState => x),
    reasonPick: fc.constantFrom(0, 0, 0, 1, 2, 3).map((n): number => n),
    contactAfterDays: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  }),
  { maxLength: 80 },
);

function buildReferrals(
  drawn: readonly { district: string; state: ReferralState; reasonPick: number; contactAfterDays: number | undefined }[],
): FunnelReferral[] {
  const made = at('2026-11-02T09:00:00.000+01:00');
  return drawn.map(({ district, state, reasonPick, contactAfterDays }) => {
    const reasons = REASONS_BY_STATE[state]?.reasons ?? [];
    const reason: ReferralReason | null =
      reasons.length === 0 || reasonPick % (reasons.length + 1) === reasons.length ? null : (reasons[reasonPick % reasons.length] ?? null);
    const contactedState = state === 'started' || state === 'completed' || state === 'contacted';
    const changes =
      contactedState || (state === 'declined' && contactAfterDays !== undefined)
        ? [
            {
              state: (state === 'declined' ? 'contacted' : state) as ReferralState,
              at: new Date(made.getTime() + (contactAfterDays ?? 0) * 86_400_000),
            },
          ]
        : [];
    return {
      district: district === '' ? null : district,
      createdAt: made,
      state,
      reason: state === 'declined' && reason === null ? 'other' : reason,
      changes,
    };
  });
}

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

const truthOfStage = (cells: number[]): number[][] => {
  const row = [...cells, cells.reduce((a, b) => a + b, 0)];
  return [row, row];
};
const extendedTruth = (cells: number[][]): number[][] => {
  const rows = cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const width = (cells[0]?.length ?? 0) + 1;
  rows.push(Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0)));
  return rows;
};

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
    const referrals = [1, 2, 3, 4, 9].map((d) => contacted(d, 'nord')).concat([contacted(5, 'sued')]);
    const { funnel } = publishReport({
      rows: referralRows(referrals),
      period: PERIOD,
      districts: DISTRICTS,
      sites: [],
      funnel: funnelCounts({ countableRecords: [], referrals, period: PERIOD }),
    });
    expect(funnel.medianDaysToFirstContact.cells).toEqual([3, null, null]);
    expect(funnel.medianDaysToFirstContact.total).toBe(3.5);
  });

  it('property: every 1–4 shows "<5", every number is true, and no hidden count follows from the published ones — the funnel with the referral indicators', () => {
    fc.assert(
      fc.property(referralsArbitrary, fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 12, maxLength: 12 }), (drawn, early) => {
        const referrals = buildReferrals(drawn);
        const counts = funnelCounts({ countableRecords: [], referrals, period: PERIOD });
        // The first four stages from random counts per district (they come from records, not referrals).
        (['reached', 'consented', 'screened', 'supportRecommended'] as const).forEach((line, s) => {
          DISTRICTS.forEach((district, d) => counts.rows.push({ line, district, n: early[s * 3 + d] ?? 0 }));
        });
        const { funnel, indicators } = publishReport({
          rows: referralRows(referrals),
          period: PERIOD,
          districts: DISTRICTS,
          sites: [],
          funnel: counts,
        });
        const truth = (line: string, district: string): number =>
          counts.rows.filter((r) => r.line === line && r.district === district).reduce((sum, r) => sum + r.n, 0);

        const grids: Parameters<typeof derivableUnknowns>[0] = [];
        for (const stage of funnel.stages) {
          const cells = DISTRICTS.map((d) => truth(stage.id, d));
          const published = [...stage.cells, stage.total];
          const key = (_i: number, j: number): string =>
            stage.id === 'referred'
              ? j === DISTRICTS.length
                ? 'referral:total'
                : `referral:district:${DISTRICTS[j] ?? ''}`
              : `${stage.id}:${String(j)}`;
          grids.push({ published: [published, published], truth: truthOfStage(cells), key });
        }
        for (const failure of funnel.failures) {
          const cells = failure.reasons.map((reason) => DISTRICTS.map((d) => truth(failureLine(failure.state, reason as never), d)));
          const { table } = failure;
          grids.push({
            published: [
              ...table.cells.map((row, i) => [...row, table.rowTotals[i] as PublishedCount]),
              [...table.columnTotals, table.total],
            ],
            truth: extendedTruth(cells),
            key: (i, j) =>
              i === failure.reasons.length
                ? j === DISTRICTS.length
                  ? `uptake:row:${failure.state}`
                  : `uptake:${failure.state}:${DISTRICTS[j] ?? ''}`
                : `${failure.state}:${String(i)}:${String(j)}`,
          });
        }
        for (const indicator of indicators.filter((i) => i.id === 'referralUptake' || i.id === 'referralOfferType')) {
          const table = indicator.byDistrict?.table;
          if (!table) throw new Error('no district table');
          const cells = indicator.categories.map((c) =>
            DISTRICTS.map(
              (d) =>
                referrals.filter(
                  (r) => (r.district ?? '') === d && (indicator.id === 'referralOfferType' ? c === 'familienhebamme' : r.state === c),
                ).length,
            ),
          );
          const last = indicator.categories.length;
          grids.push({
            published: [
              ...table.cells.map((row, i) => [...row, table.rowTotals[i] as PublishedCount]),
              [...table.columnTotals, table.total],
            ],
            truth: extendedTruth(cells),
            key: (i, j) => {
              const column = j === DISTRICTS.length ? 'total' : (DISTRICTS[j] ?? '');
              if (i === last) return column === 'total' ? 'referral:total' : `referral:district:${column}`;
              const category = indicator.categories[i] ?? '';
              if (indicator.id === 'referralUptake') return column === 'total' ? `uptake:row:${category}` : `uptake:${category}:${column}`;
              return `offerType:${category}:${column}`;
            },
          });
          // The month table (one month) repeats the category totals: its cells are the row totals.
          const month = indicator.byMonth.table;
          grids.push({
            published: [
              ...month.cells.map((row, i) => [...row, month.rowTotals[i] as PublishedCount]),
              [...month.columnTotals, month.total],
            ],
            truth: extendedTruth(cells.map((row) => [row.reduce((a, b) => a + b, 0)])),
            key: (i) => {
              if (i === last) return 'referral:total';
              const category = indicator.categories[i] ?? '';
              return indicator.id === 'referralUptake' ? `uptake:row:${category}` : `offerType:${category}:total`;
            },
          });
        }
        for (const grid of grids) {
          grid.truth.forEach((row, i) => {
            row.forEach((value, j) => {
              const shown = grid.published[i]?.[j];
              if (value >= 1 && value <= 4) expect(shown).toBe('<5');
              else if (typeof shown === 'number') expect(shown).toBe(value);
              else expect(shown).toBe('x');
            });
          });
        }
        expect(derivableUnknowns(grids)).toEqual([]);
      }),
      {
        numRuns: 150,
        // Without the link, the referral indicator hides 10 declined in "nord" to protect the 3 contacted there, the funnel's reason table would publish that 10.
        examples: [
          [
            [
              ...Array.from({ length: 3 }, () => ({ district: 'nord', state: 'contacted' as const, reasonPick: 1, contactAfterDays: 2 })),
              ...Array.from({ length: 10 }, () => ({
                district: 'nord',
                state: 'declined' as const,
                reasonPick: 2,
                contactAfterDays: undefined,
              })),
              ...Array.from({ length: 10 }, () => ({
                district: 'sued',
                state: 'handedOver' as const,
                reasonPick: 0,
                contactAfterDays: undefined,
              })),
              ...Array.from({ length: 10 }, () => ({
                district: 'sued',
                state: 'declined' as const,
                reasonPick: 2,
                contactAfterDays: undefined,
              })),
            ],
            Array.from({ length: 12 }, () => 9),
          ],
        ],
      },
    );
  });
});
