// The offer catalogue as Open Referral HSDS 3.1: every exported service, page and package table
// validates against the official schemas with zero errors, and JSON as well as the tabular package
// read back to exactly the offers that were exported (lists, empty fields, odd addresses included);
// an edited id or another municipality's file is refused.
import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { ManagedOffer } from '@shared/referral-api';
import { readOfferRows, type OfferFileReferences } from '@server/services/offer-file-format';
import { csvToRows } from '@server/services/offer-file-io';
import { hsdsId, offersToHsds, servicesToRows, uuidV5 } from '@server/services/offer-hsds';
import { HSDS_TABLES, NotAnHsdsPackage, hsdsPackageServices, hsdsPackageZip, servicesToTables } from '@server/services/offer-hsds-package';
import { hsdsValidator } from '../../fixtures/hsds-validator';

const MUNICIPALITY = 'demo-stadt';
const references: OfferFileReferences = {
  districts: [
    { id: 'altstadt', label: 'Altstadt' },
    { id: 'nord', label: 'Nord, am Hafen' },
  ],
  organisations: [
    { id: 'fruehe-hilfen', name: 'Frühe Hilfen Demo-Stadt', kind: 'partner' },
    { id: 'beratung-a', name: 'Beratung', kind: 'partner' },
    { id: 'beratung-b', name: 'Beratung', kind: 'partner' },
  ],
};

const offers: ManagedOffer[] = [
  {
    id: 'elterncafe-nord',
    name: 'Elterncafé Nord',
    organisation: 'Familienzentrum Nord',
    type: 'elterncafe',
    agePhases: ['baby', 'toddler'],
    fields: ['education', 'social'],
    districts: ['altstadt', 'nord'],
    languages: ['de', 'ar', 'tr'],
    cost: 'kostenlos',
    address: 'Hafenstraße 1, 45127 Essen',
    phone: '+49 201 123456',
    hours: 'Di 10–12',
    whatToBring: 'Mutterpass, U-Heft',
    partnerOrganisationId: 'fruehe-hilfen',
  },
  {
    // Whole municipality, no optional text, a partner whose name is shared (exported by id), a formula-like cost.
    id: 'schuldnerberatung',
    name: 'Schuldnerberatung',
    organisation: 'Familienzentrum Nord',
    type: 'schuldnerberatung',
    agePhases: ['pregnancy', 'baby', 'toddler', 'kita', 'school'],
    fields: ['social'],
    districts: [],
    languages: ['de'],
    cost: '=1+1',
    address: '',
    phone: '',
    hours: '',
    whatToBring: '',
    partnerOrganisationId: 'beratung-b',
  },
  {
    // An address that is no "street, postcode city": kept whole in address_1.
    id: 'hebamme-sued',
    name: 'Familienhebamme Süd',
    organisation: 'Gesundheitsamt',
    type: 'familienhebamme',
    agePhases: ['pregnancy'],
    fields: ['health'],
    districts: ['nord'],
    languages: ['de', 'en', 'fa', 'ru', 'pl', 'fr', 'uk'],
    cost: '',
    address: 'Hausbesuche im ganzen Stadtgebiet',
    phone: '0201 88-0',
    hours: 'nach Vereinbarung',
    whatToBring: '',
    partnerOrganisationId: null,
  },
];

const validator = hsdsValidator();

/** The cells back through the spreadsheet reader: the same checks, the same offers. */
function readBack(services: readonly unknown[], municipalityId = MUNICIPALITY) {
  const { rows, problems } = servicesToRows(services, municipalityId, (index) => index + 1);
  const read = readOfferRows(rows, references);
  return { problems: [...problems, ...read.problems], offers: read.offers.map(({ offer }) => offer) };
}

describe('HSDS JSON', () => {
  const catalogue = offersToHsds(offers, MUNICIPALITY, references);

  it('validates against the official HSDS 3.1 schemas with zero errors, page and every service', () => {
    expect(validator.pageErrors(catalogue)).toEqual([]);
    expect(catalogue.contents).toHaveLength(3);
    for (const service of catalogue.contents) expect(validator.errors('service', service)).toEqual([]);
    // The validator is not blind: a nested phone without number and a status HSDS does not know are caught.
    const broken = { ...catalogue.contents[0], status: 'open', phones: [{ id: 'not-a-uuid' }] };
    expect(validator.errors('service', broken)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/status/),
        expect.stringMatching(/^\/phones\/0\/id/),
        expect.stringMatching(/^\/phones\/0/),
      ]),
    );
  });

  it('carries the tables the directory needs: organisation, location, schedule, languages, costs', () => {
    const [cafe] = catalogue.contents;
    expect(cafe?.organization.name).toBe('Familienzentrum Nord');
    expect(cafe?.service_at_locations[0]?.location.addresses[0]).toMatchObject({
      address_1: 'Hafenstraße 1',
      postal_code: '45127',
      city: 'Essen',
      country: 'DE',
    });
    expect(cafe?.schedules[0]?.description).toBe('Di 10–12');
    expect(cafe?.languages.map((language) => language.code)).toEqual(['de', 'ar', 'tr']);
    expect(cafe?.cost_options[0]?.amount_description).toBe('kostenlos');
    expect(cafe?.service_areas.map((area) => area.name)).toEqual(['Altstadt', 'Nord, am Hafen']);
    // One organisation, one id, however many offers it has.
    expect(new Set(catalogue.contents.slice(0, 2).map((service) => service.organization_id)).size).toBe(1);
  });

  it('gives the same ids on every export, and other ids in another municipality', () => {
    expect(offersToHsds(offers, MUNICIPALITY, references)).toEqual(catalogue);
    expect(offersToHsds(offers, 'andere-stadt', references).contents[0]?.id).not.toBe(catalogue.contents[0]?.id);
    // RFC 4122 test vector (DNS namespace, "www.example.com"): the ids are standard UUIDv5.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('reads back to exactly the exported offers, through JSON text', () => {
    const parsed = JSON.parse(JSON.stringify(catalogue)) as { contents: unknown[] };
    expect(readBack(parsed.contents)).toEqual({ problems: [], offers });
  });

  it('refuses a service whose id does not belong to its offer id, or another municipality’s file', () => {
    const edited = structuredClone(catalogue.contents);
    const cafe = edited[0]?.attributes.find((attribute) => attribute.taxonomy_term.code === 'offer-id');
    if (cafe) cafe.value = 'elterncafe-sued';
    expect(readBack(edited).problems).toEqual([
      expect.objectContaining({ row: 1, column: 'Kennung', problem: 'hsdsIdMismatch', value: catalogue.contents[0]?.id }),
    ]);
    const foreign = readBack(offersToHsds(offers, 'andere-stadt', references).contents);
    expect(foreign.problems.map((problem) => problem.problem)).toEqual(['hsdsIdMismatch', 'hsdsIdMismatch', 'hsdsIdMismatch']);
  });

  it('names what is missing when a service lacks a Lotse field, and refuses what is no service', () => {
    const bare = structuredClone(catalogue.contents[2]);
    if (bare) bare.attributes = bare.attributes.filter((attribute) => attribute.taxonomy_term.code !== 'age-phase');
    const { problems } = readBack([bare, { id: hsdsId(MUNICIPALITY, 'x', 'service') }]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 2, problem: 'notHsdsService' }),
        expect.objectContaining({ row: 2, column: 'Altersphasen', problem: 'chooseOne' }),
      ]),
    );
  });
});

describe('HSDS tabular data package', () => {
  const catalogue = offersToHsds(offers, MUNICIPALITY, references);
  const zip = hsdsPackageZip(catalogue, new Date('2026-12-07T12:00:00Z'));
  const files = unzipSync(zip);

  it('holds datapackage.json and one CSV per table, named as HSDS names them; every row validates', () => {
    const descriptor = JSON.parse(strFromU8(files['datapackage.json'] ?? new Uint8Array())) as {
      profile: string;
      resources: { name: string; path: string; schema: { fields: { name: string }[]; missingValues: string[] } }[];
    };
    expect(descriptor.profile).toBe('tabular-data-package');
    expect(Object.keys(files).sort()).toEqual(['datapackage.json', ...HSDS_TABLES.map((table) => table.path)].sort());
    for (const resource of descriptor.resources) {
      const schema = validator.schema(resource.name);
      expect(resource.schema.missingValues).toEqual([]);
      expect(resource.path).toBe(schema.path);
      const [header = [], ...rows] = csvToRows(strFromU8(files[resource.path] ?? new Uint8Array()));
      expect(header).toEqual(resource.schema.fields.map((field) => field.name));
      for (const column of header) expect(Object.keys(schema.properties)).toContain(column);
      for (const column of schema.tabular_required ?? []) expect(header).toContain(column);
      for (const cells of rows) {
        // missingValues is [] in the descriptor: an empty cell is an empty string, not a missing field.
        const row = Object.fromEntries(header.map((column, i) => [column, cells[i]]));
        expect(validator.errors(resource.name, row), `${resource.path}: ${JSON.stringify(row)}`).toEqual([]);
      }
    }
    expect(servicesToTables(catalogue.contents).service).toHaveLength(3);
  });

  it('writes a formula-like cell as text but a phone number unchanged', () => {
    const costs = strFromU8(files['cost_options.csv'] ?? new Uint8Array());
    expect(costs).toContain(",'=1+1");
    expect(strFromU8(files['phones.csv'] ?? new Uint8Array())).toContain(',+49 201 123456');
  });

  it('reads back to exactly the exported offers', () => {
    const services = hsdsPackageServices(zip);
    const { rows, problems } = servicesToRows(services, MUNICIPALITY, (index) => index + 2);
    expect(problems).toEqual([]);
    const read = readOfferRows(rows, references);
    expect(read.problems).toEqual([]);
    expect(read.offers.map(({ offer }) => offer)).toEqual(offers);
  });

  it('refuses a zip without services.csv and bytes that are no zip', () => {
    expect(() => hsdsPackageServices(zipSync({ 'readme.txt': strToU8('hallo') }))).toThrow(NotAnHsdsPackage);
    expect(() => hsdsPackageServices(strToU8('id,name\n1,a'))).toThrow(NotAnHsdsPackage);
  });
});
