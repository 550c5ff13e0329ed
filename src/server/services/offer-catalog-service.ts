// The coordinator's maintenance of the offer catalogue (Angebote): list,
// create, change, remove, and file import/export — CSV and .xlsx (a coordinator
// keeps the catalogue in a spreadsheet) and Open Referral HSDS 3.1 (docs/HSDS.md).
// Every change bumps the catalogue version the tablets pull (offer-service.ts),
// so it reaches them at their next sync.
// A file import is previewed first (what is new, changed, removed — nothing
// written), then confirmed against the catalogue the preview was made of; it is
// all or nothing: one problem in the file → every problem listed, nothing stored.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { MAX_CSV_ROWS, OFFER_FILE_COLUMNS, managedOfferSchema } from '@shared/referral-api';
import { compactTranslations } from '@shared/offers';
import type {
  ManagedOffer,
  OfferFile,
  OfferChangeColumn,
  OfferFileColumn,
  OfferFileExport,
  OfferFileFormat,
  OfferFileProblem,
  OfferImportPreview,
  UpdateOfferRequest,
} from '@shared/referral-api';
import { ServiceError, defaultMessage } from './service-error';
import type { Issue } from './service-error';
import { audit } from './audit';
import { OFFER_COLUMNS, offerFields, type OfferRow } from './offer-service';
import { CAPACITY_COLUMNS, capacityOf, type CapacityColumns } from './offer-capacity-service';
import type { OfferCapacity } from '@shared/offer-capacity';
import {
  columnOf,
  keepAbsentTexts,
  offerFileHeaderRow,
  offerToCells,
  readOfferRows,
  translationColumnOf,
  type OfferFileReferences,
} from './offer-file-format';
import { UnreadableOfferFile, csvToRows, rowsToCsv, rowsToXlsx, xlsxToRows } from './offer-file-io';
import { hsdsCatalogueReadSchema, offersToHsds, servicesToRows } from './offer-hsds';
import { NotAnHsdsPackage, hsdsPackageServices, hsdsPackageZip } from './offer-hsds-package';

interface ManagedOfferRow extends OfferRow {
  partner_organisation_id: string | null;
}

const notFound = (): ServiceError => new ServiceError(404, 'notFound', defaultMessage('notFound'));

function fromRow(row: ManagedOfferRow): Record<keyof ManagedOffer, unknown> {
  return { ...offerFields(row), partnerOrganisationId: row.partner_organisation_id };
}

async function upsert(tx: Queryable, municipalityId: string, offer: ManagedOffer): Promise<boolean> {
  const [row] = await tx.query<{ created: boolean }>(
    `INSERT INTO offers (municipality_id, id, name, organisation, type, age_phases, fields, districts, languages,
                         cost, address, phone, hours, what_to_bring, partner_organisation_id, directions, translations,
                         updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8::text[], $9::text[], $10, $11, $12, $13, $14, $15, $16,
             $17::jsonb, now())
     ON CONFLICT (municipality_id, id) DO UPDATE SET
       name = EXCLUDED.name, organisation = EXCLUDED.organisation, type = EXCLUDED.type,
       age_phases = EXCLUDED.age_phases, fields = EXCLUDED.fields, districts = EXCLUDED.districts,
       languages = EXCLUDED.languages, cost = EXCLUDED.cost, address = EXCLUDED.address, phone = EXCLUDED.phone,
       hours = EXCLUDED.hours, what_to_bring = EXCLUDED.what_to_bring,
       partner_organisation_id = EXCLUDED.partner_organisation_id, directions = EXCLUDED.directions,
       translations = EXCLUDED.translations, updated_at = now()
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
      offer.directions ?? '',
      JSON.stringify(compactTranslations(offer.translations)),
    ],
  );
  return row?.created === true;
}

export class OfferCatalogService {
  constructor(private readonly db: Database) {}

  /** The partners' free places, per offer that has them (set by the partner, shown to the coordinator). */
  async capacities(user: SessionUser): Promise<{ offerId: string; capacity: OfferCapacity }[]> {
    const rows = await this.db.query<CapacityColumns & { id: string }>(
      `SELECT id, ${CAPACITY_COLUMNS} FROM offers WHERE municipality_id = $1 AND capacity_set_at IS NOT NULL ORDER BY id COLLATE "C"`,
      [user.municipalityId],
    );
    return rows.flatMap((row) => {
      const capacity = capacityOf(row);
      return capacity === null ? [] : [{ offerId: row.id, capacity }];
    });
  }

  async list(user: SessionUser): Promise<ManagedOffer[]> {
    const rows = await this.db.query<ManagedOfferRow>(
      `SELECT ${OFFER_COLUMNS}, partner_organisation_id
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

  /**
   * The catalogue as a file: for a spreadsheet (German headers and values, CSV as text or .xlsx as base64) or
   * for other systems as Open Referral HSDS 3.1 (JSON as text, the tabular data package as a base64 .zip).
   * Offers only: partner keys and staff accounts are not part of any export.
   */
  async exportFile(user: SessionUser, format: OfferFileFormat): Promise<OfferFileExport> {
    const offers = await this.list(user);
    const references = await loadReferences(this.db, user.municipalityId);
    if (format === 'hsdsJson' || format === 'hsdsZip') {
      const capacities = new Map((await this.capacities(user)).map((entry) => [entry.offerId, entry.capacity]));
      const catalogue = offersToHsds(offers, user.municipalityId, references, capacities);
      // Compact, not indented: a large catalogue's JSON stays a third smaller (machines read it, docs/HSDS.md).
      if (format === 'hsdsJson') return { fileName: 'angebote-hsds.json', format, content: JSON.stringify(catalogue) };
      const zip = hsdsPackageZip(catalogue, new Date());
      return { fileName: 'angebote-hsds.zip', format, content: Buffer.from(zip).toString('base64') };
    }
    const rows = [offerFileHeaderRow(), ...offers.map((offer) => offerToCells(offer, references))];
    if (format === 'csv') return { fileName: 'angebote.csv', format, content: rowsToCsv(rows) };
    return { fileName: 'angebote.xlsx', format, content: (await rowsToXlsx(rows)).toString('base64') };
  }

  /** What importing the file would change; nothing is written. */
  async previewImport(user: SessionUser, file: OfferFile): Promise<OfferImportPreview> {
    const rows = await fileRows(file, user.municipalityId);
    const plan = await planImport(this.db, user.municipalityId, rows);
    const named = (offer: ManagedOffer) => ({ id: offer.id, name: offer.name });
    return {
      problems: plan.problems.slice(0, MAX_LISTED_PROBLEMS),
      moreProblems: plan.problems.length > MAX_LISTED_PROBLEMS,
      baseVersion: plan.baseVersion,
      created: plan.created.map(named),
      changed: plan.changed.map(({ offer, columns }) => ({ ...named(offer), columns })),
      removed: plan.removed.map(named),
      kept: plan.kept.map(named),
      unchanged: plan.unchanged,
    };
  }

  /**
   * Applies a previewed file: creates the new offers, rewrites the changed ones, removes those not in the
   * file (but keeps any families were referred to). 409 when the catalogue changed since the preview
   * (`baseVersion`), 400 with every problem (row and column, no values) when the file has any.
   */
  async importFile(
    user: SessionUser,
    file: OfferFile,
    baseVersion: string,
  ): Promise<{ created: number; changed: number; removed: number }> {
    const rows = await fileRows(file, user.municipalityId);
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM offers WHERE municipality_id = $1 FOR UPDATE', [user.municipalityId]);
      const plan = await planImport(tx, user.municipalityId, rows);
      if (plan.problems.length > 0) {
        throw new ServiceError(
          400,
          'invalidRequest',
          'The file has errors; nothing was imported.',
          // An error never echoes what was sent: the column by its code (an unknown header not at all), no value.
          plan.problems.slice(0, 50).map((p) => {
            const translation = p.column === null ? undefined : translationColumnOf(p.column);
            const column =
              p.column === null
                ? undefined
                : (columnOf(p.column) ?? (translation && `translations.${translation.language}.${translation.field}`));
            return { path: `row.${p.row}${column === undefined ? '' : `.${column}`}`, message: p.problem };
          }),
        );
      }
      if (plan.baseVersion !== baseVersion) {
        throw new ServiceError(409, 'conflict', 'The catalogue changed since the preview; preview the file again.', [
          { path: 'baseVersion', message: 'catalogueChanged' },
        ]);
      }
      for (const offer of [...plan.created, ...plan.changed.map((c) => c.offer)]) await upsert(tx, user.municipalityId, offer);
      for (const offer of plan.removed) {
        await tx.query('DELETE FROM offers WHERE municipality_id = $1 AND id = $2', [user.municipalityId, offer.id]);
      }
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'offer.imported', objectId: null });
      return { created: plan.created.length, changed: plan.changed.length, removed: plan.removed.length };
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

const MAX_LISTED_PROBLEMS = 100;

async function loadReferences(db: Queryable, municipalityId: string): Promise<OfferFileReferences> {
  const [districts, organisations] = await Promise.all([
    db.query<{ id: string; label: string }>('SELECT id, label FROM districts WHERE municipality_id = $1 ORDER BY sort_order, id', [
      municipalityId,
    ]),
    db.query<{ id: string; name: string; kind: string }>(
      'SELECT id, name, kind FROM organisations WHERE municipality_id = $1 ORDER BY name, id',
      [municipalityId],
    ),
  ]);
  return { districts, organisations };
}

/**
 * The file's cells and, for HSDS, what only HSDS can get wrong; `rowOf` turns the reader's row numbers
 * (header = 1) into what the coordinator finds in the file: a spreadsheet's row, an HSDS JSON service's
 * position in `contents`, a line of services.csv. A file that is no table at all is one problem (400).
 */
interface FileCells {
  rows: string[][];
  problems: OfferFileProblem[];
  rowOf: (readerRow: number) => number;
}
const wholeFileProblem = (row: number, problem: OfferFileProblem['problem'], max: number | null = null): OfferFileProblem => ({
  row,
  column: null,
  value: null,
  allowed: null,
  max,
  problem,
});

async function fileRows(file: OfferFile, municipalityId: string): Promise<FileCells | OfferFileProblem> {
  const spreadsheet = (rows: string[][]): FileCells => ({ rows, problems: [], rowOf: (row) => row });
  try {
    switch (file.format) {
      case 'csv':
        return spreadsheet(csvToRows(file.text));
      case 'xlsx':
        return spreadsheet(await xlsxToRows(Buffer.from(file.base64, 'base64')));
      case 'hsdsJson': {
        let json: unknown;
        try {
          json = JSON.parse(file.text);
        } catch {
          return wholeFileProblem(0, 'notHsds');
        }
        // A page of services (Lotse's export, HSDS's GET /services) or a bare array of services.
        const parsed = Array.isArray(json) ? { success: true as const, data: { contents: json } } : hsdsCatalogueReadSchema.safeParse(json);
        if (!parsed.success) return wholeFileProblem(0, 'notHsds');
        if (parsed.data.contents.length > MAX_CSV_ROWS) return wholeFileProblem(0, 'tooManyRows', MAX_CSV_ROWS);
        const { rows, problems } = servicesToRows(parsed.data.contents, municipalityId, (index) => index + 1);
        return { rows, problems, rowOf: (row) => row - 1 };
      }
      case 'hsdsZip': {
        const services = hsdsPackageServices(Buffer.from(file.base64, 'base64'));
        if (services.length > MAX_CSV_ROWS) return wholeFileProblem(1, 'tooManyRows', MAX_CSV_ROWS);
        const { rows, problems } = servicesToRows(services, municipalityId, (index) => index + 2);
        return { rows, problems, rowOf: (row) => row };
      }
    }
  } catch (error) {
    if (error instanceof NotAnHsdsPackage) return wholeFileProblem(0, 'notHsds');
    if (!(error instanceof UnreadableOfferFile)) throw error;
    return wholeFileProblem(error.row, 'unreadableFile');
  }
}

/** Lists are sets: the same values in another order are no change; no directions is an empty text. */
function sameValue(a: ManagedOffer[OfferFileColumn], b: ManagedOffer[OfferFileColumn]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
  return (a ?? '') === (b ?? '');
}
/** The texts in other languages, compared text by text (no language, or an empty one, is the same as none). */
function sameTranslations(a: ManagedOffer['translations'], b: ManagedOffer['translations']): boolean {
  const texts = (translations: ManagedOffer['translations']) =>
    JSON.stringify(
      Object.entries(compactTranslations(translations))
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([language, fields]) => [language, Object.entries(fields).sort(([x], [y]) => x.localeCompare(y))]),
    );
  return texts(a) === texts(b);
}

interface ImportPlan {
  problems: OfferFileProblem[];
  baseVersion: string;
  created: ManagedOffer[];
  changed: { offer: ManagedOffer; columns: OfferChangeColumn[] }[];
  removed: ManagedOffer[];
  kept: ManagedOffer[];
  unchanged: number;
}

/** The file against the catalogue as it is now: every problem, or what would be new, changed and removed. */
async function planImport(db: Queryable, municipalityId: string, file: FileCells | OfferFileProblem): Promise<ImportPlan> {
  const rowsOfCurrent = await db.query<ManagedOfferRow>(
    `SELECT ${OFFER_COLUMNS}, partner_organisation_id
       FROM offers WHERE municipality_id = $1 ORDER BY id COLLATE "C"`,
    [municipalityId],
  );
  const current = rowsOfCurrent.flatMap((row) => {
    const parsed = managedOfferSchema.safeParse(fromRow(row));
    return parsed.success ? [parsed.data] : [];
  });
  const baseVersion = createHash('sha256').update(JSON.stringify(rowsOfCurrent)).digest('hex').slice(0, 32);
  const empty: ImportPlan = { problems: [], baseVersion, created: [], changed: [], removed: [], kept: [], unchanged: 0 };
  if (!('rows' in file)) return { ...empty, problems: [file] };
  const read = readOfferRows(file.rows, await loadReferences(db, municipalityId));
  const problems = [...file.problems, ...read.problems.map((p) => ({ ...p, row: file.rowOf(p.row) }))].sort((a, b) => a.row - b.row);
  if (problems.length > 0) return { ...empty, problems };
  const byId = new Map(current.map((offer) => [offer.id, offer]));
  // Texts of columns the file does not have (an older file, HSDS) stay as stored.
  const offers = read.offers.map(({ offer }) => keepAbsentTexts(offer, byId.get(offer.id), read.absent));
  const plan: ImportPlan = empty;
  for (const offer of offers) {
    const existing = byId.get(offer.id);
    if (existing === undefined) {
      // A stored row the schema no longer reads (a type since removed) is replaced: it counts as changed.
      if (rowsOfCurrent.some((row) => row.id === offer.id)) plan.changed.push({ offer, columns: [...OFFER_FILE_COLUMNS, 'translations'] });
      else plan.created.push(offer);
      continue;
    }
    const columns: OfferChangeColumn[] = OFFER_FILE_COLUMNS.filter((column) => !sameValue(existing[column], offer[column]));
    if (!sameTranslations(existing.translations, offer.translations)) columns.push('translations');
    if (columns.length > 0) plan.changed.push({ offer, columns });
    else plan.unchanged++;
  }
  const inFile = new Set(offers.map((offer) => offer.id));
  const missing = current.filter((offer) => !inFile.has(offer.id));
  if (missing.length > 0) {
    const referred = new Set(
      (
        await db.query<{ offer_id: string }>(
          'SELECT DISTINCT offer_id FROM referrals WHERE municipality_id = $1 AND offer_id = ANY ($2::text[])',
          [municipalityId, missing.map((offer) => offer.id)],
        )
      ).map((row) => row.offer_id),
    );
    for (const offer of missing) (referred.has(offer.id) ? plan.kept : plan.removed).push(offer);
  }
  return plan;
}
