// The attacker against every report a year allows: for generated record sets it
// asks for each month, quarter, half-year and year, for all districts and for
// each district, and fails if any hidden count follows from all the published
// numbers together (tests/fixtures/report-attacker.ts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { yearReports, type CountRow } from '@domain/indicators';
import { failureReasons, FUNNEL_FAILURE_STATES, MEDIAN_MIN_REFERRALS, type FunnelCountRow, type FunnelCounts } from '@domain/funnel';
import { periodsOfYear, periodAt } from '@domain/report-periods';
import { OFFER_TYPES } from '@shared/offers';
import { WELCOME_OUTCOMES } from '@shared/records/welcome-visit';
import { CONTACT_KINDS, HOME_TOPICS } from '@shared/records/home-contact';
import { attackReports, entryName, type AttackedReport } from '../../fixtures/report-attacker';

const YEAR = 2026;
const DISTRICTS = ['nord', 'sued', ''];
const SITES = ['foyer-a', 'foyer-b'];
const MONTHS = Array.from({ length: 12 }, (_, i) => `${String(YEAR)}-${String(i + 1).padStart(2, '0')}`);

/** One generated record (or case, or referral) and every count it adds to, by the attacker's names. */
interface Unit {
  district: string;
  month: string;
  rows: Omit<CountRow, 'district' | 'month' | 'n'>[];
  funnel: string[];
  /** The attacker's names of every count it adds 1 to (totals included). */
  nodes: string[];
  contactDays?: number;
}

const indicatorUnit = (indicator: CountRow['indicator'], category: string, total: string) => ({
  rows: [{ indicator, category }],
  nodes: [`${indicator}:${category}`, total],
});

const place = fc.record({ district: fc.constantFrom(...DISTRICTS), month: fc.constantFrom(...MONTHS) });

const screenedCase = fc.tuple(place, fc.constantFrom('none', 'informationOnly', 'offerRecommended', 'urgent')).map(([at, need]): Unit => {
  const recommended = need === 'offerRecommended' || need === 'urgent';
  const stages = ['reached', 'consented', 'screened', ...(recommended ? ['supportRecommended'] : [])];
  const base = indicatorUnit('screening', need, 'screening:total');
  return { ...at, rows: base.rows, funnel: stages, nodes: [...base.nodes, ...stages.map((s) => `funnel:${s}`)] };
});
const refusal = place.map((at): Unit => {
  const base = indicatorUnit('screening', 'refused', 'screening:total');
  return { ...at, rows: base.rows, funnel: ['reached'], nodes: [...base.nodes, 'funnel:reached'] };
});
const consentOnly = place.map((at): Unit => ({
  ...at,
  rows: [],
  funnel: ['reached', 'consented'],
  nodes: ['funnel:reached', 'funnel:consented'],
}));
const welcome = fc
  .tuple(place, fc.constantFrom(...WELCOME_OUTCOMES))
  .map(([at, outcome]): Unit => ({ ...at, ...indicatorUnit('welcomeOutcome', outcome, 'welcomeOutcome:total'), funnel: [] }));
const homeContact = fc
  .tuple(
    fc.constantFrom(...MONTHS),
    fc.constantFrom(...SITES),
    fc.constantFrom(...CONTACT_KINDS),
    fc.subarray([...HOME_TOPICS].slice(0, 3), { minLength: 1 }),
  )
  .map(([month, site, kind, topics]): Unit => ({
    district: '',
    month,
    rows: [
      { indicator: 'homeSite', category: site },
      { indicator: 'homeKind', category: kind },
      ...topics.map((t) => ({ indicator: 'homeTopic' as const, category: t })),
    ],
    funnel: [],
    nodes: [
      `homeSite:${site}`,
      `homeKind:${kind}`,
      'homeContacts',
      ...topics.map((t) => `homeTopic:${t}`),
      ...topics.map(() => 'homeTopic:total'),
    ],
  }));
const mediation = fc.tuple(place, fc.subarray(['ar', 'tr', 'uk'], { minLength: 1 })).map(([at, languages]): Unit => ({
  ...at,
  rows: languages.map((l) => ({ indicator: 'mediationLanguage' as const, category: l })),
  funnel: [],
  nodes: [...languages.map((l) => `mediationLanguage:${l}`), ...languages.map(() => 'mediationLanguage:total')],
}));
const referral = fc
  .tuple(
    place,
    fc.constantFrom(...OFFER_TYPES.slice(0, 3)),
    fc.constantFrom('suggested', 'handedOver', 'contacted', 'started', 'completed', 'declined', 'noResponse'),
    fc.nat({ max: 5 }),
    fc.nat({ max: 40 }),
  )
  .map(([at, offerType, state, reasonIndex, days]): Unit => {
    const contacted = ['contacted', 'started', 'completed'].includes(state);
    const takenUp = state === 'started' || state === 'completed';
    const failure = FUNNEL_FAILURE_STATES.find((s) => s === state);
    const reasons = failure ? failureReasons(failure) : [];
    const reason = reasons[reasonIndex % Math.max(reasons.length, 1)];
    const funnel = ['referred', ...(contacted ? ['contacted'] : []), ...(takenUp ? ['takenUp'] : [])];
    const failureLine = failure && reason ? `${failure}:${reason}` : undefined;
    return {
      ...at,
      rows: [
        { indicator: 'referralOfferType', category: offerType },
        { indicator: 'referralUptake', category: state },
      ],
      funnel: failureLine ? [...funnel, failureLine] : funnel,
      nodes: [
        `referralOfferType:${offerType}`,
        `referralUptake:${state}`,
        'referrals',
        ...(contacted ? ['funnel:contacted'] : []),
        ...(takenUp ? ['funnel:takenUp'] : []),
        ...(failureLine ? [`failure:${failureLine}`] : []),
      ],
      ...(contacted ? { contactDays: days } : {}),
    };
  });
const timeToContact = fc
  .tuple(place, fc.constantFrom('days0to7', 'days8to14', 'days15to28', 'days29plus'))
  .map(([at, band]): Unit => ({ ...at, ...indicatorUnit('timeToFirstContact', band, 'timeToFirstContact:total'), funnel: [] }));

const unitsOf = (max: number) =>
  fc.array(fc.oneof(screenedCase, refusal, consentOnly, welcome, homeContact, mediation, referral, timeToContact), { maxLength: max });

function inputOf(units: readonly Unit[]): { rows: CountRow[]; funnel: FunnelCounts } {
  const rows: CountRow[] = units.flatMap((u) => u.rows.map((r) => ({ ...r, district: u.district, month: u.month, n: 1 })));
  const funnelRows: FunnelCountRow[] = units.flatMap((u) => u.funnel.map((line) => ({ line, district: u.district, month: u.month, n: 1 })));
  const contactDays = units.flatMap((u) =>
    u.contactDays === undefined ? [] : [{ district: u.district, month: u.month, days: u.contactDays, n: 1 }],
  );
  return { rows, funnel: { rows: funnelRows, contactDays } };
}

/** The true count behind an attacker's name, from the generated units. */
function truthOf(units: readonly Unit[], name: string): number {
  const [node, district, range] = name.split('|');
  const [from, to] = (range ?? '').split('..');
  return units.reduce((sum, u) => {
    if (district !== '*' && u.district !== district) return sum;
    if (u.month < (from ?? '').slice(0, 7) || u.month > (to ?? '').slice(0, 7)) return sum;
    return sum + u.nodes.filter((n) => n === node).length;
  }, 0);
}

/** Every report the API answers for the year: each period, all districts and each district. */
function everyReport(units: readonly Unit[]): (AttackedReport & { medians: { contacted: unknown; median: number | null }[] })[] {
  const read = yearReports({ ...inputOf(units), year: YEAR, districts: DISTRICTS, sites: SITES });
  return periodsOfYear(YEAR).flatMap((period) =>
    [null, ...DISTRICTS].map((district) => {
      const { indicators, funnel } = read(period, district);
      const contacted = funnel.stages.find((s) => s.id === 'contacted');
      return {
        period: { from: period.from, to: period.to },
        district,
        indicators,
        funnel,
        medians: [
          ...funnel.medianDaysToFirstContact.cells.map((median, j) => ({ contacted: contacted?.cells[j], median })),
          { contacted: contacted?.total, median: funnel.medianDaysToFirstContact.total },
        ],
      };
    }),
  );
}

describe('the year of reports as one linked system', () => {
  it('no hidden count follows from all reports of the year together (every period, every district)', () => {
    fc.assert(
      fc.property(unitsOf(30), (units) => {
        const reports = everyReport(units);
        const attack = attackReports(reports);
        // The attacker reads the tables right: every published number is the true count, every equation holds.
        for (const [name, value] of attack.published) expect(value, name).toBe(truthOf(units, name));
        for (const { terms } of attack.equations) {
          expect([...terms].reduce((sum, [name, c]) => sum + c * truthOf(units, name), 0)).toBe(0);
        }
        // No count of 1–4 is published, anywhere.
        for (const [name, value] of attack.published) expect(value < 1 || value > 4, name).toBe(true);
        expect(attack.contradictions).toEqual([]);
        expect(attack.shownElsewhere).toEqual([]);
        expect(attack.linear).toEqual([]);
        expect(attack.bounded).toEqual([]);
        // A median is shown only beside a published count of at least MEDIAN_MIN_REFERRALS contacted referrals.
        for (const report of reports) {
          for (const { contacted, median } of report.medians) {
            if (median !== null) expect(typeof contacted === 'number' && contacted >= MEDIAN_MIN_REFERRALS).toBe(true);
          }
        }
      }),
      // Each run builds a year and attacks 76 reports: a dozen runs per test run, different each time.
      { numRuns: 12 },
    );
  }, 180_000);

  it('the finding: one urgent screening on 1 October in Hafen stays hidden in October, the quarter, the half-year and the year', () => {
    const at = (month: string, need: string, n: number): Unit[] =>
      Array.from({ length: n }, () => ({
        district: 'nord',
        month,
        rows: [{ indicator: 'screening' as const, category: need }],
        funnel: ['reached', 'consented', 'screened', ...(need === 'urgent' ? ['supportRecommended'] : [])],
        nodes: [`screening:${need}`, 'screening:total'],
      }));
    // 6 urgent (1 on 1 October, 5 later) and 6 none in October; a busier rest of the year elsewhere.
    const units = [...at('2026-10', 'urgent', 6), ...at('2026-10', 'none', 6), ...at('2026-03', 'urgent', 7), ...at('2026-11', 'none', 2)];
    const reports = everyReport(units);
    const attack = attackReports(reports);
    expect(attack.linear).toEqual([]);
    expect(attack.bounded).toEqual([]);
    // November's 2 "none" are hidden everywhere they would show, and with them enough else that they cannot be recomputed.
    const november = periodAt('month', YEAR, 11);
    expect(attack.published.has(entryName('screening:none', 'nord', `${november.from}..${november.to}`))).toBe(false);
    expect(attack.hidden).toBeGreaterThan(1);
  });
});
