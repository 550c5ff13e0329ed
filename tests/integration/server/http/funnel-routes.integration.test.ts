// The funnel report over HTTP, on PGlite and PostgreSQL: records pushed from a
// tablet and partner confirmations through the real routes; the served funnel
// (JSON, inside the Sachbericht, and as CSV) equals what src/domain/funnel.ts
// makes of the same records and referrals, suppressed with the indicators; only
// the coordinator of the municipality gets it.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { funnelCounts, type FunnelReferral } from '@domain/funnel';
import { NO_DISTRICT, publishReport } from '@domain/indicators';
import { halfYearOf, periodAt } from '@domain/report-periods';
import { isoDateInZone } from '@domain/dates';
import { countFacts, countRowsByMonth, referralReportFacts, reportCounts } from '@domain/report-facts';
import { DEFAULT_FOUR_EYES_POLICY } from '@domain/four-eyes';
import type { ReferralReason, ReferralState } from '@domain/referral-state';
import { DEMO_DISTRICTS, DEMO_HOME_SITES, DEMO_MUNICIPALITY_ID, DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { referralId } from '@server/services/referral-projection';
import { funnelReportSchema, reportSchema, type FunnelReport } from '@shared/reports';
import type { SyncRecord } from '@shared/records/sync-record';
import { PARTNER_OFFER, referralRecord } from '../../../fixtures/referral-records';
import { screeningContent, screeningRecord } from '../../../fixtures/four-eyes';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  consentRefusalRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  seedOtherMunicipality,
  signInOnTablet,
  testClock,
} from '../../helpers/test-app';
import type { TabletSession } from '../../helpers/test-app';

const DAY = 86_400_000;
const NO_SECOND_CHECK = { kinds: [] as const, forReferrals: false };

describeEachDatabase('funnel report', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();
  let tablet: TabletSession;
  let coordinator: string;
  let partner: string;
  /** Every record pushed (all countable: this municipality asks for no second check). */
  const pushed: SyncRecord[] = [];
  const today = isoDateInZone(new Date());
  // Reports cover whole periods: the half-year of today, read from the linked system of its year.
  const period = halfYearOf(today);
  const year = periodAt('year', period.year, 1);
  const query = `from=${period.from}&to=${period.to}`;

  const push = async (records: SyncRecord[]): Promise<void> => {
    const response = await pushAsTablet(app, tablet, records);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ results: { outcome: string }[] }>().results.map((r) => r.outcome)).toEqual(records.map(() => 'accepted'));
    pushed.push(...records);
  };
  const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: bearer(token) });
  const mark = async (id: string, state: string, reason?: ReferralReason) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/partner/referrals/${id}/state`,
      headers: bearer(partner),
      payload: { state, ...(reason === undefined ? {} : { reason }) },
    });
    expect(response.statusCode, response.body).toBe(200);
  };

  /** A screened case in `district` (consent in the screening setting, then the screening), referred to the partner's offer. */
  const screenedAndReferred = async (district: string, supportNeed: 'offerRecommended' | 'none'): Promise<string> => {
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(tablet.deviceId, caseNumber, {
      content: await consentContent('de', { setting: 'screening', scopes: ['documentation', 'referral', 'statistics'], district }),
    });
    const screening = await screeningRecord(tablet.deviceId, caseNumber, { content: screeningContent({ supportNeed, district }) });
    const referral = await referralRecord(tablet.deviceId, caseNumber, {
      sourceRecordId: screening.id,
      offerIds: [PARTNER_OFFER],
      district,
    });
    await push([consent, screening, referral]);
    return referralId(referral.id, PARTNER_OFFER);
  };

  /** The report the domain defines over what the server holds: pushed records, and the referrals with the server's times. */
  const expectedFunnel = async () => {
    const referrals = await db().query<{
      id: string;
      offer_type: string;
      district: string | null;
      created_at: Date;
      state: ReferralState;
      state_reason: ReferralReason | null;
    }>('SELECT id, offer_type, district, created_at, state, state_reason FROM referrals WHERE municipality_id = $1', [
      DEMO_MUNICIPALITY_ID,
    ]);
    const changes = await db().query<{ referral_id: string; state: ReferralState; changed_at: Date }>(
      'SELECT referral_id, state, changed_at FROM referral_state_changes WHERE municipality_id = $1',
      [DEMO_MUNICIPALITY_ID],
    );
    const funnelReferrals: FunnelReferral[] = referrals.map((r) => ({
      district: r.district,
      createdAt: new Date(r.created_at),
      state: r.state,
      reason: r.state_reason,
      changes: changes.filter((c) => c.referral_id === r.id).map((c) => ({ state: c.state, at: new Date(c.changed_at) })),
    }));
    const held = pushed.map((record) => ({
      record,
      policy: { ...DEFAULT_FOUR_EYES_POLICY, ...NO_SECOND_CHECK },
      state: { superseded: false, approved: false },
    }));
    const facts = referrals.flatMap((r) =>
      referralReportFacts({ offerType: r.offer_type, state: r.state, district: r.district, createdAt: new Date(r.created_at) }),
    );
    return publishReport({
      rows: countRowsByMonth([...reportCounts(held), ...countFacts(facts)], year),
      period,
      districts: [...DEMO_DISTRICTS.map((d) => d.id), NO_DISTRICT],
      district: null,
      sites: DEMO_HOME_SITES.map((site) => site.id),
      funnel: funnelCounts({ countableRecords: pushed, referrals: funnelReferrals, period: year }),
    }).funnel;
  };

  beforeAll(async () => {
    await seedDemo(db());
    await db().query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_kinds, four_eyes_for_referrals) VALUES ($1, '{}'::text[], false)
       ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_kinds = EXCLUDED.four_eyes_kinds, four_eyes_for_referrals = EXCLUDED.four_eyes_for_referrals`,
      [DEMO_MUNICIPALITY_ID],
    );
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    tablet = await signInOnTablet(app, db());
    coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    partner = (await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves the funnel the domain defines, from reached to taken up, with failure reasons and the median days to first contact', async () => {
    const nord: string[] = [];
    for (let k = 0; k < 8; k += 1) nord.push(await screenedAndReferred('nord', 'offerRecommended'));
    const sued = [await screenedAndReferred('sued', 'none'), await screenedAndReferred('sued', 'offerRecommended')];
    for (let k = 0; k < 3; k += 1) {
      await push([await consentRefusalRecord(tablet.deviceId, { content: { setting: 'screening', date: today, district: 'sued' } })]);
    }
    // Two days later the partner confirms: six families got in touch, five of them started; one had no place, one was not eligible.
    clock.advance(2 * DAY);
    partner = (await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password)).token;
    for (const id of nord.slice(0, 6)) await mark(id, 'contacted', 'appointmentMade');
    for (const id of nord.slice(0, 5)) await mark(id, 'started');
    await mark(nord[6] ?? '', 'declined', 'noCapacity');
    await mark(sued[0] ?? '', 'declined', 'notEligible');
    coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;

    const response = await get(`/api/reports/${DEMO_MUNICIPALITY_ID}/funnel?${query}`, coordinator);
    expect(response.statusCode, response.body).toBe(200);
    const served = funnelReportSchema.parse(response.json());
    expect(served.funnel).toEqual(JSON.parse(JSON.stringify(await expectedFunnel())));

    // What a coordinator reads: nord's chain, its uptake and median, and the small failure counts hidden.
    const stage = (report: FunnelReport, id: string) => {
      const found = report.funnel.stages.find((s) => s.id === id);
      return (district: string) => found?.cells[report.funnel.columns.indexOf(district)];
    };
    // sued's 2 consented, screened and referred cases are hidden ("x"), and so is whatever would give them back —
    // here nord's referrals (the referral indicators and their month, quarter and year share them).
    expect(['reached', 'consented', 'screened', 'supportRecommended', 'referred'].map((id) => stage(served, id)('nord'))).toEqual([
      8,
      8,
      8,
      8,
      'x',
    ]);
    expect(['reached', 'consented', 'screened', 'supportRecommended', 'referred'].map((id) => stage(served, id)('sued'))).toEqual([
      'x',
      'x',
      'x',
      'x',
      'x',
    ]);
    expect(served.funnel.stages.map((s) => s.total)).toEqual([13, 'x', 10, 9, 'x', 6, 5]);
    expect(stage(served, 'contacted')('nord')).toBe(6);
    expect(stage(served, 'takenUp')('nord')).toBe(5);
    const declined = served.funnel.failures.find((f) => f.state === 'declined');
    const noCapacity = declined?.reasons.indexOf('noCapacity') ?? -1;
    expect(declined?.table.cells[noCapacity]?.[served.funnel.columns.indexOf('nord')]).toBe('x');
    const median = served.funnel.medianDaysToFirstContact;
    expect(median.cells[served.funnel.columns.indexOf('nord')]).toBe(2);
    expect(median.cells[served.funnel.columns.indexOf('sued')]).toBeNull();
    expect(median.total).toBe(2);
    // No case number in the answer.
    expect(response.body).not.toMatch(/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]/);

    // The Sachbericht carries the same funnel, and so does its CSV.
    const sachbericht = reportSchema.parse((await get(`/api/reports/${DEMO_MUNICIPALITY_ID}/sachbericht?${query}`, coordinator)).json());
    expect(sachbericht.funnel).toEqual(served.funnel);
    const csv = await get(`/api/reports/${DEMO_MUNICIPALITY_ID}/funnel?${query}&format=csv`, coordinator);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="trichter-demo-stadt-/);
    expect(csv.body).toContain('funnel,funnel,stage,takenUp,Nord,5');
    // The CSV marks every suppressed entry as the screen does: "*".
    expect(csv.body).toContain('funnel,funnel,declined,noCapacity,Nord,*');
    expect(csv.body).toContain('funnel,funnel,medianDays,referralToFirstContact,Nord,2');
    const sachberichtCsv = await get(`/api/reports/${DEMO_MUNICIPALITY_ID}/sachbericht?${query}&format=csv`, coordinator);
    expect(sachberichtCsv.body).toContain('funnel,funnel,stage,takenUp,Nord,5');
  });

  it('gives the funnel to the coordinator of the municipality only, and refuses a bad period with a reason', async () => {
    const url = `/api/reports/${DEMO_MUNICIPALITY_ID}/funnel?${query}`;
    expect((await get(url, partner)).statusCode).toBe(403);
    const fieldworker = (await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password)).token;
    expect((await get(url, fieldworker)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const other = await seedOtherMunicipality(db());
    const otherCoordinator = (await login(app, other.username, other.password)).token;
    const foreign = await get(url, otherCoordinator);
    expect(foreign.statusCode).toBe(403);
    const backwards = await get(`/api/reports/${DEMO_MUNICIPALITY_ID}/funnel?from=${period.to}&to=2020-01-01`, coordinator);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<{ error: { issues: unknown[] } }>().error.issues).toEqual([{ path: 'to', message: 'endBeforeStart' }]);
    const dayRange = await get(`/api/reports/${DEMO_MUNICIPALITY_ID}/funnel?from=${period.from}&to=${period.from}`, coordinator);
    expect(dayRange.statusCode).toBe(400);
    expect(dayRange.json<{ error: { issues: unknown[] } }>().error.issues).toEqual([{ path: 'to', message: 'periodNotAligned' }]);
    const district = await get(`/api/reports/${DEMO_MUNICIPALITY_ID}/funnel?${query}&district=atlantis`, coordinator);
    expect(district.statusCode).toBe(400);
  });
});
