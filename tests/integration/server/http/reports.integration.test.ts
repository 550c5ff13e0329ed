// Coordinator reports: counts come from countable records only, withdrawn cases
// drop out, small cells are suppressed, bad input and other municipalities are
// refused, and neither the JSON nor the CSV carries a case number.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';
import type { Report } from '@shared/reports';
import type { ScreeningContent } from '@shared/records/screening';
import type { SUPPORT_NEED_LEVELS } from '@shared/records/screening';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  consentRefusalRecord,
  consentWithdrawalRecord,
  homeContactContent,
  homeContactRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  seedOtherMunicipality,
  signInOnTablet,
} from '../../helpers/test-app';
import type { TabletSession } from '../../helpers/test-app';

type SupportNeedLevel = (typeof SUPPORT_NEED_LEVELS)[number];

const PERIOD = 'from=2026-01-01&to=2026-06-30';

async function screeningRecord(deviceId: string, caseNumber: string, supportNeed: SupportNeedLevel, district?: string) {
  const content: ScreeningContent = {
    definitionId: 'moers-birth',
    definitionVersion: '2026.1',
    definitionHash: 'a'.repeat(64),
    answers: { firstChild: true },
    score: 3,
    supportNeed,
    acuteDanger: [],
    suggestedOffers: [],
    ...(district === undefined ? {} : { district }),
  };
  return {
    id: uuidv7(),
    revision: 1,
    kind: 'screening' as const,
    schemaVersion: 1 as const,
    formVersion: '2026.1',
    deviceId,
    createdAt: '2026-03-10T10:00:00.000+01:00',
    caseNumber,
    contentHash: await contentHash(content),
    content,
  };
}

function table(report: Report, id: string, breakdown: 'byDistrict' | 'byMonth') {
  const indicator = report.indicators.find((i) => i.id === id);
  const part = indicator?.[breakdown];
  if (!indicator || !part) throw new Error(`no ${breakdown} table for ${id}`);
  return {
    cell: (category: string, column: string) => part.table.cells[indicator.categories.indexOf(category)]?.[part.columns.indexOf(column)],
    rowTotal: (category: string) => part.table.rowTotals[indicator.categories.indexOf(category)],
    columnTotal: (column: string) => part.table.columnTotals[part.columns.indexOf(column)],
    total: part.table.total,
    indicator,
    part,
  };
}

describeEachDatabase('coordinator reports', ({ db }) => {
  let app: FastifyInstance;
  let tablet: TabletSession;
  let coordinator: string;
  const cases: Record<string, string[]> = { nordOffer: [], nordUrgent: [], suedOffer: [] };
  let pendingCase = '';
  let supersededCase = '';
  let withdrawnCase = '';
  const pendingId = { id: '' };
  const supersededId = { id: '' };

  const report = async (query = PERIOD, municipality = 'demo-stadt', token = coordinator) =>
    app.inject({ method: 'GET', url: `/api/reports/${municipality}/indicators?${query}`, headers: bearer(token) });
  const okReport = async (query = PERIOD): Promise<Report> => {
    const response = await report(query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Report>();
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    tablet = await signInOnTablet(app, db());
    coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    const device = tablet.deviceId;
    const records: unknown[] = [];
    const screened = async (bucket: string[] | null, need: SupportNeedLevel, district: string | undefined) => {
      const caseNumber = newCaseNumber();
      bucket?.push(caseNumber);
      records.push(await consentRecord(device, caseNumber, { content: await consentContent('de', { setting: 'screening' }) }));
      const record = await screeningRecord(device, caseNumber, need, district);
      records.push(record);
      return { caseNumber, id: record.id };
    };
    for (let k = 0; k < 6; k += 1) await screened(cases['nordOffer'] ?? null, 'offerRecommended', 'nord');
    for (let k = 0; k < 2; k += 1) await screened(cases['nordUrgent'] ?? null, 'urgent', 'nord');
    for (let k = 0; k < 7; k += 1) await screened(cases['suedOffer'] ?? null, 'offerRecommended', 'sued');
    const pending = await screened(null, 'none', 'nord');
    pendingCase = pending.caseNumber;
    pendingId.id = pending.id;
    const superseded = await screened(null, 'informationOnly', 'mitte');
    supersededCase = superseded.caseNumber;
    supersededId.id = superseded.id;
    withdrawnCase = (await screened(null, 'urgent', 'sued')).caseNumber;
    for (let k = 0; k < 5; k += 1) {
      records.push(await consentRefusalRecord(device, { content: { setting: 'screening', date: '2026-03-11', district: 'nord' } }));
    }
    for (let k = 0; k < 6; k += 1)
      records.push(await homeContactRecord(device, { content: homeContactContent({ contactDate: '2026-02-10' }) }));
    for (let k = 0; k < 2; k += 1) {
      records.push(
        await homeContactRecord(device, { content: homeContactContent({ site: 'familienzentrum-nord', contactDate: '2026-03-03' }) }),
      );
    }
    // Outside the period: never counted.
    records.push(await homeContactRecord(device, { content: homeContactContent({ contactDate: '2026-07-01' }) }));
    // These records carry no author signatures: the second check is switched off while they are pushed and
    // its inputs are set by hand below (the four-eyes suites test the real path).
    await db().query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_kinds, four_eyes_for_referrals) VALUES ('demo-stadt', '{}', false)
       ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_kinds = '{}', four_eyes_for_referrals = false`,
    );
    const pushed = await pushAsTablet(app, tablet, records);
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.body).not.toContain('rejected');
    await db().query(
      `UPDATE municipality_settings SET four_eyes_kinds = ARRAY['screening'], four_eyes_for_referrals = true WHERE municipality_id = 'demo-stadt'`,
    );

    // Four-eyes inputs as the push code maintains them: one screening waits for its second check, one is superseded.
    await db().query('UPDATE records SET needs_second_check = true WHERE id = $1', [pendingId.id]);
    await db().query('UPDATE records SET superseded = true WHERE id = $1', [supersededId.id]);

    // Referrals of five nord cases (contacted five days after the screening) and of the withdrawn case. The
    // referral's own record is stood in for by its screening, so it counts exactly when the screening does (the
    // referral's own second check is tested in referral-four-eyes.integration.test.ts).
    const referral = async (caseNumber: string, state: string, contactedOn: string | null, district: string) => {
      const id = uuidv7();
      await db().query(
        `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, source_record_id, district, created_by, created_at, state, state_changed_at)
         SELECT $1, 'demo-stadt', $2, 'familienhebammen-demo', 'familienhebamme', s.id, s.id,
                $5, a.id, '2026-03-12T09:00:00+01:00', $3, '2026-03-12T09:00:00+01:00'
           FROM staff_accounts a,
                (SELECT s.id FROM records s WHERE s.municipality_id = 'demo-stadt' AND s.case_number = $2 AND s.kind = 'screening' LIMIT 1) s
          WHERE a.username = $4`,
        [id, caseNumber, state, DEMO_COORDINATOR.username, district],
      );
      if (contactedOn !== null) {
        await db().query(
          `INSERT INTO referral_state_changes (municipality_id, referral_id, state, changed_at) VALUES ('demo-stadt', $1, 'contacted', $2)`,
          [id, contactedOn],
        );
      }
    };
    for (const caseNumber of cases['nordOffer']?.slice(0, 5) ?? [])
      await referral(caseNumber, 'contacted', '2026-03-15T10:00:00+01:00', 'nord');
    await referral(withdrawnCase, 'contacted', '2026-03-20T10:00:00+01:00', 'sued');
    // L6: a referral made from a screening still waiting for its second check is not countable (COUNTING_RULE).
    await referral(pendingCase, 'contacted', '2026-03-15T10:00:00+01:00', 'nord');
  });
  afterAll(async () => {
    await app.close();
  });

  it('counts only countable records, by district and month, and suppresses small cells', async () => {
    const result = await okReport();
    const byDistrict = table(result, 'screening', 'byDistrict');
    // 6 + 7 offerRecommended; the screening waiting for its second check and the superseded one are not counted.
    expect(byDistrict.rowTotal('offerRecommended')).toBe(13);
    // A zero can be hidden too: the partner of a hidden count, so that nothing tells the hidden ones apart.
    expect(byDistrict.cell('none', 'nord')).toBe('x');
    expect(byDistrict.cell('informationOnly', 'mitte')).toBe(0);
    // 2 urgent in nord, 1 in sued: 1–4 → hidden ("x").
    expect(byDistrict.cell('urgent', 'nord')).toBe('x');
    expect(byDistrict.cell('urgent', 'sued')).toBe('x');
    expect(byDistrict.rowTotal('urgent')).toBe('x');
    // Column totals are published (13 nord, 8 sued), so a partner in each column is hidden too ("x"), not the "<5" alone.
    expect(byDistrict.columnTotal('nord')).toBe(13);
    expect(byDistrict.columnTotal('sued')).toBe(8);
    expect(byDistrict.cell('offerRecommended', 'nord')).toBe('x');
    expect(byDistrict.cell('offerRecommended', 'sued')).toBe('x');
    expect(byDistrict.total).toBe(21);
    // The refusals (5) are published: the hidden urgent (3) and none (0) totals add up to 21 − 13 − 5, which pins neither.
    expect(byDistrict.rowTotal('refused')).toBe(5);
    expect(byDistrict.rowTotal('none')).toBe('x');
    expect(byDistrict.indicator.measures['reachRate']).toBe(0.762);

    const home = table(result, 'homeSite', 'byMonth');
    // 6 in February, 2 in March (July is outside the period): 8 in all, so February is hidden with March's "<5".
    expect(home.total).toBe(8);
    expect(home.cell('kita-sonnenblume', '2026-02')).toBe('x');
    expect(home.cell('familienzentrum-nord', '2026-03')).toBe('x');
    expect(home.indicator.byDistrict).toBeNull();
    expect(home.cell('kita-sonnenblume', '2026-07')).toBeUndefined();

    // Referrals: five nord cases and the (not yet withdrawn) sued case; the pending case's referral waits for
    // its screening's second check and is not countable yet (finding L6).
    expect(table(result, 'referralUptake', 'byDistrict').total).toBe(6);
  });

  it('counts a record once it is approved and drops a withdrawn case from every count', async () => {
    const before = table(await okReport(), 'screening', 'byDistrict');
    expect(before.cell('urgent', 'sued')).toBe('x');
    await db().query('UPDATE records SET approved_at = now() WHERE id = $1', [pendingId.id]);
    const approved = table(await okReport(), 'screening', 'byDistrict');
    expect(approved.cell('none', 'nord')).toBe('x');
    expect(approved.total).toBe(22);

    const withdrawal = await pushAsTablet(app, tablet, [await consentWithdrawalRecord(tablet.deviceId, withdrawnCase)]);
    expect(withdrawal.statusCode, withdrawal.body).toBe(200);
    const afterReport = await okReport();
    const after = table(afterReport, 'screening', 'byDistrict');
    expect(after.cell('urgent', 'sued')).toBe(0);
    expect(after.total).toBe(21);
    // The withdrawn case's referral and its contact after 10 days are gone too; the pending case's referral
    // counts now that its screening is approved.
    const uptake = table(afterReport, 'referralUptake', 'byDistrict');
    expect(uptake.cell('contacted', 'nord')).toBe(6);
    expect(uptake.cell('contacted', 'sued')).toBe(0);
    expect(uptake.indicator.measures['uptakeRate']).toBe(1);
    const contact = table(afterReport, 'timeToFirstContact', 'byDistrict');
    expect(contact.cell('days0to7', 'nord')).toBe(6);
    expect(contact.rowTotal('days8to14')).toBe(0);
    const [row] = await db().query<{ n: number }>(
      `SELECT coalesce(sum(n), 0)::int AS n FROM report_counts WHERE municipality_id = 'demo-stadt' AND indicator = 'screening' AND district = 'sued'`,
    );
    expect(row?.n).toBe(7);
  });

  it('carries no case number in the JSON or the CSV Sachbericht, and the CSV shows suppressed cells', async () => {
    // A configured label that a spreadsheet would run as a formula is neutralised in the CSV.
    await db().query("INSERT INTO districts (municipality_id, id, label, sort_order) VALUES ('demo-stadt', 'formel', '=1+1', 99)");
    const json = await report();
    const csv = await app.inject({
      method: 'GET',
      url: `/api/reports/demo-stadt/sachbericht?${PERIOD}&format=csv`,
      headers: bearer(coordinator),
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    // One mark for every suppressed entry, as on screen: the JSON's "x" is "*".
    const published = json.json<Report>();
    const kinds = new Set<unknown>();
    const shown = (value: unknown): string => (typeof value === 'number' ? String(value) : '*');
    const neutral = (label: string): string => (label.startsWith('=') ? `'${label}` : label);
    for (const indicator of published.indicators) {
      const category = (c: string): string => (indicator.id === 'homeSite' ? (published.sites.find((x) => x.id === c)?.label ?? c) : c);
      for (const [name, breakdown] of [
        ['district', indicator.byDistrict],
        ['month', indicator.byMonth],
      ] as const) {
        if (breakdown === null) continue;
        const columns = breakdown.columns.map((c) =>
          name === 'month' ? c : neutral(c === '' ? '(none)' : (published.districts.find((d) => d.id === c)?.label ?? c)),
        );
        indicator.categories.forEach((c, i) => {
          columns.forEach((column, j) => {
            const value = breakdown.table.cells[i]?.[j];
            kinds.add(value);
            expect(csv.body).toContain(`count,${indicator.id},${name},${category(c)},${column},${shown(value)}\n`);
          });
          kinds.add(breakdown.table.rowTotals[i]);
          expect(csv.body).toContain(`count,${indicator.id},${name},${category(c)},total,${shown(breakdown.table.rowTotals[i])}\n`);
        });
      }
    }
    expect(kinds).toContain('x');
    expect(csv.body).toContain('meta,,,suppressedMark,,*');
    const values = csv.body.split('\n').map((line) => line.split(',').at(-1)?.trim());
    expect(values).not.toContain('<5');
    expect(values).not.toContain('x');
    expect(csv.body).toContain('definition,screening,,de,,Angebotene Screenings');
    expect(csv.body).toContain('periodFrom,,2026-01-01');
    expect(csv.body).toContain("'=1+1");
    expect(csv.body).not.toMatch(/(^|,)=1\+1/m);
    const all = [...Object.values(cases).flat(), pendingCase, supersededCase, withdrawnCase];
    for (const caseNumber of all) {
      expect(json.body).not.toContain(caseNumber);
      expect(csv.body).not.toContain(caseNumber);
    }
    const sachbericht = await app.inject({
      method: 'GET',
      url: `/api/reports/demo-stadt/sachbericht?${PERIOD}`,
      headers: bearer(coordinator),
    });
    expect(sachbericht.json<Report>().period).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(sachbericht.json<Report>().indicators.every((i) => i.formula.de.length > 20 && i.formula.en.length > 20)).toBe(true);
  });

  it('refuses a period ending before it starts, an unknown district, another municipality and non-coordinators', async () => {
    const backwards = await report('from=2026-06-30&to=2026-01-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ error: { reason: 'invalidRequest', issues: [{ path: 'to', message: 'endBeforeStart' }] } });
    const unknown = await report(`${PERIOD}&district=atlantis`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { issues: [{ path: 'district', message: 'unknownDistrict' }] } });
    const filtered = await okReport(`${PERIOD}&district=nord`);
    const [audit] = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.generated' AND object_id = '2026-01-01..2026-06-30/nord'",
    );
    expect(audit?.n).toBe(1);
    expect(table(filtered, 'screening', 'byDistrict').indicator.byDistrict?.columns).toEqual(['nord']);
    expect(table(filtered, 'screening', 'byDistrict').cell('offerRecommended', 'nord')).toBe(6);

    const other = await seedOtherMunicipality(db());
    const foreign = await report(PERIOD, other.municipalityId);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({
      error: { reason: 'forbidden', issues: [{ path: 'municipalityId', message: 'notYourMunicipality' }] },
    });
    const nonexistent = await report(PERIOD, 'nowhere');
    expect(nonexistent.statusCode).toBe(403);
    const fieldworker = await report(PERIOD, 'demo-stadt', tablet.token);
    expect(fieldworker.statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'GET', url: `/api/reports/demo-stadt/indicators?${PERIOD}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses a pushed record naming a district the municipality does not have', async () => {
    const record = await screeningRecord(tablet.deviceId, cases['nordOffer']?.[0] ?? '', 'none', 'atlantis');
    const refusal = await consentRefusalRecord(tablet.deviceId, {
      content: { setting: 'screening', date: '2026-03-11', district: 'atlantis' },
    });
    const response = await pushAsTablet(app, tablet, [record, refusal]);
    expect(response.statusCode).toBe(422);
    const results = response.json<{ results: { outcome: string; issues?: unknown[] }[] }>().results;
    for (const result of results) {
      expect(result).toMatchObject({ outcome: 'rejected', issues: [{ path: 'content.district', message: 'unknownDistrict' }] });
    }
    const [stored] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE id = ANY($1::uuid[])', [
      [record.id, refusal.id],
    ]);
    expect(stored?.n).toBe(0);
  });
});
