// The catalogue file a coordinator keeps in a spreadsheet (CSV or .xlsx): German
// column headers and German list values, as the offer form names them. The
// English codes of the first file format (headers such as `agePhases`, values
// such as `baby`) are still read. A problem names the row as the spreadsheet
// numbers it, the column as its header reads in the file, the value found and
// the values allowed there. Pure: the file's cells in, offers and problems out.
import {
  AGE_PHASES,
  OFFER_FAMILY_TEXT_FIELDS,
  OFFER_FAMILY_TEXT_MAX,
  OFFER_FIELDS,
  OFFER_TRANSLATION_LANGUAGES,
  OFFER_TYPES,
  compactTranslations,
  offerSchema,
} from '@shared/offers';
import type { OfferFamilyTextField, OfferTranslationLanguage, OfferTranslations } from '@shared/offers';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS } from '@shared/languages';
import { MAX_CSV_ROWS, OFFER_FILE_COLUMNS, managedOfferSchema } from '@shared/referral-api';
import type { ManagedOffer, OfferFileColumn, OfferFileProblem } from '@shared/referral-api';

/** The German headers, in file order (the labels of the office's offer form). */
export const OFFER_FILE_HEADERS: Readonly<Record<OfferFileColumn, string>> = {
  id: 'Kennung',
  name: 'Name des Angebots',
  organisation: 'Träger',
  type: 'Art des Angebots',
  agePhases: 'Altersphasen',
  fields: 'Bereiche',
  districts: 'Stadtteile',
  languages: 'Sprachen',
  cost: 'Kosten',
  address: 'Adresse',
  phone: 'Telefon',
  hours: 'Sprechzeiten',
  whatToBring: 'Bitte mitbringen',
  partnerOrganisationId: 'Partnerorganisation',
  directions: 'Anfahrt',
};

export const OFFER_TYPE_LABELS: Readonly<Record<(typeof OFFER_TYPES)[number], string>> = {
  familienhebamme: 'Familienhebamme',
  schwangerschaftsberatung: 'Schwangerschaftsberatung',
  erziehungsberatung: 'Erziehungsberatung',
  fruehfoerderstelle: 'Frühförderstelle',
  spz: 'Sozialpädiatrisches Zentrum',
  familienbildung: 'Familienbildung',
  elterncafe: 'Elterncafé / Babyclub',
  kitaPlatzVermittlung: 'Kita-Platz-Vermittlung',
  asd: 'Allgemeiner Sozialer Dienst',
  migrationsdienst: 'Migrationsdienst',
  schuldnerberatung: 'Schuldnerberatung',
  kinderarzt: 'Kinderärztin / Kinderarzt',
  gesundheitsamt: 'Gesundheitsamt',
  jobcenter: 'Jobcenter',
};
export const AGE_PHASE_LABELS: Readonly<Record<(typeof AGE_PHASES)[number], string>> = {
  pregnancy: 'Schwangerschaft',
  baby: 'Baby',
  toddler: 'Kleinkind',
  kita: 'Kita-Alter',
  school: 'Schulalter',
};
export const OFFER_FIELD_LABELS: Readonly<Record<(typeof OFFER_FIELDS)[number], string>> = {
  health: 'Gesundheit',
  youthWelfare: 'Jugendhilfe',
  education: 'Bildung',
  social: 'Soziales',
};
export const LANGUAGE_LABELS: Readonly<Record<(typeof FAMILY_LANGUAGES)[number], string>> = {
  de: 'Deutsch',
  en: 'Englisch',
  ar: 'Arabisch',
  fa: 'Persisch',
  ru: 'Russisch',
  pl: 'Polnisch',
  fr: 'Französisch',
  tr: 'Türkisch',
  uk: 'Ukrainisch',
};

/** A column with one family text in another language, e.g. "Sprechzeiten (Arabisch)". */
export interface TranslationColumn {
  language: OfferTranslationLanguage;
  field: OfferFamilyTextField;
}
/** The translation columns in file order: per language, its four texts (after the German columns). */
export const TRANSLATION_COLUMNS: readonly TranslationColumn[] = OFFER_TRANSLATION_LANGUAGES.flatMap((language) =>
  OFFER_FAMILY_TEXT_FIELDS.map((field) => ({ language, field })),
);
export const translationHeader = ({ language, field }: TranslationColumn): string =>
  `${OFFER_FILE_HEADERS[field]} (${LANGUAGE_LABELS[language]})`;
const translationKey = ({ language, field }: TranslationColumn): string => `${language}.${field}`;

/**
 * Which translation column a header names: "<German header> (<language>)", the language by its German
 * name, its code or its own name ("Sprechzeiten (Arabisch)", "Sprechzeiten (ar)", "Sprechzeiten (العربية)").
 */
export function translationColumnOf(header: string): TranslationColumn | undefined {
  const match = /^(.+?)\s*\((.+)\)$/u.exec(header.trim());
  if (match === null) return undefined;
  const field = OFFER_FAMILY_TEXT_FIELDS.find(
    (candidate) =>
      normalise(OFFER_FILE_HEADERS[candidate]) === normalise(match[1] ?? '') || normalise(candidate) === normalise(match[1] ?? ''),
  );
  const wanted = normalise(match[2] ?? '');
  const language = OFFER_TRANSLATION_LANGUAGES.find(
    (code) => code === wanted || normalise(LANGUAGE_LABELS[code]) === wanted || normalise(LANGUAGE_AUTONYMS[code]) === wanted,
  );
  return field === undefined || language === undefined ? undefined : { language, field };
}

/** The municipality's districts and organisations: the file names them, the catalogue stores their ids. */
export interface OfferFileReferences {
  districts: readonly { id: string; label: string }[];
  organisations: readonly { id: string; name: string; kind: string }[];
}

type CellKind =
  | { kind: 'id' }
  | { kind: 'text'; required: boolean; max: number }
  | { kind: 'choice'; labels: Readonly<Record<string, string>> }
  | { kind: 'choices'; labels: Readonly<Record<string, string>>; extra?: Readonly<Record<string, string>> }
  | { kind: 'districts' }
  | { kind: 'organisation' };

const shape = offerSchema.shape;
const textCell = (max: number | null, required: boolean): CellKind => ({ kind: 'text', required, max: max ?? 160 });
const CELLS: Readonly<Record<OfferFileColumn, CellKind>> = {
  id: { kind: 'id' },
  name: textCell(shape.name.maxLength, true),
  organisation: textCell(shape.organisation.maxLength, true),
  type: { kind: 'choice', labels: OFFER_TYPE_LABELS },
  agePhases: { kind: 'choices', labels: AGE_PHASE_LABELS },
  fields: { kind: 'choices', labels: OFFER_FIELD_LABELS },
  districts: { kind: 'districts' },
  languages: { kind: 'choices', labels: LANGUAGE_LABELS, extra: LANGUAGE_AUTONYMS },
  cost: textCell(shape.cost.maxLength, false),
  address: textCell(shape.address.maxLength, false),
  phone: textCell(shape.phone.maxLength, false),
  hours: textCell(shape.hours.maxLength, false),
  whatToBring: textCell(shape.whatToBring.maxLength, false),
  directions: textCell(OFFER_FAMILY_TEXT_MAX.directions, false),
  partnerOrganisationId: { kind: 'organisation' },
};
/**
 * A file without this column is still read: the first format had the partner optional (absent = none);
 * `directions` came later (absent = the stored text is kept, see `ReadOffers.absent`).
 */
const OPTIONAL_COLUMNS: ReadonlySet<OfferFileColumn> = new Set(['partnerOrganisationId', 'directions']);
const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Case, surrounding and doubled spaces do not matter when a header or value is matched. */
function normalise(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLocaleLowerCase('de-DE');
}

function splitList(cell: string): string[] {
  return cell
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A district or organisation is written by name, unless the name is ambiguous or would split a list. */
export function readableNames<T extends { id: string }>(
  items: readonly T[],
  name: (item: T) => string,
  inList: boolean,
): Map<string, string> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(normalise(name(item)), (counts.get(normalise(name(item))) ?? 0) + 1);
  return new Map(
    items.map((item) => {
      const text = name(item).trim();
      const usable = text !== '' && counts.get(normalise(text)) === 1 && !(inList && text.includes(','));
      return [item.id, usable ? text : item.id];
    }),
  );
}

/** One offer as a row of German cells (the file's column order), then its texts in other languages. */
export function offerToCells(offer: ManagedOffer, references: OfferFileReferences): string[] {
  const districtNames = readableNames(references.districts, (d) => d.label, true);
  const organisationNames = readableNames(references.organisations, (o) => o.name, false);
  const translations = TRANSLATION_COLUMNS.map(({ language, field }) => offer.translations?.[language]?.[field] ?? '');
  const cells = OFFER_FILE_COLUMNS.map((column) => {
    switch (column) {
      case 'type':
        return OFFER_TYPE_LABELS[offer.type];
      case 'agePhases':
        return offer.agePhases.map((phase) => AGE_PHASE_LABELS[phase]).join(', ');
      case 'fields':
        return offer.fields.map((field) => OFFER_FIELD_LABELS[field]).join(', ');
      case 'languages':
        return offer.languages.map((language) => LANGUAGE_LABELS[language]).join(', ');
      case 'districts':
        return offer.districts.map((id) => districtNames.get(id) ?? id).join(', ');
      case 'partnerOrganisationId':
        return offer.partnerOrganisationId === null
          ? ''
          : (organisationNames.get(offer.partnerOrganisationId) ?? offer.partnerOrganisationId);
      case 'directions':
        return offer.directions ?? '';
      default:
        return offer[column];
    }
  });
  return [...cells, ...translations];
}

export const offerFileHeaderRow = (): string[] => [
  ...OFFER_FILE_COLUMNS.map((column) => OFFER_FILE_HEADERS[column]),
  ...TRANSLATION_COLUMNS.map(translationHeader),
];

export interface ReadOffers {
  offers: { row: number; offer: ManagedOffer }[];
  problems: OfferFileProblem[];
  /**
   * Columns added after the first formats that the file does not have: for an offer already in the
   * catalogue, its stored texts are kept there (`keepAbsentTexts`), so an older file or an HSDS file
   * (which has no place for them) does not wipe them.
   */
  absent: { directions: boolean; translations: readonly TranslationColumn[] };
}

/** The offer from the file, with the stored texts of the columns the file does not have. */
export function keepAbsentTexts(offer: ManagedOffer, stored: ManagedOffer | undefined, absent: ReadOffers['absent']): ManagedOffer {
  if (stored === undefined) return offer;
  const translations: OfferTranslations = structuredClone(offer.translations ?? {});
  for (const { language, field } of absent.translations) {
    const text = stored.translations?.[language]?.[field];
    if (text !== undefined) translations[language] = { ...translations[language], [field]: text };
  }
  return {
    ...offer,
    directions: absent.directions ? (stored.directions ?? '') : (offer.directions ?? ''),
    translations: compactTranslations(translations),
  };
}

const problem = (
  row: number,
  column: string | null,
  kind: OfferFileProblem['problem'],
  extra: Partial<Pick<OfferFileProblem, 'value' | 'allowed' | 'max'>> = {},
): OfferFileProblem => ({ row, column, value: extra.value ?? null, allowed: extra.allowed ?? null, max: extra.max ?? null, problem: kind });

/** Which column a header names: the German header or the first format's English code. */
export function columnOf(header: string): OfferFileColumn | undefined {
  const wanted = normalise(header);
  return OFFER_FILE_COLUMNS.find((column) => normalise(OFFER_FILE_HEADERS[column]) === wanted || normalise(column) === wanted);
}

/** Code by code, label or (languages) autonym. */
function lookup(
  labels: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> | undefined,
  value: string,
): string | undefined {
  const wanted = normalise(value);
  return Object.keys(labels).find(
    (code) =>
      normalise(code) === wanted ||
      normalise(labels[code] ?? '') === wanted ||
      (extra !== undefined && normalise(extra[code] ?? '') === wanted),
  );
}

/**
 * Reads the rows of a catalogue file (the first row is the header). Every problem is reported, none
 * stops the reading of the other rows; the offers are only to be used when there is no problem.
 */
export function readOfferRows(rows: readonly (readonly string[])[], references: OfferFileReferences): ReadOffers {
  const headerIndex = rows.findIndex((cells) => cells.some((cell) => cell.trim() !== ''));
  const absentNone: ReadOffers['absent'] = { directions: false, translations: [] };
  if (headerIndex < 0) return { offers: [], problems: [problem(1, null, 'emptyFile')], absent: absentNone };
  const header = rows[headerIndex] ?? [];
  const headerRow = headerIndex + 1;
  const problems: OfferFileProblem[] = [];
  const positions = new Map<OfferFileColumn, number>();
  const translationPositions = new Map<string, { column: TranslationColumn; index: number }>();
  header.forEach((title, index) => {
    if (title.trim() === '') return;
    const column = columnOf(title);
    const translation = column === undefined ? translationColumnOf(title) : undefined;
    if (translation !== undefined) {
      if (translationPositions.has(translationKey(translation))) problems.push(problem(headerRow, title.trim(), 'duplicateColumn'));
      else translationPositions.set(translationKey(translation), { column: translation, index });
    } else if (column === undefined) {
      problems.push(problem(headerRow, title.trim(), 'unknownColumn', { allowed: [...ALLOWED_HEADERS] }));
    } else if (positions.has(column)) {
      problems.push(problem(headerRow, title.trim(), 'duplicateColumn'));
    } else {
      positions.set(column, index);
    }
  });
  for (const column of OFFER_FILE_COLUMNS) {
    if (!positions.has(column) && !OPTIONAL_COLUMNS.has(column)) {
      problems.push(problem(headerRow, OFFER_FILE_HEADERS[column], 'missingColumn'));
    }
  }
  const absent: ReadOffers['absent'] = {
    directions: !positions.has('directions'),
    translations: TRANSLATION_COLUMNS.filter((column) => !translationPositions.has(translationKey(column))),
  };
  if (problems.length > 0) return { offers: [], problems, absent };
  const body = rows.slice(headerIndex + 1);
  if (body.filter((cells) => cells.some((cell) => cell.trim() !== '')).length > MAX_CSV_ROWS) {
    return { offers: [], problems: [problem(headerRow, null, 'tooManyRows', { max: MAX_CSV_ROWS })], absent };
  }
  const headerText = (column: OfferFileColumn): string => header[positions.get(column) ?? -1]?.trim() ?? OFFER_FILE_HEADERS[column];
  const partnerNames = references.organisations.filter((o) => o.kind === 'partner').map((o) => o.name);
  const districtNames = references.districts.map((d) => d.label);
  const resolve = <T extends { id: string }>(items: readonly T[], name: (item: T) => string, value: string): string | undefined => {
    const byId = items.find((item) => item.id === value.trim());
    if (byId) return byId.id;
    const byName = items.filter((item) => normalise(name(item)) === normalise(value));
    return byName.length === 1 ? byName[0]?.id : undefined;
  };

  const offers: ReadOffers['offers'] = [];
  const seen = new Set<string>();
  body.forEach((cells, index) => {
    const row = headerRow + 1 + index;
    if (!cells.some((cell) => cell.trim() !== '')) return;
    if (cells.slice(header.length).some((cell) => cell.trim() !== '')) {
      problems.push(problem(row, null, 'wrongColumnCount', { max: header.length }));
      return;
    }
    const before = problems.length;
    const raw: Record<string, unknown> = { partnerOrganisationId: null };
    for (const column of OFFER_FILE_COLUMNS) {
      const position = positions.get(column);
      if (position === undefined) continue;
      const cell = (cells[position] ?? '').trim();
      const at = headerText(column);
      const cellKind = CELLS[column];
      switch (cellKind.kind) {
        case 'id':
          if (cell === '') problems.push(problem(row, at, 'required'));
          else if (!ID_PATTERN.test(cell)) problems.push(problem(row, at, 'invalidId', { value: cell, max: 63 }));
          else if (seen.has(cell)) problems.push(problem(row, at, 'duplicateOfferId', { value: cell }));
          seen.add(cell);
          raw[column] = cell;
          break;
        case 'text':
          if (cellKind.required && cell === '') problems.push(problem(row, at, 'required'));
          else if (cell.length > cellKind.max) problems.push(problem(row, at, 'tooLong', { max: cellKind.max }));
          raw[column] = cell;
          break;
        case 'choice': {
          const code = lookup(cellKind.labels, undefined, cell);
          if (code === undefined) {
            problems.push(
              problem(row, at, cell === '' ? 'required' : 'notAllowed', { value: cell, allowed: Object.values(cellKind.labels) }),
            );
          }
          raw[column] = code;
          break;
        }
        case 'choices': {
          const parts = splitList(cell);
          const allowed = Object.values(cellKind.labels);
          if (parts.length === 0) problems.push(problem(row, at, 'chooseOne', { allowed }));
          const codes = parts.map((part) => {
            const code = lookup(cellKind.labels, cellKind.extra, part);
            if (code === undefined) problems.push(problem(row, at, 'notAllowed', { value: part, allowed }));
            return code;
          });
          raw[column] = [...new Set(codes)];
          break;
        }
        case 'districts':
          raw[column] = [
            ...new Set(
              splitList(cell).map((part) => {
                const id = resolve(references.districts, (d) => d.label, part);
                if (id === undefined) problems.push(problem(row, at, 'unknownDistrict', { value: part, allowed: districtNames }));
                return id;
              }),
            ),
          ];
          break;
        case 'organisation':
          if (cell !== '') {
            const id = resolve(references.organisations, (o) => o.name, cell);
            if (id === undefined) problems.push(problem(row, at, 'unknownOrganisation', { value: cell, allowed: partnerNames }));
            raw[column] = id ?? null;
          }
          break;
      }
    }
    const translations: OfferTranslations = {};
    for (const { column, index: position } of translationPositions.values()) {
      const cell = (cells[position] ?? '').trim();
      if (cell === '') continue;
      const at = header[position]?.trim() ?? translationHeader(column);
      const max = OFFER_FAMILY_TEXT_MAX[column.field];
      if (cell.length > max) problems.push(problem(row, at, 'tooLong', { max }));
      // Only where the file has the German column: else the stored German text is kept and stands behind it.
      else if (positions.has(column.field) && (raw[column.field] ?? '') === '') {
        problems.push(problem(row, at, 'translationWithoutGerman', { value: cell }));
      }
      translations[column.language] = { ...translations[column.language], [column.field]: cell };
    }
    if (translationPositions.size > 0) raw['translations'] = translations;
    if (problems.length > before) return;
    const parsed = managedOfferSchema.safeParse(raw);
    if (!parsed.success) {
      // The checks above mirror the schema; should they ever fall behind it, the row is still refused by name.
      for (const issue of parsed.error.issues.slice(0, 5)) {
        const column = OFFER_FILE_COLUMNS.find((c) => c === issue.path[0]);
        problems.push(problem(row, column === undefined ? null : headerText(column), 'notAllowed'));
      }
      return;
    }
    offers.push({ row, offer: parsed.data });
  });
  return { offers, problems, absent };
}

/** What an unknown header is told it could be: the German headers, and the translation columns by pattern. */
const ALLOWED_HEADERS: readonly string[] = [
  ...OFFER_FILE_COLUMNS.map((column) => OFFER_FILE_HEADERS[column]),
  ...OFFER_FAMILY_TEXT_FIELDS.map((field) => `${OFFER_FILE_HEADERS[field]} (Sprache)`),
];
