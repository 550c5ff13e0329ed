// An offer's texts for families in other languages (opening hours, what to
// bring, cost, how to get there), over HTTP: the coordinator keeps them per
// language in the catalogue, by the form (API) and by the catalogue file (CSV
// and .xlsx, extra columns "Sprechzeiten (Arabisch)" …); bad input is refused
// with a reason and changes nothing; a file without those columns keeps them;
// tablets that ask for them get them with the catalogue, older tablets not.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@shared/protocol';
import { FAMILY_TEXTS_FEATURE, offerCatalogResponseSchema } from '@shared/offers';
import {
  managedOfferListSchema,
  offerFileExportSchema,
  offerImportPreviewSchema,
  offerImportResponseSchema,
  type ManagedOffer,
  type OfferFile,
} from '@shared/referral-api';
import { DEMO_MUNICIPALITY_ID } from '@server/db/demo-seed';
import { csvToRows, rowsToCsv, rowsToXlsx } from '@server/services/offer-file-io';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_COORDINATOR, bearer, buildTestApp, login, seedDemo, signInOnTablet, type TabletSession } from '../../helpers/test-app';

const OFFER_ID = 'schwangerschaftsberatung-mitte';

describeEachDatabase('offer texts in the family’s language', ({ db }) => {
  let app: FastifyInstance;
  let token: string;
  let tablet: TabletSession;

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const offers = async () => managedOfferListSchema.parse((await call('GET', '/api/office/offers')).json()).offers;
  const offer = async (id: string): Promise<ManagedOffer> => {
    const found = (await offers()).find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no offer ${id}`);
    return found;
  };
  const snapshot = async () =>
    JSON.stringify(await db().query('SELECT * FROM offers WHERE municipality_id = $1 ORDER BY id', [DEMO_MUNICIPALITY_ID]));
  const put = (current: ManagedOffer, changes: Record<string, unknown>) => {
    const { id, ...rest } = current;
    return call('PUT', `/api/office/offers/${id}`, { ...rest, ...changes });
  };
  const exportRows = async (format: 'csv' | 'xlsx' = 'csv') => {
    const response = await call('GET', `/api/office/offers/export?format=${format}`);
    expect(response.statusCode, response.body).toBe(200);
    return offerFileExportSchema.parse(response.json());
  };
  const preview = async (file: OfferFile) => {
    const response = await call('POST', '/api/office/offers/import/preview', { file });
    expect(response.statusCode, response.body).toBe(200);
    return offerImportPreviewSchema.parse(response.json());
  };
  const pull = async (features: string) => {
    const response = await app.inject({ method: 'GET', url: `/api/sync/offers?features=${features}`, headers: bearer(tablet.token) });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    token = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    tablet = await signInOnTablet(app, db());
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps texts per language from the form and sends them to tablets that ask for them', async () => {
    const current = await offer(OFFER_ID);
    const translations = {
      ar: { hours: 'الثلاثاء والخميس 10–17', cost: 'مجانًا، ويمكن دون ذكر الاسم' },
      tr: { whatToBring: 'Anne pasaportu, kimlik', directions: 'Otobüs 5, Demo-Platz durağı' },
    };
    const saved = await put(current, { directions: 'Bus 5 bis „Demo-Platz“', translations });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await offer(OFFER_ID)).toMatchObject({ directions: 'Bus 5 bis „Demo-Platz“', translations });

    // A tablet of this version asks for the family texts and gets them with the offer.
    const withTexts = offerCatalogResponseSchema.parse((await pull(`capacity,${FAMILY_TEXTS_FEATURE}`)).json());
    expect(withTexts.offers.find((o) => o.id === OFFER_ID)).toMatchObject({ directions: 'Bus 5 bis „Demo-Platz“', translations });
    // An older tablet parses each offer strictly: it gets neither field (and the German texts as before).
    const older = (await pull('capacity')).json<{ offers: Record<string, unknown>[] }>();
    for (const pulled of older.offers) {
      expect(Object.keys(pulled)).not.toContain('translations');
      expect(Object.keys(pulled)).not.toContain('directions');
    }
    expect(older.offers.find((o) => o['id'] === OFFER_ID)).toMatchObject({ hours: current.hours, cost: current.cost });

    // Clearing a language's texts removes it; an empty translation is not kept as "".
    expect((await put(await offer(OFFER_ID), { translations: { ar: translations.ar } })).statusCode).toBe(200);
    expect((await offer(OFFER_ID)).translations).toEqual({ ar: translations.ar });
  });

  it('refuses bad texts with a reason and changes nothing', async () => {
    const current = await offer(OFFER_ID);
    const before = await snapshot();
    const refused = async (changes: Record<string, unknown>) => {
      const response = await put(current, changes);
      expect(response.statusCode, response.body).toBe(400);
      return errorEnvelopeSchema.parse(response.json()).error.issues ?? [];
    };
    // A translation needs its German text: German is what the slip shows in every other language.
    expect(await refused({ directions: '', translations: { ar: { directions: 'الحافلة 5' } } })).toEqual([
      { path: 'translations.ar.directions', message: 'germanTextMissing' },
    ]);
    // German is no "translation"; a language Lotse has no family texts for is none either.
    expect((await refused({ translations: { de: { hours: 'Di 10–17' } } })).map((issue) => issue.path)).toEqual(['translations']);
    expect((await refused({ translations: { xx: { hours: 'Di 10–17' } } })).map((issue) => issue.path)).toEqual(['translations']);
    expect((await refused({ translations: { ar: { opening: 'Di' } } })).map((issue) => issue.message)).toEqual(['unrecognizedKeys']);
    expect((await refused({ translations: { ar: { hours: 'x'.repeat(241) } } })).map((issue) => issue.path)).toEqual([
      'translations.ar.hours',
    ]);
    expect((await refused({ translations: { ar: { cost: '   ' } } })).map((issue) => issue.path)).toEqual(['translations.ar.cost']);
    expect(await snapshot()).toBe(before);
  });

  it('carries the texts in the catalogue file: export, edit, preview, import, and back unchanged (CSV and .xlsx)', async () => {
    const csv = await exportRows('csv');
    const rows = csvToRows(csv.content);
    const header = rows[0] ?? [];
    const column = (title: string) => {
      const index = header.indexOf(title);
      expect(index, title).toBeGreaterThan(0);
      return index;
    };
    const rowOf = (id: string) => {
      const found = rows.find((cells) => cells[0] === id);
      if (!found) throw new Error(`no row ${id}`);
      return found;
    };
    // The demo midwives' Arabic texts are in the file, under German headers.
    const midwives = rowOf('familienhebammen-demo');
    expect(midwives[column('Sprechzeiten (Arabisch)')]).toBe('من الإثنين إلى الجمعة 9–15، زيارات منزلية بالاتفاق');
    expect(midwives[column('Kosten (Arabisch)')]).toBe('');
    expect(midwives[column('Anfahrt')]).toBe('Bus 5 bis Haltestelle „Demo-Platz“, Eingang im Hof');

    // The coordinator adds a Turkish cost and changes the Arabic hours in the spreadsheet.
    midwives[column('Kosten (Türkisch)')] = 'ücretsiz';
    midwives[column('Sprechzeiten (Arabisch)')] = 'من الإثنين إلى الخميس 9–15';
    const before = await snapshot();
    const plan = await preview({ format: 'csv', text: rowsToCsv(rows) });
    expect(plan).toMatchObject({
      problems: [],
      created: [],
      removed: [],
      changed: [{ id: 'familienhebammen-demo', columns: ['translations'] }],
    });
    expect(await snapshot()).toBe(before);
    const imported = await call('POST', '/api/office/offers/import', {
      file: { format: 'csv', text: rowsToCsv(rows) },
      baseVersion: plan.baseVersion,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(offerImportResponseSchema.parse(imported.json())).toEqual({ created: 0, changed: 1, removed: 0 });
    expect((await offer('familienhebammen-demo')).translations).toEqual({
      ar: {
        hours: 'من الإثنين إلى الخميس 9–15',
        whatToBring: 'بطاقة الأمومة (Mutterpass) إن وجدت',
        directions: 'الحافلة 5 حتى محطة Demo-Platz، المدخل من الفناء',
      },
      tr: { cost: 'ücretsiz' },
    });

    // Exported again, CSV and .xlsx, the file previews no change.
    const again = await exportRows('csv');
    expect(await preview({ format: 'csv', text: again.content })).toMatchObject({ changed: [], created: [], removed: [] });
    const xlsx = await exportRows('xlsx');
    expect(await preview({ format: 'xlsx', base64: xlsx.content })).toMatchObject({ changed: [], created: [], removed: [] });
  });

  it('reads language codes and own names in headers, keeps stored texts a file has no column for, and names a translation without German', async () => {
    const rows = csvToRows((await exportRows('csv')).content);
    const header = rows[0] ?? [];
    // Only the German columns and two Arabic ones, one headed by the code, one by the language's own name.
    const keep = header.flatMap((title, index) => (!title.includes('(') || /\(Arabisch\)$/.test(title) ? [index] : []));
    const renamed = keep.map((index) =>
      (header[index] ?? '').replace('Sprechzeiten (Arabisch)', 'Sprechzeiten (ar)').replace('Kosten (Arabisch)', 'Kosten (العربية)'),
    );
    const body = rows.slice(1).map((cells) => keep.map((index) => cells[index] ?? ''));
    const midwives = body.find((cells) => cells[0] === 'familienhebammen-demo') ?? [];
    midwives[renamed.indexOf('Kosten (العربية)')] = 'مجانًا';
    const plan = await preview({ format: 'xlsx', base64: (await rowsToXlsx([renamed, ...body])).toString('base64') });
    expect(plan).toMatchObject({ problems: [], changed: [{ id: 'familienhebammen-demo', columns: ['translations'] }] });
    const confirmed = await call('POST', '/api/office/offers/import', {
      file: { format: 'xlsx', base64: (await rowsToXlsx([renamed, ...body])).toString('base64') },
      baseVersion: plan.baseVersion,
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    // The Turkish cost was in no column of this file: it is kept.
    expect((await offer('familienhebammen-demo')).translations).toMatchObject({ ar: { cost: 'مجانًا' }, tr: { cost: 'ücretsiz' } });

    // A translation whose German text is empty: named by row and column as the header reads; nothing written.
    const other = body.find((cells) => cells[0] === OFFER_ID) ?? [];
    other[renamed.indexOf('Anfahrt')] = '';
    other[renamed.indexOf('Anfahrt (Arabisch)')] = 'الحافلة 5';
    const before = await snapshot();
    const refused = await preview({ format: 'csv', text: rowsToCsv([renamed, ...body]) });
    expect(refused.problems).toEqual([
      {
        row: body.indexOf(other) + 2,
        column: 'Anfahrt (Arabisch)',
        value: 'الحافلة 5',
        allowed: null,
        max: null,
        problem: 'translationWithoutGerman',
      },
    ]);
    const response = await call('POST', '/api/office/offers/import', {
      file: { format: 'csv', text: rowsToCsv([renamed, ...body]) },
      baseVersion: refused.baseVersion,
    });
    expect(response.statusCode).toBe(400);
    expect(errorEnvelopeSchema.parse(response.json()).error.issues).toEqual([
      { path: `row.${String(body.indexOf(other) + 2)}.translations.ar.directions`, message: 'translationWithoutGerman' },
    ]);
    expect(await snapshot()).toBe(before);
  });
});
