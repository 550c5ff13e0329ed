// The HSDS tabular data package: the same services as the HSDS JSON, flattened into one CSV per
// HSDS table plus a datapackage.json (Frictionless Data) describing them, delivered as one .zip.
// Read back by joining the tables on their ids into the nested services the JSON reader takes.
// CSV cells that a spreadsheet would run as a formula get a leading apostrophe as in every CSV
// Lotse writes — except phone-number-like cells ("+49 201 …"), which no spreadsheet runs as code
// and which other HSDS readers must get unchanged.
import { stringify } from 'csv-stringify/sync';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { neutraliseFormula } from './csv-cells';
import { csvToRows, zipWithinLimits } from './offer-file-io';
import { lotseTaxonomy, type HsdsCatalogue, type HsdsService } from './offer-hsds';

/** The tables written, in HSDS's order, with the columns Lotse fills (every other HSDS column would stay empty). */
export const HSDS_TABLES = [
  { name: 'organization', path: 'organizations.csv', fields: ['id', 'name', 'description'] },
  { name: 'service', path: 'services.csv', fields: ['id', 'organization_id', 'name', 'description', 'status'] },
  {
    name: 'attribute',
    path: 'attributes.csv',
    fields: ['id', 'link_id', 'link_type', 'link_entity', 'taxonomy_term_id', 'value', 'label'],
  },
  { name: 'service_at_location', path: 'service_at_location.csv', fields: ['id', 'service_id', 'location_id'] },
  { name: 'location', path: 'locations.csv', fields: ['id', 'location_type', 'organization_id', 'name'] },
  { name: 'phone', path: 'phones.csv', fields: ['id', 'service_id', 'number'] },
  {
    name: 'address',
    path: 'addresses.csv',
    fields: ['id', 'location_id', 'address_1', 'city', 'state_province', 'postal_code', 'country', 'address_type'],
  },
  { name: 'schedule', path: 'schedules.csv', fields: ['id', 'service_id', 'description'] },
  { name: 'service_area', path: 'service_areas.csv', fields: ['id', 'service_id', 'name', 'uri'] },
  { name: 'language', path: 'languages.csv', fields: ['id', 'service_id', 'name', 'code'] },
  {
    name: 'taxonomy_term',
    path: 'taxonomy_terms.csv',
    fields: ['id', 'code', 'name', 'description', 'taxonomy', 'taxonomy_id', 'language'],
  },
  { name: 'cost_option', path: 'cost_options.csv', fields: ['id', 'service_id', 'amount_description'] },
  { name: 'required_document', path: 'required_documents.csv', fields: ['id', 'service_id', 'document'] },
  { name: 'taxonomy', path: 'taxonomies.csv', fields: ['id', 'name', 'description', 'version'] },
] as const;
type TableName = (typeof HSDS_TABLES)[number]['name'];
type Row = Record<string, string>;

const PHONE_LIKE = /^[+-][\d\s/().-]*$/;
const packageCell = (cell: string): string => (PHONE_LIKE.test(cell) ? cell : neutraliseFormula(cell));

/** The nested services as HSDS tables (each row keyed by column). */
export function servicesToTables(services: readonly HsdsService[]): Record<TableName, Row[]> {
  const tables = Object.fromEntries(HSDS_TABLES.map((table) => [table.name, [] as Row[]])) as Record<TableName, Row[]>;
  const seen = new Set<string>();
  const add = (table: TableName, row: object) => {
    const cells = row as Record<string, unknown>;
    const key = `${table}/${String(cells.id)}`;
    if (seen.has(key)) return;
    seen.add(key);
    tables[table].push(Object.fromEntries(Object.entries(cells).filter(([, value]) => typeof value === 'string')) as Row);
  };
  add('taxonomy', lotseTaxonomy());
  for (const service of services) {
    add('organization', service.organization);
    add('service', service);
    for (const attribute of service.attributes) {
      add('attribute', attribute);
      add('taxonomy_term', attribute.taxonomy_term);
    }
    for (const at of service.service_at_locations) {
      add('service_at_location', at);
      add('location', at.location);
      for (const address of at.location.addresses) add('address', address);
    }
    for (const phone of service.phones) add('phone', phone);
    for (const schedule of service.schedules) add('schedule', schedule);
    for (const area of service.service_areas) add('service_area', area);
    for (const language of service.languages) add('language', language);
    for (const cost of service.cost_options) add('cost_option', cost);
    for (const document of service.required_documents) add('required_document', document);
  }
  return tables;
}

export function datapackageDescriptor(created: string): object {
  return {
    profile: 'tabular-data-package',
    name: 'lotse-angebotskatalog',
    title: 'Angebotskatalog (Lotse) im Human Services Data Specification (HSDS) 3.1',
    created,
    sources: [{ title: 'Human Services Data Specification: an Open Referral resource', path: 'https://openreferral.org/' }],
    resources: HSDS_TABLES.map((table) => ({
      name: table.name,
      path: table.path,
      profile: 'tabular-data-resource',
      format: 'csv',
      mediatype: 'text/csv',
      encoding: 'utf-8',
      schema: {
        fields: table.fields.map((field) => ({
          name: field,
          type: 'string',
          ...(field === 'id' || field.endsWith('_id') ? { format: 'uuid' } : {}),
        })),
        primaryKey: ['id'],
        // An empty cell is an empty text, as in the JSON (state_province is required but Lotse does not know it).
        missingValues: [],
      },
    })),
  };
}

/** The tabular data package as one .zip: datapackage.json and one CSV per table (header row even when empty). */
export function hsdsPackageZip(catalogue: HsdsCatalogue, created: Date): Uint8Array {
  const tables = servicesToTables(catalogue.contents);
  const files: Record<string, Uint8Array> = {
    'datapackage.json': strToU8(`${JSON.stringify(datapackageDescriptor(created.toISOString()), null, 2)}\n`),
  };
  for (const table of HSDS_TABLES) {
    const rows = tables[table.name].map((row) => table.fields.map((field) => packageCell(row[field] ?? '')));
    files[table.path] = strToU8(stringify([[...table.fields], ...rows], { record_delimiter: 'windows' }));
  }
  return zipSync(files, { level: 6 });
}

/** A .zip that is no HSDS package Lotse can read (no services.csv, a broken zip, a zip bomb). */
export class NotAnHsdsPackage extends Error {
  override readonly name = 'NotAnHsdsPackage';
  constructor() {
    super('The file is no HSDS tabular data package.');
  }
}

function tableRows(files: Record<string, Uint8Array>, path: string): Row[] {
  const file = files[path];
  if (file === undefined) return [];
  const [header = [], ...rows] = csvToRows(strFromU8(file));
  return rows
    .filter((cells) => cells.some((cell) => cell !== ''))
    .map((cells) => Object.fromEntries(header.map((h, i) => [h.trim(), cells[i] ?? ''])));
}

/** The package's tables joined back into nested services, in the order of services.csv. */
export function hsdsPackageServices(zip: Uint8Array): Record<string, unknown>[] {
  const buffer = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  if (!zipWithinLimits(buffer)) throw new NotAnHsdsPackage();
  const wanted = new Set<string>(HSDS_TABLES.map((table) => table.path));
  let files: Record<string, Uint8Array>;
  let tables: Record<TableName, Row[]>;
  try {
    // Tables may sit in a folder of the zip (a package unpacked and zipped again by hand).
    const unpacked = unzipSync(zip, { filter: (file) => wanted.has(file.name.split('/').pop() ?? '') });
    files = Object.fromEntries(Object.entries(unpacked).map(([name, data]) => [name.split('/').pop() ?? name, data]));
    if (files['services.csv'] === undefined) throw new NotAnHsdsPackage();
    tables = Object.fromEntries(HSDS_TABLES.map((table) => [table.name, tableRows(files, table.path)])) as Record<TableName, Row[]>;
  } catch {
    // Broken zip data (fflate throws plain errors), an unreadable CSV or no services.csv: all the same to the coordinator.
    throw new NotAnHsdsPackage();
  }
  const byKey = (table: TableName, key: string) => {
    const map = new Map<string, Row[]>();
    for (const row of tables[table]) {
      const list = map.get(row[key] ?? '');
      if (list === undefined) map.set(row[key] ?? '', [row]);
      else list.push(row);
    }
    return (id: string) => map.get(id) ?? [];
  };
  const organisations = new Map(tables.organization.map((row) => [row.id ?? '', row]));
  const terms = new Map(tables.taxonomy_term.map((row) => [row.id ?? '', row]));
  const locations = new Map(tables.location.map((row) => [row.id ?? '', row]));
  const attributesOf = byKey('attribute', 'link_id');
  const addressesOf = byKey('address', 'location_id');
  const ofService = (table: TableName) => byKey(table, 'service_id');
  const atLocations = ofService('service_at_location');
  const phones = ofService('phone');
  const schedules = ofService('schedule');
  const areas = ofService('service_area');
  const languages = ofService('language');
  const costs = ofService('cost_option');
  const documents = ofService('required_document');
  return tables.service.map((service) => {
    const id = service.id ?? '';
    const organisation = organisations.get(service.organization_id ?? '');
    return {
      ...service,
      ...(organisation === undefined ? {} : { organization: organisation }),
      attributes: attributesOf(id)
        .filter((attribute) => (attribute.link_entity ?? 'service') === 'service')
        .map((attribute) => {
          const term = terms.get(attribute.taxonomy_term_id ?? '');
          return term === undefined ? attribute : { ...attribute, taxonomy_term: term };
        }),
      service_at_locations: atLocations(id).map((at) => {
        const location = locations.get(at.location_id ?? '');
        return location === undefined ? at : { ...at, location: { ...location, addresses: addressesOf(location.id ?? '') } };
      }),
      phones: phones(id),
      schedules: schedules(id),
      service_areas: areas(id),
      languages: languages(id),
      cost_options: costs(id),
      required_documents: documents(id),
    };
  });
}
