// The monitoring indicators: their metadata and publication (docs/INDICATORS.md
// gives each formula in prose). Which field of which kind counts is decided where
// the server counts, in SQL (migration 007_reports.sql report_facts for
// record-based indicators, report-service for referrals); this module turns those
// counts into published, suppressed tables.
//
// Every indicator is a count of units by category, cross-tabulated by district
// (Sozialraum) where the records name one, and by calendar month. Only countable
// records (latest revision, approved where a second check is required) count,
// withdrawn cases are gone from the records, and every published table goes
// through small-cell suppression (./suppression.ts).
import { SUPPORT_NEED_LEVELS } from '@shared/records/screening';
import { WELCOME_OUTCOMES } from '@shared/records/welcome-visit';
import { CONTACT_KINDS, HOME_TOPICS } from '@shared/records/home-contact';
import { SPOKEN_LANGUAGES } from '@shared/languages';
import { OFFER_TYPES } from '@shared/offers';
import { suppressLinked, publishedNumber } from './suppression';
import { REFERRAL_STATES } from './referral-state';
import { funnelTables, referralUptakeCellKey, type FunnelCounts, type PublishedFunnel } from './funnel';
import type { MarginKeys, PublishedCount, PublishedTable } from './suppression';

/** The referral states are the state machine's (one list, ./referral-state.ts). */
export { REFERRAL_STATES };
/** Days from a case's screening to the first contact with an offer it was referred to. */
export const TIME_TO_CONTACT_BUCKETS = ['days0to7', 'days8to14', 'days15to28', 'days29plus'] as const;
export const TIME_TO_CONTACT_BUCKET_UPPER_DAYS = [7, 14, 28, Infinity] as const;

export const INDICATOR_IDS = [
  'screening',
  'welcomeOutcome',
  'homeSite',
  'homeKind',
  'homeTopic',
  'mediationLanguage',
  'referralOfferType',
  'referralUptake',
  'timeToFirstContact',
] as const;
export type IndicatorId = (typeof INDICATOR_IDS)[number];

export interface IndicatorDefinition {
  id: IndicatorId;
  /** What one count is. */
  unit: 'screeningOffer' | 'welcomeVisit' | 'homeContact' | 'homeContactTopic' | 'mediationLanguage' | 'referral' | 'screenedCase';
  /** Fixed categories; undefined → the municipality's configured list (HOME sites). */
  categories: readonly string[] | undefined;
  /** Cross-tabulated by district (false: the records name none, e.g. HOME contacts report by site). */
  byDistrict: boolean;
  /**
   * Indicators counting the same units split differently share their column and
   * grand totals, so they are suppressed together.
   */
  population: string;
  /** The formula, as in docs/INDICATORS.md, in English and German (the Sachbericht's definitions). */
  formula: { en: string; de: string };
}

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    id: 'screening',
    unit: 'screeningOffer',
    categories: [...SUPPORT_NEED_LEVELS, 'refused'],
    byDistrict: true,
    population: 'screening',
    formula: {
      en: 'Screenings offered = countable screening records (by support need level; a staff override wins) + consent refusals in the setting "screening". Consented = offered − refused. Reach rate = consented ÷ offered. Day: the tablet date of the screening, the date of the refusal.',
      de: 'Angebotene Screenings = zählbare Screening-Datensätze (nach Unterstützungsbedarf; eine Korrektur durch die Fachkraft geht vor) + Ablehnungen im Setting „Screening“. Zugestimmt = angeboten − abgelehnt. Erreichungsquote = zugestimmt ÷ angeboten. Tag: Tablet-Datum des Screenings bzw. Datum der Ablehnung.',
    },
  },
  {
    id: 'welcomeOutcome',
    unit: 'welcomeVisit',
    categories: WELCOME_OUTCOMES,
    byDistrict: true,
    population: 'welcomeOutcome',
    formula: {
      en: 'Welcome visits by outcome = countable welcome visit records (visited) + countable visit attempts (nobody at home, declined). Day: the visit date.',
      de: 'Willkommensbesuche nach Ergebnis = zählbare Besuchsdatensätze (besucht) + zählbare Besuchsversuche (niemand zu Hause, abgelehnt). Tag: Besuchsdatum.',
    },
  },
  {
    id: 'homeSite',
    unit: 'homeContact',
    categories: undefined,
    byDistrict: false,
    population: 'homeContact',
    formula: {
      en: 'HOME contacts by site = countable HOME contact records per configured foyer site. Day: the contact date.',
      de: 'HOME-Kontakte nach Standort = zählbare HOME-Kontakte je eingerichtetem Foyer-Standort. Tag: Kontaktdatum.',
    },
  },
  {
    id: 'homeKind',
    unit: 'homeContact',
    categories: CONTACT_KINDS,
    byDistrict: false,
    population: 'homeContact',
    formula: {
      en: 'HOME contacts by kind = countable HOME contact records per kind of contact. Day: the contact date.',
      de: 'HOME-Kontakte nach Art = zählbare HOME-Kontakte je Kontaktart. Tag: Kontaktdatum.',
    },
  },
  {
    id: 'homeTopic',
    unit: 'homeContactTopic',
    categories: HOME_TOPICS,
    byDistrict: false,
    population: 'homeTopic',
    formula: {
      en: 'HOME contacts by topic = countable HOME contact records naming the topic; a contact with several topics counts once per topic, so the topics add up to more than the contacts. Day: the contact date.',
      de: 'HOME-Kontakte nach Thema = zählbare HOME-Kontakte, die das Thema nennen; ein Kontakt mit mehreren Themen zählt je Thema einmal, die Themen ergeben also mehr als die Kontakte. Tag: Kontaktdatum.',
    },
  },
  {
    id: 'mediationLanguage',
    unit: 'mediationLanguage',
    categories: SPOKEN_LANGUAGES,
    byDistrict: true,
    population: 'mediationLanguage',
    formula: {
      en: 'Mediation deployments by language = countable mediation records naming the language; a deployment in several languages counts once per language. Day: the deployment date.',
      de: 'Sprachmittlungen nach Sprache = zählbare Einsätze, die die Sprache nennen; ein Einsatz in mehreren Sprachen zählt je Sprache einmal. Tag: Einsatzdatum.',
    },
  },
  {
    id: 'referralOfferType',
    unit: 'referral',
    categories: OFFER_TYPES,
    byDistrict: true,
    population: 'referral',
    formula: {
      en: 'Referrals by offer type = referrals made (one per case and offer) of cases not withdrawn, by the offer type at the time of referral. Day: the day the referral was made; district: the case district at referral.',
      de: 'Vermittlungen nach Angebotsart = Vermittlungen (je Fall und Angebot) von Fällen ohne Widerruf, nach der Angebotsart zum Zeitpunkt der Vermittlung. Tag: Tag der Vermittlung; Sozialraum: der des Falls bei der Vermittlung.',
    },
  },
  {
    id: 'referralUptake',
    unit: 'referral',
    categories: REFERRAL_STATES,
    byDistrict: true,
    population: 'referral',
    formula: {
      en: 'Referral uptake = the same referrals by their current state (suggested, handed over, contacted, started, completed, declined, no response). Uptake rate = (contacted + started + completed) ÷ referrals.',
      de: 'Inanspruchnahme = dieselben Vermittlungen nach aktuellem Stand (vorgeschlagen, übergeben, Kontakt aufgenommen, begonnen, abgeschlossen, abgelehnt, keine Rückmeldung). Quote = (Kontakt + begonnen + abgeschlossen) ÷ Vermittlungen.',
    },
  },
  {
    id: 'timeToFirstContact',
    unit: 'screenedCase',
    categories: TIME_TO_CONTACT_BUCKETS,
    byDistrict: true,
    population: 'timeToFirstContact',
    formula: {
      en: 'Time from screening to first contact = for each case with a countable screening in the period and at least one referral that reached "contacted" (or later), the days from the screening day to the earliest such state change, in bands 0–7, 8–14, 15–28, 29 and more days. Cases without contact are not counted here. District: the screening\'s.',
      de: 'Zeit vom Screening bis zum ersten Kontakt = für jeden Fall mit zählbarem Screening im Zeitraum und mindestens einer Vermittlung, die „Kontakt aufgenommen“ (oder später) erreicht hat: Tage vom Screening-Tag bis zum frühesten solchen Statuswechsel, in den Stufen 0–7, 8–14, 15–28, 29 und mehr Tage. Fälle ohne Kontakt zählen hier nicht. Sozialraum: der des Screenings.',
    },
  },
];

export function indicator(id: IndicatorId): IndicatorDefinition {
  const found = INDICATORS.find((d) => d.id === id);
  if (!found) throw new Error(`unknown indicator ${id}`);
  return found;
}

/** The time-to-contact band of a number of days (negative → first band: the contact came before the record reached the server). */
export function timeToContactBucket(days: number): (typeof TIME_TO_CONTACT_BUCKETS)[number] {
  const index = TIME_TO_CONTACT_BUCKET_UPPER_DAYS.findIndex((upper) => days <= upper);
  return TIME_TO_CONTACT_BUCKETS[index === -1 ? TIME_TO_CONTACT_BUCKETS.length - 1 : index] ?? 'days29plus';
}

/** An aggregated count from the database: `district` '' = none named, `month` YYYY-MM. */
export interface CountRow {
  indicator: IndicatorId;
  category: string;
  district: string;
  month: string;
  n: number;
}

export interface PeriodInput {
  /** First and last day, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
}

export interface PublishedBreakdown {
  /** Column ids: district ids ('' = no district named) or months (YYYY-MM). */
  columns: string[];
  table: PublishedTable;
}

export interface PublishedIndicator {
  id: IndicatorId;
  unit: IndicatorDefinition['unit'];
  formula: { en: string; de: string };
  categories: string[];
  byDistrict: PublishedBreakdown | null;
  byMonth: PublishedBreakdown;
  /** Derived figures, only from published (unsuppressed) numbers; null when a part is hidden. */
  measures: Record<string, number | null>;
}

export const NO_DISTRICT = '';

/** The calendar months touched by a period, YYYY-MM, in order. */
export function monthsOf(period: PeriodInput): string[] {
  const [fromYear, fromMonth] = period.from.split('-').map(Number);
  const [toYear, toMonth] = period.to.split('-').map(Number);
  if (!fromYear || !fromMonth || !toYear || !toMonth) throw new Error('monthsOf: bad period');
  const months: string[] = [];
  for (let y = fromYear, m = fromMonth; y < toYear || (y === toYear && m <= toMonth); m === 12 ? ((m = 1), (y += 1)) : (m += 1)) {
    months.push(`${String(y)}-${String(m).padStart(2, '0')}`);
  }
  return months;
}

/** Longest period a report covers (the half-year report needs 6; a year-on-year view 24). */
export const MAX_PERIOD_MONTHS = 24;

/** Why a period is not acceptable, or undefined. */
export function periodProblem(period: PeriodInput): 'endBeforeStart' | 'tooLong' | undefined {
  if (period.to < period.from) return 'endBeforeStart';
  if (monthsOf(period).length > MAX_PERIOD_MONTHS) return 'tooLong';
  return undefined;
}

/** The half-year (1 Jan – 30 Jun or 1 Jul – 31 Dec) a day falls in. */
export function halfYearOf(day: string): PeriodInput {
  const year = day.slice(0, 4);
  return Number(day.slice(5, 7)) <= 6 ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };
}

function crossTab(
  rows: readonly CountRow[],
  categories: readonly string[],
  columns: readonly string[],
  columnOf: (row: CountRow) => string,
): number[][] {
  const rowIndex = new Map(categories.map((c, i) => [c, i]));
  const columnIndex = new Map(columns.map((c, j) => [c, j]));
  const cells = categories.map(() => columns.map(() => 0));
  for (const row of rows) {
    const i = rowIndex.get(row.category);
    const j = columnIndex.get(columnOf(row));
    const line = i === undefined ? undefined : cells[i];
    if (line !== undefined && j !== undefined) line[j] = (line[j] ?? 0) + row.n;
  }
  return cells;
}

function measuresOf(id: IndicatorId, categories: readonly string[], table: PublishedTable): Record<string, number | null> {
  const total = publishedNumber(table.total);
  const rowTotal = (category: string): number | undefined => publishedNumber(table.rowTotals[categories.indexOf(category)]);
  const ratio = (part: number | undefined, whole: number | undefined): number | null =>
    part === undefined || whole === undefined || whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
  if (id === 'screening') {
    const refused = rowTotal('refused');
    const consented = total === undefined || refused === undefined ? undefined : total - refused;
    return { offered: total ?? null, consented: consented ?? null, refused: refused ?? null, reachRate: ratio(consented, total) };
  }
  if (id === 'referralUptake') {
    const parts = ['contacted', 'started', 'completed'].map(rowTotal);
    const takenUp = parts.some((p) => p === undefined) ? undefined : parts.reduce<number>((a, b) => a + (b ?? 0), 0);
    return { referrals: total ?? null, takenUp: takenUp ?? null, uptakeRate: ratio(takenUp, total) };
  }
  if (id === 'welcomeOutcome') {
    return { attempts: total ?? null, visited: rowTotal('visited') ?? null, visitRate: ratio(rowTotal('visited'), total) };
  }
  return { total: total ?? null };
}

/**
 * Builds every indicator's published tables from the aggregated counts:
 * category × district and category × month, suppressed together (shared totals
 * hidden in all tables that show them). Without the funnel: a report always
 * publishes both through `publishReport`, because they share counts.
 */
export function publishIndicators(input: ReportInput): PublishedIndicator[] {
  return publishReport({ ...input, funnel: { rows: [], contactDays: [] } }).indicators;
}

export interface ReportInput {
  rows: readonly CountRow[];
  period: PeriodInput;
  /** District columns: the configured ids (and NO_DISTRICT for records naming none). */
  districts: readonly string[];
  /** Categories of indicators without a fixed list (HOME sites). */
  sites: readonly string[];
}

/**
 * The indicators and the funnel (./funnel.ts), suppressed in one go: the
 * funnel's referred and failure counts are also cells and totals of the
 * referral indicators, and a count hidden in one is hidden in the other.
 */
export function publishReport(input: ReportInput & { funnel: FunnelCounts }): {
  indicators: PublishedIndicator[];
  funnel: PublishedFunnel;
} {
  const months = monthsOf(input.period);
  const plans = INDICATORS.map((definition) => {
    const rows = input.rows.filter((row) => row.indicator === definition.id);
    const known = definition.categories ?? input.sites;
    // A category the configuration no longer lists (a closed site) is still counted.
    const extra = [...new Set(rows.map((row) => row.category))].filter((c) => !known.includes(c)).sort();
    const categories = [...known, ...extra];
    const rowKeys = categories.map((c) => `${definition.id}:row:${c}`);
    const total = `${definition.population}:total`;
    const byMonth = {
      table: { cells: crossTab(rows, categories, months, (row) => row.month) },
      keys: { rows: rowKeys, columns: months.map((m) => `${definition.population}:month:${m}`), total } satisfies MarginKeys,
    };
    const byDistrict = definition.byDistrict
      ? {
          table: { cells: crossTab(rows, categories, input.districts, (row) => row.district) },
          keys: {
            rows: rowKeys,
            columns: input.districts.map((d) => `${definition.population}:district:${d}`),
            total,
            // The funnel's failure tables publish these cells as their column totals.
            ...(definition.id === 'referralUptake'
              ? { cells: categories.map((c) => input.districts.map((d) => referralUptakeCellKey(c, d))) }
              : {}),
          } satisfies MarginKeys,
        }
      : undefined;
    return { definition, categories, byMonth, byDistrict };
  });
  const tables = plans.flatMap((plan) => (plan.byDistrict ? [plan.byMonth, plan.byDistrict] : [plan.byMonth]));
  const funnel = funnelTables(input.funnel, input.districts);
  const published = suppressLinked([...tables, ...funnel.tables]);
  let next = 0;
  const take = (): PublishedTable => {
    const table = published[next];
    next += 1;
    if (!table) throw new Error('publishIndicators: table missing');
    return table;
  };
  const indicators = plans.map(({ definition, categories, byDistrict }) => {
    const monthTable = take();
    const districtTable = byDistrict ? take() : undefined;
    return {
      id: definition.id,
      unit: definition.unit,
      formula: definition.formula,
      categories,
      byDistrict: districtTable ? { columns: [...input.districts], table: districtTable } : null,
      byMonth: { columns: months, table: monthTable },
      measures: measuresOf(definition.id, categories, monthTable),
    };
  });
  return { indicators, funnel: funnel.assemble(published.slice(next)) };
}

export type { PublishedCount, PublishedTable };
