// The coordinator's maintenance of the offer catalogue (Angebote): list,
// create, change, remove, and CSV import/export (a coordinator keeps the
// catalogue in a spreadsheet). Every change bumps the catalogue version the
// tablets pull (offer-service.ts), so it reaches them at their next sync.
// An import is all or nothing: one bad line → every line's errors, nothing stored.
import { neutraliseFormula, restoreFormulaCell } from './csv-cells';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Database, Queryable } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { managedOfferSchema, MAX_CSV_ROWS } from '@shared/referral-api';
import type { ManagedOffer, UpdateOfferRequest } from '@shared/referral-api';
import { ServiceError, defaultMessage, issuesFromZod } from './service-error';
import type { Issue } from './service-error';
import { audit } from './audit';
import { offerFields, type OfferRow } from './offer-service';

interface ManagedOfferRow extends OfferRow {
  partner_organisation_id: string | null;
}

/** The CSV columns, in order. Lists (agePhases, fields, districts, languages) are comma-separated in one cell. */
export const OFFER_CSV_COLUMNS = [
  'id',
  'name',
  'organisation',
  'type',
  'agePhases',
  'fields',
  'districts',
  'languages',
  'cost',
  'address',
  'phone',
  'hours',
  'whatToBring',
  'partnerOrganisationId',
] as const;
type CsvColumn = (typeof OFFER_CSV_COLUMNS)[number];
const LIST_COLUMNS: ReadonlySet<CsvColumn> = new Set(['agePhases', 'fields', 'districts', 'languages']);

const notFound = (): ServiceError => new ServiceError(404, 'notFound', defaultMessage('notFound'));

function fromRow(row: ManagedOfferRow): Record<keyof ManagedOffer, unknown> {
  return { ...offerFields(row), partnerOrganisationId: row.partner_organisation_id };
}

async function upsert(tx: Queryable, municipalityId: string, offer: ManagedOffer): Promise<boolean> {
  const [row] = await tx.query<{ created: boolean }>(
    `INSERT INTO offers (municipality_id, id, name, organisation, type, age_phases, fields, districts, languages,
                         cost, address, phone, hours, what_to_bring, partner_organisation_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8::text[], $9::text[], $10, $11, $12, $13, $14, $15, now())
     ON CONFLICT (municipality_id, id) DO UPDATE SET
       name = EXCLUDED.name, organisation = EXCLUDED.organisation, type = EXCLUDED.type,
       age_phases = EXCLUDED.age_phases, fields = EXCLUDED.fields, districts = EXCLUDED.districts,
       languages = EXCLUDED.languages, cost = EXCLUDED.cost, address = EXCLUDED.address, phone = EXCLUDED.phone,
       hours = EXCLUDED.hours, what_to_bring = EXCLUDED.what_to_bring,
       partner_organisation_id = EXCLUDED.partner_organisation_id, updated_at = now()
     RETURNING (xmax = 0) AS created`,
    [
      municipalityId,
      offer.id,
      offer.name,
      offer.organisation,
      offer.type,
      offer.agePhases,
      offer.fields,
      offer.districts,
      offer.languages,
      offer.cost,
      offer.address,
      offer.phone,
      offer.hours,
      offer.whatToBring,
      offer.partnerOrganisationId,
    ],
  );
  return row?.created === true;
}

export class OfferCatalogService {
  constructor(private readonly db: Database) {}

  async list(user: SessionUser): Promise<ManagedOffer[]> {
    const rows = await this.db.query<ManagedOfferRow>(
      `SELECT id, name, organisation, type, age_phases, fields, districts, languages, cost, address, phone, hours,
              what_to_bring, partner_organisation_id
         FROM offers WHERE municipality_id = $1 ORDER BY name COLLATE "C", id COLLATE "C"`,
      [user.municipalityId],
    );
    // A row the shared schema no longer accepts (say, a type since removed) is left out, as in the tablet's
    // pull, rather than failing the whole list; a CSV import with the same id replaces it.
    return rows.flatMap((row) => {
      const parsed = managedOfferSchema.safeParse(fromRow(row));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Organisations whose staff can confirm uptake (any organisation of the municipality of kind partner). */
  async partnerOrganisations(user: SessionUser): Promise<{ id: string; name: string; callbackKeys: number }[]> {
    // With how many active staff have a call-back key: the coordinator sees where a warm handover is possible.
    return this.db.query<{ id: string; name: string; callbackKeys: number }>(
      `SELECT o.id, o.name,
              (SELECT count(*)::int FROM partner_handover_keys k
                 JOIN staff_accounts s ON s.id = k.staff_id AND s.municipality_id = k.municipality_id
                WHERE k.municipality_id = o.municipality_id AND s.organisation_id = o.id AND s.active
                  AND 'partner' = ANY (s.roles)) AS "callbackKeys"
         FROM organisations o WHERE o.municipality_id = $1 AND o.kind = 'partner' ORDER BY o.name, o.id`,
      [user.municipalityId],
    );
  }

  async create(user: SessionUser, offer: ManagedOffer): Promise<ManagedOffer> {
    return this.db.transaction(async (tx) => {
      const existing = await tx.query('SELECT 1 FROM offers WHERE municipality_id = $1 AND id = $2', [user.municipalityId, offer.id]);
      if (existing.length > 0) {
        throw new ServiceError(409, 'conflict', 'An offer with this id exists already.', [{ path: 'id', message: 'offerExists' }]);
      }
      await this.checkReferences(tx, user.municipalityId, [offer], (issue) => issue);
      await upsert(tx, user.municipalityId, offer);
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'offer.created', objectId: offer.id });
      return offer;
    });
  }

  async update(user: SessionUser, offerId: string, changes: UpdateOfferRequest): Promise<ManagedOffer> {
    return this.db.transaction(async (tx) => {
      const existing = await tx.query('SELECT 1 FROM offers WHERE municipality_id = $1 AND id = $2 FOR UPDATE', [
        user.municipalityId,
        offerId,
      ]);
      if (existing.length === 0) throw notFound();
      const offer = { ...changes, id: offerId };
      await this.checkReferences(tx, user.municipalityId, [offer], (issue) => issue);
      await upsert(tx, user.municipalityId, offer);
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'offer.changed', objectId: offerId });
      return offer;
    });
  }

  /** Removes an offer nobody was referred to; one with referrals is kept for their partner and reports (409). */
  async remove(user: SessionUser, offerId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const existing = await tx.query('SELECT 1 FROM offers WHERE municipality_id = $1 AND id = $2 FOR UPDATE', [
        user.municipalityId,
        offerId,
      ]);
      if (existing.length === 0) throw notFound();
      const used = await tx.query('SELECT 1 FROM referrals WHERE municipality_id = $1 AND offer_id = $2 LIMIT 1', [
        user.municipalityId,
        offerId,
      ]);
      if (used.length > 0) {
        throw new ServiceError(409, 'conflict', 'Families were referred to this offer; change it instead of removing it.', [
          { path: 'offerId', message: 'offerHasReferrals' },
        ]);
      }
      await tx.query('DELETE FROM offers WHERE municipality_id = $1 AND id = $2', [user.municipalityId, offerId]);
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'offer.removed', objectId: offerId });
    });
  }

  /** The catalogue as CSV (semicolon-separated, UTF-8 with BOM, as spreadsheets open it). */
  async exportCsv(user: SessionUser): Promise<string> {
    const offers = await this.list(user);
    const body = stringify(
      offers.map((offer) =>
        OFFER_CSV_COLUMNS.map((column) => {
          const value = offer[column];
          // Names and texts are typed by coordinators: never let a spreadsheet run one as a formula.
          return neutraliseFormula(Array.isArray(value) ? value.join(',') : (value ?? ''));
        }),
      ),
      { header: true, columns: [...OFFER_CSV_COLUMNS], delimiter: ';' },
    );
    return `\uFEFF${body}`;
  }

  /**
   * Creates or replaces the offers of the CSV (offers not in the file stay).
   * All or nothing: any error → 400 with every error's line and column, nothing stored.
   */
  async importCsv(user: SessionUser, csv: string): Promise<{ created: number; updated: number }> {
    const { offers, issues } = parseOfferCsv(csv);
    return this.db.transaction(async (tx) => {
      if (issues.length === 0) {
        await this.checkReferences(
          tx,
          user.municipalityId,
          offers.map((o) => o.offer),
          (issue, index) => ({
            path: `line.${offers[index]?.line ?? 0}.${issue.path}`,
            message: issue.message,
          }),
        );
      }
      if (issues.length > 0) {
        throw new ServiceError(400, 'invalidRequest', 'The CSV file has errors; nothing was imported.', issues.slice(0, 50));
      }
      let created = 0;
      for (const { offer } of offers) {
        if (await upsert(tx, user.municipalityId, offer)) created++;
      }
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'offer.imported', objectId: null });
      return { created, updated: offers.length - created };
    });
  }

  /** Districts and partner organisations must be the municipality's own: 400 with every unknown one. */
  private async checkReferences(
    tx: Queryable,
    municipalityId: string,
    offers: readonly ManagedOffer[],
    locate: (issue: Issue, index: number) => Issue,
  ): Promise<void> {
    const districts = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM districts WHERE municipality_id = $1', [municipalityId])).map((r) => r.id),
    );
    const organisations = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM organisations WHERE municipality_id = $1', [municipalityId])).map((r) => r.id),
    );
    const issues: Issue[] = [];
    for (const [index, offer] of offers.entries()) {
      if (offer.districts.some((district) => !districts.has(district))) {
        issues.push(locate({ path: 'districts', message: 'unknownDistrict' }, index));
      }
      if (offer.partnerOrganisationId !== null && !organisations.has(offer.partnerOrganisationId)) {
        issues.push(locate({ path: 'partnerOrganisationId', message: 'unknownOrganisation' }, index));
      }
    }
    if (issues.length > 0) throw new ServiceError(400, 'invalidRequest', 'Unknown district or organisation.', issues.slice(0, 50));
  }
}

interface ParsedCsv {
  offers: { line: number; offer: ManagedOffer }[];
  /** Paths `line.<n>.<column>` (or `line.<n>` for a whole line); messages never echo cell values. */
  issues: Issue[];
}

/** Parses and validates a catalogue CSV (semicolon or comma separated, detected from the header). */
export function parseOfferCsv(csv: string): ParsedCsv {
  const text = csv.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    const line = typeof error === 'object' && error !== null && 'lines' in error && typeof error.lines === 'number' ? error.lines : 0;
    return { offers: [], issues: [{ path: `line.${line}`, message: 'malformedCsv' }] };
  }
  const [header, ...rows] = records;
  if (!header) return { offers: [], issues: [{ path: 'line.1', message: 'emptyCsv' }] };
  const columns = header.record.map((name) => name.trim());
  const missing = OFFER_CSV_COLUMNS.filter((column) => column !== 'partnerOrganisationId' && !columns.includes(column));
  const unknown = columns.filter((column) => !(OFFER_CSV_COLUMNS as readonly string[]).includes(column));
  if (missing.length > 0 || unknown.length > 0) {
    return {
      offers: [],
      issues: [
        ...missing.map((column) => ({ path: `line.1.${column}`, message: 'missingColumn' })),
        ...unknown.map(() => ({ path: 'line.1', message: 'unknownColumn' })),
      ],
    };
  }
  if (rows.length > MAX_CSV_ROWS) return { offers: [], issues: [{ path: 'line', message: 'tooManyLines' }] };
  const offers: ParsedCsv['offers'] = [];
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    if (record.length !== columns.length) {
      issues.push({ path: `line.${line}`, message: 'wrongColumnCount' });
      continue;
    }
    const raw: Record<string, unknown> = {};
    for (const [index, column] of columns.entries()) {
      const cell = restoreFormulaCell(record[index] ?? '');
      if (LIST_COLUMNS.has(column as CsvColumn)) {
        raw[column] =
          cell === ''
            ? []
            : cell
                .split(',')
                .map((part) => part.trim())
                .filter((part) => part !== '');
      } else if (column === 'partnerOrganisationId') {
        raw[column] = cell === '' ? null : cell;
      } else {
        raw[column] = cell;
      }
    }
    raw['partnerOrganisationId'] ??= null;
    const parsed = managedOfferSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...issuesFromZod(parsed.error.issues, `line.${line}`));
      continue;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      issues.push({ path: `line.${line}.id`, message: 'duplicateOfferId' });
      continue;
    }
    seen.set(parsed.data.id, line);
    offers.push({ line, offer: parsed.data });
  }
  return { offers, issues };
}
