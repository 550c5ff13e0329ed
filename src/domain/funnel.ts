// The funnel report (docs/INDICATORS.md, "The funnel"): per district and period,
// families reached → consented → screened → support recommended → referred →
// contacted → taken up, why referrals failed (declined / no response, by reason)
// and the median days from referral to first contact. This module is the
// DEFINITION: `funnelCounts` counts from what the server holds (countable
// revisions, referrals with their state history); report-service.ts counts the
// same in SQL, and tests/integration/server/http/funnel-routes.integration.test.ts
// fails when the two disagree. Publication goes through the same small-cell
// suppression as every report (`funnelTables`, suppressed together with the
// indicators in indicators.ts `publishReport`).
import type { SyncRecord } from '@shared/records/sync-record';
import { isoDateInZone, REPORT_TIME_ZONE } from './dates';
import { effectiveSupportNeed } from './questionnaire';
import { REASONS_BY_STATE, type ReferralReason, type ReferralState } from './referral-state';
import { SMALL_CELL, type PublishedCount, type PublishedTable } from './suppression';
import { monthsOfPeriod, type AlignedPeriod } from './report-periods';
import { ALL_DISTRICTS, type CategoryEquation, type SuppressedSystem } from './report-system';

export const FUNNEL_STAGES = ['reached', 'consented', 'screened', 'supportRecommended', 'referred', 'contacted', 'takenUp'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Failed referrals: by their current state, then by the reason it carries. */
export const FUNNEL_FAILURE_STATES = ['declined', 'noResponse'] as const satisfies readonly ReferralState[];
export type FunnelFailureState = (typeof FUNNEL_FAILURE_STATES)[number];
/** A failure whose state names no reason (noResponse may omit it; declined before reasons existed). */
export const REASON_NOT_STATED = 'notStated';
export type FunnelReason = ReferralReason | typeof REASON_NOT_STATED;

/** The reasons a failure table lists, in order: the state's own reasons, then "not stated". */
export function failureReasons(state: FunnelFailureState): readonly FunnelReason[] {
  return [...(REASONS_BY_STATE[state]?.reasons ?? []), REASON_NOT_STATED];
}

/** The median is published only where at least this many referrals had a first contact (the smallest published count). */
export const MEDIAN_MIN_REFERRALS = SMALL_CELL.max + 1;

/** States that mean the family reached the partner (first contact), and those that mean it took the offer up. */
const CONTACT_STATES: ReadonlySet<ReferralState> = new Set(['contacted', 'started', 'completed']);
const UPTAKE_STATES: ReadonlySet<ReferralState> = new Set(['started', 'completed']);
const RECOMMENDING_NEEDS: ReadonlySet<string> = new Set(['offerRecommended', 'urgent']);

/** Each stage's definition, as in docs/INDICATORS.md (the Sachbericht prints it). */
export const FUNNEL_DEFINITIONS: Readonly<Record<FunnelStage | 'failures' | 'median', { en: string; de: string }>> = {
  reached: {
    en: 'Families reached = families asked for consent to the screening: cases with a countable consent in the setting "screening" (counted once a year, by their first such consent of the calendar year; day: the tablet date of the consent) + consent refusals in that setting (day: the refusal date).',
    de: 'Erreichte Familien = Familien, die um Einwilligung ins Screening gebeten wurden: Fälle mit zählbarer Einwilligung im Setting „Screening“ (einmal im Jahr, nach ihrer ersten solchen Einwilligung im Kalenderjahr; Tag: Tablet-Datum der Einwilligung) + Ablehnungen in diesem Setting (Tag: Datum der Ablehnung).',
  },
  consented: {
    en: 'Consented = the cases of "reached" with a consent (reached minus refusals).',
    de: 'Eingewilligt = die Fälle unter „erreicht“ mit Einwilligung (erreicht ohne Ablehnungen).',
  },
  screened: {
    en: 'Screened = cases with a countable screening, counted once a year by their first screening of the calendar year (day: its tablet date; district: the one it names).',
    de: 'Gescreent = Fälle mit zählbarem Screening, einmal im Jahr gezählt nach ihrem ersten Screening im Kalenderjahr (Tag: dessen Tablet-Datum; Sozialraum: der dort genannte).',
  },
  supportRecommended: {
    en: 'Support recommended = of those, the cases whose first screening of the year has the support need "offer recommended" or "urgent" (a staff override wins).',
    de: 'Unterstützung empfohlen = davon die Fälle, deren erstes Screening im Kalenderjahr den Bedarf „Angebot empfohlen“ oder „dringend“ hat (eine Korrektur durch die Fachkraft geht vor).',
  },
  referred: {
    en: 'Referred = referrals made (one per case and offer) of cases not withdrawn. Day: the day the referral was made (server time); district: the one the referral names. The referral stages follow these referrals.',
    de: 'Vermittelt = Vermittlungen (je Fall und Angebot) von Fällen ohne Widerruf. Tag: Tag der Vermittlung (Serverzeit); Sozialraum: der der Vermittlung. Die Vermittlungsstufen folgen diesen Vermittlungen.',
  },
  contacted: {
    en: 'Contacted = of those referrals, the ones that ever reached "contacted", "started" or "completed" (state history, up to the time of the report).',
    de: 'Kontakt = davon die Vermittlungen, die je „Kontakt aufgenommen“, „begonnen“ oder „abgeschlossen“ erreicht haben (Statusverlauf, bis zum Zeitpunkt des Berichts).',
  },
  takenUp: {
    en: 'Taken up = of those referrals, the ones that ever reached "started" or "completed".',
    de: 'In Anspruch genommen = davon die Vermittlungen, die je „begonnen“ oder „abgeschlossen“ erreicht haben.',
  },
  failures: {
    en: 'Failures = of the referred, those now "declined" or "no response", by the reason their state carries ("not stated" where none).',
    de: 'Nicht zustande gekommen = von den Vermittelten die jetzt „abgelehnt“ oder „keine Rückmeldung“, nach dem Grund ihres Status („nicht angegeben“, wo keiner).',
  },
  median: {
    en: `Median days from referral to first contact = over the contacted referrals, calendar days (Europe/Berlin) from the referral day to the day of its first change to "contacted", "started" or "completed". Shown only where at least ${String(MEDIAN_MIN_REFERRALS)} referrals had a first contact.`,
    de: `Median der Tage von der Vermittlung bis zum ersten Kontakt = über die Vermittlungen mit Kontakt, Kalendertage (Europe/Berlin) vom Tag der Vermittlung bis zum Tag des ersten Wechsels zu „Kontakt aufgenommen“, „begonnen“ oder „abgeschlossen“. Nur gezeigt, wo mindestens ${String(MEDIAN_MIN_REFERRALS)} Vermittlungen einen ersten Kontakt hatten.`,
  },
};

/** A referral as the funnel sees it: the `referrals` row (case not withdrawn) with its state history. */
export interface FunnelReferral {
  district: string | null;
  createdAt: Date;
  state: ReferralState;
  reason: ReferralReason | null;
  changes: readonly { state: ReferralState; at: Date }[];
}

/** One count of the funnel: `line` is a stage, or `declined:<reason>` / `noResponse:<reason>`. */
export interface FunnelCountRow {
  line: string;
  /** '' = none named. */
  district: string;
  /** YYYY-MM: the month of the day the count belongs to. */
  month: string;
  n: number;
}

/** The funnel's counts before publication (never published as such). */
export interface FunnelCounts {
  rows: FunnelCountRow[];
  /** Days from referral to first contact, per contacted referral: how many referrals of a district and month took that many days. */
  contactDays: { district: string; month: string; days: number; n: number }[];
}

export const failureLine = (state: FunnelFailureState, reason: FunnelReason): string => `${state}:${reason}`;

const dayOf = (instant: Date): string => isoDateInZone(instant, REPORT_TIME_ZONE);
const inPeriod = (day: string, period: { from: string; to: string }): boolean => day >= period.from && day <= period.to;
const daysBetween = (fromDay: string, toDay: string): number =>
  Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000);

function add(rows: Map<string, FunnelCountRow>, line: string, district: string, day: string): void {
  const month = day.slice(0, 7);
  const key = `${line}\u0000${district}\u0000${month}`;
  const row = rows.get(key);
  if (row) row.n += 1;
  else rows.set(key, { line, district, month, n: 1 });
}

/** Per case (or record, where a record names no case), its first record in the period among `records`, by tablet time then id. */
function firstPerCase(records: readonly SyncRecord[]): SyncRecord[] {
  const first = new Map<string, SyncRecord>();
  for (const record of records) {
    const key = record.caseNumber ?? record.id;
    const seen = first.get(key);
    const earlier =
      seen === undefined ||
      Date.parse(record.createdAt) < Date.parse(seen.createdAt) ||
      (Date.parse(record.createdAt) === Date.parse(seen.createdAt) && record.id < seen.id);
    if (earlier) first.set(key, record);
  }
  return [...first.values()];
}

/**
 * The funnel's counts of a year (the period of the linked report system,
 * ./report-system.ts), by district and month, from the COUNTABLE revisions the
 * server holds (report-facts.ts `isCountable`: latest revision, approved where
 * required) and the referrals of cases not withdrawn. A case counts once a
 * year, in the month and district of its first consent (screening) of that
 * year; so the months add up to every quarter, half-year and the year.
 */
export function funnelCounts(input: {
  countableRecords: readonly SyncRecord[];
  referrals: readonly FunnelReferral[];
  period: { from: string; to: string };
}): FunnelCounts {
  const { period } = input;
  const rows = new Map<string, FunnelCountRow>();
  const districtOf = (content: { district?: string | undefined }): string => content.district ?? '';
  const countable = input.countableRecords;

  const consents = countable.filter(
    (r) => r.kind === 'consent' && r.content.setting === 'screening' && inPeriod(dayOf(new Date(r.createdAt)), period),
  );
  for (const consent of firstPerCase(consents)) {
    if (consent.kind !== 'consent') continue;
    const day = dayOf(new Date(consent.createdAt));
    add(rows, 'reached', districtOf(consent.content), day);
    add(rows, 'consented', districtOf(consent.content), day);
  }
  for (const refusal of countable) {
    if (refusal.kind === 'consentRefusal' && refusal.content.setting === 'screening' && inPeriod(refusal.content.date, period)) {
      add(rows, 'reached', districtOf(refusal.content), refusal.content.date);
    }
  }
  const screenings = countable.filter((r) => r.kind === 'screening' && inPeriod(dayOf(new Date(r.createdAt)), period));
  for (const screening of firstPerCase(screenings)) {
    if (screening.kind !== 'screening') continue;
    const day = dayOf(new Date(screening.createdAt));
    add(rows, 'screened', districtOf(screening.content), day);
    if (RECOMMENDING_NEEDS.has(effectiveSupportNeed(screening.content)))
      add(rows, 'supportRecommended', districtOf(screening.content), day);
  }

  const days = new Map<string, { district: string; month: string; days: number; n: number }>();
  for (const referral of input.referrals) {
    const district = referral.district ?? '';
    const madeOn = dayOf(referral.createdAt);
    if (!inPeriod(madeOn, period)) continue;
    add(rows, 'referred', district, madeOn);
    const contacts = referral.changes.filter((c) => CONTACT_STATES.has(c.state)).map((c) => c.at.getTime());
    if (contacts.length > 0) {
      add(rows, 'contacted', district, madeOn);
      const d = daysBetween(madeOn, dayOf(new Date(Math.min(...contacts))));
      const month = madeOn.slice(0, 7);
      const key = `${district}\u0000${month}\u0000${String(d)}`;
      const entry = days.get(key);
      if (entry) entry.n += 1;
      else days.set(key, { district, month, days: d, n: 1 });
    }
    if (referral.changes.some((c) => UPTAKE_STATES.has(c.state))) add(rows, 'takenUp', district, madeOn);
    if (referral.state === 'declined' || referral.state === 'noResponse') {
      add(rows, failureLine(referral.state, referral.reason ?? REASON_NOT_STATED), district, madeOn);
    }
  }
  return { rows: [...rows.values()], contactDays: [...days.values()] };
}

/** The median of a multiset given as (value, count) pairs; undefined when empty. */
export function medianOf(values: readonly { days: number; n: number }[]): number | undefined {
  const sorted = [...values].filter((v) => v.n > 0).sort((a, b) => a.days - b.days);
  const total = sorted.reduce((sum, v) => sum + v.n, 0);
  if (total === 0) return undefined;
  const at = (index: number): number => {
    let seen = 0;
    for (const v of sorted) {
      seen += v.n;
      if (index < seen) return v.days;
    }
    return sorted[sorted.length - 1]?.days ?? 0;
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

export interface PublishedFunnelStage {
  id: FunnelStage;
  /** One entry per district column. */
  cells: PublishedCount[];
  total: PublishedCount;
}

export interface PublishedFunnel {
  /** District ids ('' = none named), as the report's district columns. */
  columns: string[];
  stages: PublishedFunnelStage[];
  /** Per failure state: reasons × districts, its column totals are the state's count per district. */
  failures: { state: FunnelFailureState; reasons: FunnelReason[]; table: PublishedTable }[];
  /** Median days from referral to first contact, per district and overall; null where fewer than MEDIAN_MIN_REFERRALS. */
  medianDaysToFirstContact: { cells: (number | null)[]; total: number | null };
  definitions: Record<FunnelStage | 'failures' | 'median', { en: string; de: string }>;
}

/** The funnel's node in the report system for a stage or a failure line (`declined:<reason>`). */
export const funnelNode = (line: string): string => `funnel:${line}`;

/**
 * The funnel's category nodes and equations in the year's report system
 * (./report-system.ts): "referred" is the referral indicators' total, "reached"
 * adds the consented cases and the screening indicator's refusals, and the
 * failure reasons of a state add up to that state's referral count. The other
 * stages stand alone (they count different units; no equation joins them).
 */
export function funnelNodes(shared: { referralTotal: string; refused: string; stateNode: (state: FunnelFailureState) => string }): {
  nodes: string[];
  equations: CategoryEquation[];
  nodeOfLine: (line: string) => string;
} {
  const nodeOfLine = (line: string): string => (line === 'referred' ? shared.referralTotal : funnelNode(line));
  const stages = FUNNEL_STAGES.map(nodeOfLine);
  const reasonNodes = FUNNEL_FAILURE_STATES.map((state) => failureReasons(state).map((r) => funnelNode(failureLine(state, r))));
  return {
    nodes: [...stages, ...reasonNodes.flat()],
    equations: [
      { total: funnelNode('reached'), parts: [funnelNode('consented'), shared.refused] },
      ...FUNNEL_FAILURE_STATES.map((state, k) => ({ total: shared.stateNode(state), parts: reasonNodes[k] ?? [] })),
    ],
    nodeOfLine,
  };
}

/**
 * The funnel of one period, one or all districts (`columns`; `whole` is the
 * district or ALL_DISTRICTS), read from the year's suppressed system. The
 * median of a district and period is shown only where its number of contacted
 * referrals is itself published and at least MEDIAN_MIN_REFERRALS: a median
 * never tells whether a hidden count is small.
 */
export function publishFunnel(input: {
  system: SuppressedSystem;
  counts: FunnelCounts;
  period: AlignedPeriod;
  columns: readonly string[];
  whole: string;
  /** The nodes the funnel shares with the referral indicators (as for `funnelNodes`). */
  referralTotal: string;
  stateNode: (state: FunnelFailureState) => string;
}): PublishedFunnel {
  const { system, period, columns, whole } = input;
  const months = monthsOfPeriod(period);
  const shown = (line: string, district: string): PublishedCount => system.published(nodeFor(line), district, period);
  const nodeFor = (line: string): string => (line === 'referred' ? input.referralTotal : funnelNode(line));
  const stages = FUNNEL_STAGES.map((id): PublishedFunnelStage => ({
    id,
    cells: columns.map((d) => shown(id, d)),
    total: shown(id, whole),
  }));
  const failures = FUNNEL_FAILURE_STATES.map((state) => {
    const reasons = [...failureReasons(state)];
    const lines = reasons.map((r) => failureLine(state, r));
    const stateShown = (district: string): PublishedCount => system.published(input.stateNode(state), district, period);
    return {
      state,
      reasons,
      table: {
        cells: lines.map((line) => columns.map((d) => shown(line, d))),
        rowTotals: lines.map((line) => shown(line, whole)),
        columnTotals: columns.map(stateShown),
        total: stateShown(whole),
      } satisfies PublishedTable,
    };
  });
  const median = (district: string): number | null => {
    const contacted = shown('contacted', district);
    if (typeof contacted !== 'number' || contacted < MEDIAN_MIN_REFERRALS) return null;
    const values = input.counts.contactDays.filter(
      (v) => months.includes(v.month) && (district === ALL_DISTRICTS || v.district === district),
    );
    return medianOf(values) ?? null;
  };
  return {
    columns: [...columns],
    stages,
    failures,
    medianDaysToFirstContact: { cells: columns.map(median), total: median(whole) },
    definitions: { ...FUNNEL_DEFINITIONS },
  };
}
