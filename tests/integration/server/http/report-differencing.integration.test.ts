// The differencing attack of the December security review (finding H2) against
// the real API: one urgent screening on 1 October in Hafen used to follow from
// the reports for 1–31 and 2–31 October. Now only whole months, quarters,
// half-years and years are answered, and every answer of the year — JSON and
// CSV, all districts and each district — comes from one suppressed system:
// the attacker who asks for all of them recovers no hidden count.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';
import type { Report } from '@shared/reports';
import type { ScreeningContent, SUPPORT_NEED_LEVELS } from '@shared/records/screening';
import { periodsOfYear } from '@domain/report-periods';
import { DEMO_DISTRICTS } from '../../../../src/server/db/demo-offers';
import { reportToCsv } from '../../../../src/server/services/report-service';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
} from '../../helpers/test-app';
import { attackReports, entryName } from '../../../fixtures/report-attacker';

async function screening(deviceId: string, need: (typeof SUPPORT_NEED_LEVELS)[number], district: string, createdAt: string) {
  const content: ScreeningContent = {
    definitionId: 'moers-birth',
    definitionVersion: '2026.1',
    definitionHash: 'a'.repeat(64),
    answers: { firstChild: true },
    score: 3,
    supportNeed: need,
    acuteDanger: [],
    suggestedOffers: [],
    district,
  };
  const caseNumber = newCaseNumber();
  const consent = {
    ...(await consentRecord(deviceId, caseNumber, { content: await consentContent('de', { setting: 'screening', givenAt: createdAt }) })),
    createdAt,
  };
  const record = {
    id: uuidv7(),
    revision: 1,
    kind: 'screening' as const,
    schemaVersion: 1 as const,
    formVersion: '2026.1',
    deviceId,
    createdAt,
    caseNumber,
    contentHash: await contentHash(content),
    content,
  };
  return [consent, record];
}

describeEachDatabase('reports resist differencing', ({ db }) => {
  let app: FastifyInstance;
  let coordinator: string;
  const get = (path: string) => app.inject({ method: 'GET', url: `/api/reports/demo-stadt/${path}`, headers: bearer(coordinator) });

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    const tablet = await signInOnTablet(app, db());
    coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    const at = (day: string): string => `2026-${day}T10:00:00.000+02:00`;
    const records: unknown[] = [];
    const add = async (need: (typeof SUPPORT_NEED_LEVELS)[number], district: string, day: string) =>
      records.push(...(await screening(tablet.deviceId, need, district, at(day))));
    // The finding's twelve screenings in Hafen: one urgent on 1 October, five urgent 10–14 October, six without need 15–22 October.
    await add('urgent', 'hafen', '10-01');
    for (const day of ['10-10', '10-11', '10-12', '10-13', '10-14']) await add('urgent', 'hafen', day);
    for (const day of ['10-15', '10-16', '10-17', '10-20', '10-21', '10-22']) await add('none', 'hafen', day);
    // And a small count to protect: two urgent screenings in Süd in November, next to seven in Nord.
    await add('urgent', 'sued', '11-05');
    await add('urgent', 'sued', '11-06');
    for (const day of ['11-02', '11-03', '11-04', '11-09', '11-10', '11-11', '11-12']) await add('none', 'nord', day);
    // No second check while pushing (the four-eyes suites test that path).
    await db().query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_kinds, four_eyes_for_referrals) VALUES ('demo-stadt', '{}', false)
       ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_kinds = '{}', four_eyes_for_referrals = false`,
    );
    const pushed = await pushAsTablet(app, tablet, records);
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.body).not.toContain('rejected');
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses the finding’s day ranges with a reason, in JSON and CSV, and answers the whole month', async () => {
    for (const path of [
      'indicators?from=2026-10-01&to=2026-10-01',
      'indicators?from=2026-10-02&to=2026-10-31',
      'sachbericht?from=2026-10-02&to=2026-10-31&district=hafen&format=csv',
      'funnel?from=2026-10-01&to=2026-11-15',
    ]) {
      const response = await get(path);
      expect(response.statusCode, path).toBe(400);
      expect(response.json(), path).toMatchObject({
        error: { reason: 'invalidRequest', issues: [{ path: 'to', message: 'periodNotAligned' }] },
      });
    }
    const october = await get('indicators?from=2026-10-01&to=2026-10-31');
    expect(october.statusCode, october.body).toBe(200);
    const screeningTable = october.json<Report>().indicators.find((i) => i.id === 'screening');
    const hafen = screeningTable?.byDistrict?.columns.indexOf('hafen') ?? -1;
    const need = (c: string) => screeningTable?.byDistrict?.table.cells[screeningTable.categories.indexOf(c)]?.[hafen];
    // The whole of October: 6 urgent, 6 none where shown (a count may be hidden to protect November's 2 in Süd) —
    // and no other range inside October to subtract it from.
    expect([6, 'x']).toContain(need('urgent'));
    expect([6, 'x']).toContain(need('none'));
  });

  it('no hidden count follows from every report of the year together, and the CSV says nothing the JSON does not', async () => {
    const reports: Report[] = [];
    for (const period of periodsOfYear(2026)) {
      for (const district of [null, ...DEMO_DISTRICTS.map((d) => d.id)]) {
        const query = `from=${period.from}&to=${period.to}${district === null ? '' : `&district=${district}`}`;
        const json = await get(`sachbericht?${query}`);
        expect(json.statusCode, json.body).toBe(200);
        const report = json.json<Report>();
        reports.push(report);
        if (period.level === 'month' || period.level === 'year') {
          const csv = await get(`sachbericht?${query}&format=csv`);
          expect(csv.statusCode).toBe(200);
          const generatedAt = /meta,,,generatedAt,,([^\n]*)\n/.exec(csv.body)?.[1] ?? '';
          expect(csv.body).toBe(reportToCsv({ ...report, generatedAt }));
        }
      }
    }
    const attack = attackReports(reports);
    expect(attack.contradictions).toEqual([]);
    expect(attack.shownElsewhere).toEqual([]);
    expect(attack.linear).toEqual([]);
    expect(attack.bounded).toEqual([]);
    // The two urgent screenings of November in Süd are hidden in every report that would show them.
    expect(attack.hidden).toBeGreaterThan(0);
    expect(attack.published.has(entryName('screening:urgent', 'sued', '2026-11-01..2026-11-30'))).toBe(false);
    for (const need of ['urgent', 'none']) {
      const october = attack.published.get(entryName(`screening:${need}`, 'hafen', '2026-10-01..2026-10-31'));
      if (october !== undefined) expect(october).toBe(6);
    }
    for (const value of attack.published.values()) expect(value < 1 || value > 4).toBe(true);
  }, 240_000);
});
