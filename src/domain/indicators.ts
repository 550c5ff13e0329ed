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
import { publishedNumber } from './suppression';
import { alignedPeriod, halfYearOf, monthsOfPeriod, type AlignedPeriod } from './report-periods';
import { ALL_DISTRICTS, buildSuppressedSystem, type CategoryEquation, type SuppressedSystem } from './report-system';
import { REFERRAL_STATES } from './referral-state';
import { funnelNodes, publishFunnel, type FunnelCounts, type PublishedFunnel } from './funnel';
import type { PublishedCount, PublishedTable } from './suppression';

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
      en: 'Time from screening to first contact = for each case whose first countable screening of the calendar year lies in the period and with at least one referral that reached "contacted" (or later), the days from the screening day to the earliest such state change, in bands 0–7, 8–14, 15–28, 29 and more days. Cases without contact are not counted here. District: the screening\'s.',
      de: 'Zeit vom Screening bis zum ersten Kontakt = für jeden Fall, dessen erstes zählbares Screening des Kalenderjahres im Zeitraum liegt, mit mindestens einer Vermittlung, die „Kontakt aufgenommen“ (oder später) erreicht hat: Tage vom Screening-Tag bis zum frühesten solchen Statuswechsel, in den Stufen 0–7, 8–14, 15–28, 29 und mehr Tage. Fälle ohne Kontakt zählen hier nicht. Sozialraum: der des Screenings.',
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

/** Longest day range the case-level exports cover (reports cover aligned periods only, `reportPeriodProblem`). */
export const MAX_PERIOD_MONTHS = 24;

/** Why a day range is not acceptable for an export, or undefined. */
export function periodProblem(period: PeriodInput): 'endBeforeStart' | 'tooLong' | undefined {
  if (period.to < period.from) return 'endBeforeStart';
  if (monthsOf(period).length > MAX_PERIOD_MONTHS) return 'tooLong';
  return undefined;
}

/** Why a period is not one a report may cover (a whole month, quarter, half-year or calendar year), or undefined. */
export function reportPeriodProblem(period: PeriodInput): 'endBeforeStart' | 'periodNotAligned' | undefined {
  if (period.to < period.from) return 'endBeforeStart';
  if (alignedPeriod(period) === undefined) return 'periodNotAligned';
  return undefined;
}

export { halfYearOf };

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

/** The category node of an indicator's category in the report system. */
export const categoryNode = (id: IndicatorId, category: string): string => `${id}:${category}`;
/** The node of an indicator's total: indicators counting the same units share it. */
export const populationTotalNode = (definition: IndicatorDefinition): string => `${definition.population}:total`;

export interface ReportInput {
  /** Counts of every month of the period's year, of every district (a report reads one linked system per year). */
  rows: readonly CountRow[];
  period: AlignedPeriod;
  /** District columns of the municipality: the configured ids and NO_DISTRICT for records naming none. */
  districts: readonly string[];
  /** Only this district's column; null = all. */
  district: string | null;
  /** Categories of indicators without a fixed list (HOME sites). */
  sites: readonly string[];
  /** The funnel's counts of every month of the year. */
  funnel: FunnelCounts;
}

/** The nodes the funnel shares with the referral indicators. */
const funnelShared = {
  referralTotal: `referral:total`,
  stateNode: (state: string): string => categoryNode('referralUptake', state),
};

/** Without the funnel (it then counts nothing): the indicators alone. */
export function publishIndicators(input: Omit<ReportInput, 'funnel'>): PublishedIndicator[] {
  return publishReport({ ...input, funnel: { rows: [], contactDays: [] } }).indicators;
}

/**
 * The year's linked system: every indicator's categories, their totals (shared
 * by indicators of one population), the failure reasons under the referral
 * states and the funnel's stages, with every category equation between them.
 */
export function reportSystem(input: Omit<ReportInput, 'period' | 'district'> & { year: number }): {
  system: SuppressedSystem;
  categories: Map<IndicatorId, string[]>;
} {
  const categories = new Map<IndicatorId, string[]>();
  const nodes: string[] = [];
  const equations: CategoryEquation[] = [];
  const addNode = (node: string): void => {
    if (!nodes.includes(node)) nodes.push(node);
  };
  for (const definition of INDICATORS) {
    const rows = input.rows.filter((row) => row.indicator === definition.id);
    const known = definition.categories ?? input.sites;
    // A category the configuration no longer lists (a closed site) is still counted.
    const extra = [...new Set(rows.map((row) => row.category))].filter((c) => !known.includes(c)).sort();
    const list = [...known, ...extra];
    categories.set(definition.id, list);
    const parts = list.map((c) => categoryNode(definition.id, c));
    parts.forEach(addNode);
    addNode(populationTotalNode(definition));
    equations.push({ total: populationTotalNode(definition), parts });
  }
  const funnel = funnelNodes({ ...funnelShared, refused: categoryNode('screening', 'refused') });
  funnel.nodes.forEach(addNode);
  equations.push(...funnel.equations);

  const leaves = new Map<string, number>();
  const add = (node: string, district: string, month: string, n: number): void => {
    const key = `${node}\u0000${district}\u0000${month}`;
    leaves.set(key, (leaves.get(key) ?? 0) + n);
  };
  for (const row of input.rows) add(categoryNode(row.indicator, row.category), row.district, row.month, row.n);
  for (const row of input.funnel.rows) add(funnel.nodeOfLine(row.line), row.district, row.month, row.n);
  const system = buildSuppressedSystem({
    year: input.year,
    districts: input.districts,
    nodes,
    equations,
    leafCount: (node, district, month) => leaves.get(`${node}\u0000${district}\u0000${month}`) ?? 0,
  });
  return { system, categories };
}

/**
 * The indicators and the funnel (./funnel.ts) of one period and one or all
 * districts, read from the year's suppressed system: whatever period and
 * district is asked for, the same count is hidden or shown the same way.
 */
export function publishReport(input: ReportInput): { indicators: PublishedIndicator[]; funnel: PublishedFunnel } {
  return yearReports({ ...input, year: input.period.year })(input.period, input.district);
}

/** Every report of one year, read from one suppressed system: (period, district or null) → its indicators and funnel. */
export function yearReports(
  input: Omit<ReportInput, 'period' | 'district'> & { year: number },
): (period: AlignedPeriod, district: string | null) => { indicators: PublishedIndicator[]; funnel: PublishedFunnel } {
  const { system, categories } = reportSystem(input);
  return (period, district) => readReport(input, system, categories, period, district);
}

function readReport(
  input: Omit<ReportInput, 'period' | 'district'>,
  system: SuppressedSystem,
  categories: ReadonlyMap<IndicatorId, string[]>,
  period: AlignedPeriod,
  district: string | null,
): { indicators: PublishedIndicator[]; funnel: PublishedFunnel } {
  if (period.year !== system.year) throw new Error('readReport: period of another year');
  const months = monthsOfPeriod(period);
  const monthPeriods = system.periods.filter((p) => p.level === 'month' && months.includes(p.from.slice(0, 7)));
  const columns = district === null ? [...input.districts] : [district];
  const whole = district ?? ALL_DISTRICTS;
  const table = (
    rowNodes: readonly string[],
    totalNode: string,
    columnCells: readonly { district: string; period: AlignedPeriod }[],
  ): PublishedTable => ({
    cells: rowNodes.map((node) => columnCells.map((c) => system.published(node, c.district, c.period))),
    rowTotals: rowNodes.map((node) => system.published(node, whole, period)),
    columnTotals: columnCells.map((c) => system.published(totalNode, c.district, c.period)),
    total: system.published(totalNode, whole, period),
  });
  const indicators = INDICATORS.map((definition): PublishedIndicator => {
    const list = categories.get(definition.id) ?? [];
    const rowNodes = list.map((c) => categoryNode(definition.id, c));
    const total = populationTotalNode(definition);
    const monthTable = table(
      rowNodes,
      total,
      monthPeriods.map((p) => ({ district: whole, period: p })),
    );
    return {
      id: definition.id,
      unit: definition.unit,
      formula: definition.formula,
      categories: list,
      byDistrict: definition.byDistrict
        ? {
            columns,
            table: table(
              rowNodes,
              total,
              columns.map((d) => ({ district: d, period })),
            ),
          }
        : null,
      byMonth: { columns: months, table: monthTable },
      measures: measuresOf(definition.id, list, monthTable),
    };
  });
  return { indicators, funnel: publishFunnel({ system, counts: input.funnel, period, columns, whole, ...funnelShared }) };
}

export type { PublishedCount, PublishedTable };
