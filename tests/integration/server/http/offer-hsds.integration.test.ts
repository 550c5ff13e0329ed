// The catalogue as Open Referral HSDS 3.1 over HTTP: the coordinator's JSON and tabular-package
// exports validate against the official schemas with zero errors, carry no partner key and no
// account id, and go back through the catalogue import (preview, confirm with baseVersion) with
// no change at all; an edit is previewed and applied like a spreadsheet's; an edited id, another
// municipality's file, a file that is no HSDS at all are refused with a reason and change nothing.
import type { FastifyInstance } from 'fastify';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@shared/protocol';
import {
  issuedPartnerKeySchema,
  offerFileExportSchema,
  offerImportPreviewSchema,
  type ManagedOffer,
  type OfferFile,
} from '@shared/referral-api';
import { DEMO_MUNICIPALITY_ID } from '@server/db/demo-seed';
import { offersToHsds, type HsdsCatalogue } from '@server/services/offer-hsds';
import { hsdsValidator } from '../../../fixtures/hsds-validator';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_COORDINATOR, bearer, buildTestApp, login, seedDemo } from '../../helpers/test-app';

describeEachDatabase('offer catalogue as HSDS', ({ db }) => {
  let app: FastifyInstance;
  let token: string;
  const validator = hsdsValidator();

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const exportFile = async (format: 'hsdsJson' | 'hsdsZip') => {
    const response = await call('GET', `/api/office/offers/export?format=${format}`);
    expect(response.statusCode, response.body).toBe(200);
    return offerFileExportSchema.parse(response.json());
  };
  const exportJson = async () => JSON.parse((await exportFile('hsdsJson')).content) as HsdsCatalogue;
  const jsonFile = (catalogue: unknown): OfferFile => ({ format: 'hsdsJson', text: JSON.stringify(catalogue) });
  const preview = async (file: OfferFile) => {
    const response = await call('POST', '/api/office/offers/import/preview', { file });
    expect(response.statusCode, response.body).toBe(200);
    return offerImportPreviewSchema.parse(response.json());
  };
  /** The catalogue rows as stored, change times included: an import that changes nothing rewrites nothing. */
  const snapshot = async () =>
    JSON.stringify(await db().query('SELECT * FROM offers WHERE municipality_id = $1 ORDER BY id', [DEMO_MUNICIPALITY_ID]));

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    token = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('exports HSDS JSON that validates with zero errors and holds neither partner keys nor account ids', async () => {
    const offerIds = (await db().query<{ id: string }>('SELECT id FROM offers WHERE municipality_id = $1', [DEMO_MUNICIPALITY_ID])).map(
      (row) => row.id,
    );
    const issued = await call('POST', `/api/office/offers/${offerIds[0] ?? ''}/partner-key`);
    expect(issued.statusCode, issued.body).toBe(200);
    const { partnerKey } = issuedPartnerKeySchema.parse(issued.json());
    // Free places as partners set them (docs/REFERRALS.md): exported as service_capacity, never who set them.
    const [partnerAccount] = await db().query<{ id: string }>('SELECT id FROM staff_accounts ORDER BY id LIMIT 1');
    const capacities = [
      { status: 'places', places: 3, available: 3, description: 'Freie Plätze' },
      { status: 'waitingList', places: null, available: 0, description: 'Warteliste' },
      { status: 'full', places: null, available: 0, description: 'Ausgebucht' },
    ];
    for (const [index, capacity] of capacities.entries()) {
      await db().query(
        `UPDATE offers SET capacity_status = $3, capacity_places = $4, capacity_set_at = '2026-11-02T09:00:00Z', capacity_set_by = $5
          WHERE municipality_id = $1 AND id = $2`,
        [DEMO_MUNICIPALITY_ID, offerIds[index], capacity.status, capacity.places, partnerAccount?.id],
      );
    }

    const exported = await exportFile('hsdsJson');
    expect(exported.fileName).toBe('angebote-hsds.json');
    const catalogue = JSON.parse(exported.content) as HsdsCatalogue;
    expect(validator.pageErrors(catalogue)).toEqual([]);
    expect(catalogue.contents).toHaveLength(offerIds.length);
    for (const service of catalogue.contents) expect(validator.errors('service', service), service.name).toEqual([]);
    for (const [index, capacity] of capacities.entries()) {
      const service = catalogue.contents.find((s) => s.attributes.some((a) => a.value === offerIds[index]));
      expect(service?.capacities).toEqual([
        {
          id: expect.any(String) as string,
          service_id: service?.id,
          unit: { id: expect.any(String) as string, name: 'Platz' },
          available: capacity.available,
          description: capacity.description,
          updated: '2026-11-02T09:00:00.000Z',
        },
      ]);
      expect(validator.errors('service_capacity', service?.capacities?.[0])).toEqual([]);
    }
    expect(catalogue.contents.filter((service) => service.capacities !== undefined)).toHaveLength(capacities.length);

    const [stored] = await db().query<{ partner_key_id: string; partner_key_hash: string }>(
      'SELECT partner_key_id, partner_key_hash FROM offers WHERE municipality_id = $1 AND id = $2',
      [DEMO_MUNICIPALITY_ID, offerIds[0]],
    );
    expect(stored?.partner_key_hash).toMatch(/^[0-9a-f]{64}$/);
    const accounts = (await db().query<{ id: string }>('SELECT id FROM staff_accounts')).map((row) => row.id);
    expect(accounts.length).toBeGreaterThan(3);
    const zip = await exportFile('hsdsZip');
    const packageText = Object.values(unzipSync(Buffer.from(zip.content, 'base64')))
      .map((file) => strFromU8(file))
      .join('\n');
    for (const text of [exported.content, packageText]) {
      for (const secret of [partnerKey, partnerKey.replace(/-/g, ''), stored?.partner_key_id, stored?.partner_key_hash, ...accounts]) {
        expect(secret && text.includes(secret), `export reveals ${String(secret).slice(0, 4)}…`).toBeFalsy();
      }
    }
  });

  it('imports its own HSDS JSON and tabular package back with no change, before and after confirming', async () => {
    const before = await snapshot();
    const offers = JSON.parse(before) as unknown[];
    for (const format of ['hsdsJson', 'hsdsZip'] as const) {
      const exported = await exportFile(format);
      const file: OfferFile = format === 'hsdsJson' ? { format, text: exported.content } : { format, base64: exported.content };
      const plan = await preview(file);
      expect(plan, format).toMatchObject({ problems: [], created: [], changed: [], removed: [], kept: [], unchanged: offers.length });
      const applied = await call('POST', '/api/office/offers/import', { file, baseVersion: plan.baseVersion });
      expect(applied.statusCode, applied.body).toBe(200);
      expect(applied.json()).toEqual({ created: 0, changed: 0, removed: 0 });
      expect(await snapshot(), format).toBe(before);
    }
  });

  it('previews and applies an edited service like an edited spreadsheet row, in the package too', async () => {
    const catalogue = await exportJson();
    const target = catalogue.contents[1];
    if (!target) throw new Error('demo catalogue too small');
    const offerId = target.attributes.find((attribute) => attribute.taxonomy_term.code === 'offer-id')?.value;
    target.schedules = [{ id: target.id, service_id: target.id, description: 'Mo–Fr 8–12 Uhr (HSDS)' }];
    const plan = await preview(jsonFile(catalogue));
    expect(plan.changed).toEqual([{ id: offerId, name: target.name, columns: ['hours'] }]);
    const applied = await call('POST', '/api/office/offers/import', { file: jsonFile(catalogue), baseVersion: plan.baseVersion });
    expect(applied.json()).toEqual({ created: 0, changed: 1, removed: 0 });
    const [row] = await db().query<{ hours: string }>('SELECT hours FROM offers WHERE municipality_id = $1 AND id = $2', [
      DEMO_MUNICIPALITY_ID,
      offerId,
    ]);
    expect(row?.hours).toBe('Mo–Fr 8–12 Uhr (HSDS)');

    // The package: one service's name changed in services.csv.
    const files = unzipSync(Buffer.from((await exportFile('hsdsZip')).content, 'base64'));
    const services = strFromU8(files['services.csv'] ?? new Uint8Array());
    files['services.csv'] = strToU8(services.replace(`,${target.name},`, `,${target.name} (neu),`));
    const zipPlan = await preview({ format: 'hsdsZip', base64: Buffer.from(zipSync(files)).toString('base64') });
    expect(zipPlan.changed).toEqual([{ id: offerId, name: `${target.name} (neu)`, columns: ['name'] }]);
  });

  it('takes a file of 2,000 offers with every list full (the file limit) through the body limit to a preview', async () => {
    const offers: ManagedOffer[] = Array.from({ length: 2000 }, (_, index) => ({
      id: `gross-${index}`,
      name: `Angebot ${index} mit einem längeren Namen, wie es sie gibt`,
      organisation: `Träger „${index % 40}“`,
      type: 'familienbildung',
      agePhases: ['pregnancy', 'baby', 'toddler', 'kita', 'school'],
      fields: ['health', 'youthWelfare', 'education', 'social'],
      districts: [],
      languages: ['de', 'en', 'ar', 'fa', 'ru', 'pl', 'fr', 'tr', 'uk'],
      cost: 'kostenlos',
      address: 'Hauptstraße 1, 45127 Essen',
      phone: '+49 201 1234567',
      hours: 'Mo–Fr 9–12 Uhr und nach Vereinbarung',
      whatToBring: 'Mutterpass, Versichertenkarte, U-Heft',
      partnerOrganisationId: null,
    }));
    const text = JSON.stringify(offersToHsds(offers, DEMO_MUNICIPALITY_ID, { districts: [], organisations: [] }));
    expect(text.length).toBeGreaterThan(15 * 1024 * 1024);
    const before = await snapshot();
    const plan = await preview({ format: 'hsdsJson', text });
    expect(plan.problems).toEqual([]);
    expect(plan.created).toHaveLength(2000);
    expect(await snapshot()).toBe(before);
  });

  it('refuses an edited id, another municipality’s file and a file that is no HSDS, with a reason, changing nothing', async () => {
    const before = await snapshot();
    const catalogue = await exportJson();
    const baseVersion = (await preview(jsonFile(catalogue))).baseVersion;
    const refused = async (file: OfferFile, problems: unknown[]) => {
      const plan = await preview(file);
      expect(plan.problems).toEqual(problems);
      expect(plan).toMatchObject({ created: [], changed: [], removed: [] });
      const response = await call('POST', '/api/office/offers/import', { file, baseVersion });
      expect(response.statusCode, response.body).toBe(400);
      expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('invalidRequest');
      expect(await snapshot()).toBe(before);
    };

    // The Kennung edited in the file: the service id no longer belongs to it.
    const renamed = structuredClone(catalogue);
    const idAttribute = renamed.contents[0]?.attributes.find((attribute) => attribute.taxonomy_term.code === 'offer-id');
    if (idAttribute) idAttribute.value = 'ein-neues-angebot';
    await refused(jsonFile(renamed), [
      expect.objectContaining({ row: 1, column: 'Kennung', problem: 'hsdsIdMismatch', value: catalogue.contents[0]?.id }),
    ]);

    // The same offers exported by another municipality: none of its ids belongs here.
    const current = (await call('GET', '/api/office/offers')).json<{ offers: Parameters<typeof offersToHsds>[0] }>().offers;
    const foreign = offersToHsds(current, 'zweitstadt', { districts: [], organisations: [] });
    await refused(
      jsonFile(foreign),
      foreign.contents.map((_, index): unknown => expect.objectContaining({ row: index + 1, problem: 'hsdsIdMismatch' })),
    );

    // Not HSDS: no JSON, JSON without services, a zip without services.csv.
    const notHsds: unknown[] = [expect.objectContaining({ row: 0, column: null, problem: 'notHsds' })];
    await refused({ format: 'hsdsJson', text: '{"contents": [' }, notHsds);
    await refused({ format: 'hsdsJson', text: '{"services": []}' }, notHsds);
    const readme = Buffer.from(zipSync({ 'readme.txt': strToU8('hallo') })).toString('base64');
    await refused({ format: 'hsdsZip', base64: readme }, notHsds);
  });
});
