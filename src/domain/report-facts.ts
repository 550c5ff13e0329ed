// What one stored record contributes to the report: the DEFINITION of the
// report's record-based counts. The database keeps the same counts by itself
// (007_reports.sql report_facts and its triggers, the `countable` column of
// 005_four_eyes.sql) because a report over a million rows must answer in a
// second; tests/integration/server/db/report-facts.integration.test.ts pushes
// every record kind and fails when the SQL and these functions disagree.
// Referrals are counted from their own rows (report-service.ts): one per case
// and offer, by the offer's type at referral time and by its current state.
import type { ReferralRecord, SyncRecord } from '@shared/records/sync-record';
import { isoDateInZone, monthOfIsoDate, REPORT_TIME_ZONE } from './dates';
import { needsSecondCheck, type FourEyesPolicy } from './four-eyes';
import { NO_DISTRICT, type CountRow, type IndicatorId } from './indicators';
import { effectiveSupportNeed } from './questionnaire';
import { initialStates, type ReferralState } from './referral-state';

/** One count a record adds: to `indicator`, on `day` (YYYY-MM-DD), in `district` ('' = none named), under `category`. */
export interface ReportFact {
  indicator: IndicatorId;
  day: string;
  district: string;
  category: string;
}

/** Where a stored revision stands on the server: superseded by a later one, approved by a second person. */
export interface StoredRevisionState {
  superseded: boolean;
  approved: boolean;
}

/**
 * Whether a stored revision counts: only the latest revision, and only once
 * approved where the municipality's rule (at push time) asks for a second check.
 * A withdrawn case's records are deleted, so they never reach this question.
 */
export function isCountable(record: SyncRecord, policy: FourEyesPolicy, state: StoredRevisionState): boolean {
  return !state.superseded && (!needsSecondCheck(record, policy) || state.approved);
}

const districtOf = (content: { district?: string | undefined }): string => content.district ?? NO_DISTRICT;

/**
 * The facts a countable record contributes, one per count. Kinds that are not
 * counted from records (consent, withdrawal, referral: referrals are counted from
 * their own rows) contribute none.
 */
export function reportFacts(record: SyncRecord): ReportFact[] {
  switch (record.kind) {
    case 'screening':
      // The screening names no day of its own: the tablet's time of the record, as a day in the municipality's zone.
      return [
        {
          indicator: 'screening',
          day: isoDateInZone(new Date(record.createdAt), REPORT_TIME_ZONE),
          district: districtOf(record.content),
          category: effectiveSupportNeed(record.content),
        },
      ];
    case 'consentRefusal':
      // Only a refused screening is part of a reach rate; other refusals are not reported.
      return record.content.setting === 'screening'
        ? [{ indicator: 'screening', day: record.content.date, district: districtOf(record.content), category: 'refused' }]
        : [];
    case 'welcomeVisit':
    case 'welcomeVisitAttempt':
      return [
        {
          indicator: 'welcomeOutcome',
          day: record.content.visitDate,
          district: districtOf(record.content),
          category: record.content.outcome,
        },
      ];
    case 'homeContact': {
      // HOME contacts report by foyer site, never by district.
      const day = record.content.contactDate;
      return [
        { indicator: 'homeSite', day, district: NO_DISTRICT, category: record.content.site },
        { indicator: 'homeKind', day, district: NO_DISTRICT, category: record.content.contactKind },
        ...record.content.topics.map((topic): ReportFact => ({ indicator: 'homeTopic', day, district: NO_DISTRICT, category: topic })),
      ];
    }
    case 'mediation':
      return record.content.languages.map((language): ReportFact => ({
        indicator: 'mediationLanguage',
        day: record.content.date,
        district: districtOf(record.content),
        category: language,
      }));
    case 'consent':
    case 'consentWithdrawal':
    case 'referral':
      return [];
  }
}

/** A report_counts row: how many facts share indicator, day, district and category. */
export interface ReportCount extends ReportFact {
  n: number;
}

/** A revision the server holds, with the four-eyes rule that applied when it was pushed. */
export interface StoredRevision {
  record: SyncRecord;
  policy: FourEyesPolicy;
  state: StoredRevisionState;
}

/** Adds up the facts of countable stored revisions into report_counts rows (sorted, zero rows left out). */
export function reportCounts(revisions: readonly StoredRevision[]): ReportCount[] {
  return countFacts(
    revisions.filter(({ record, policy, state }) => isCountable(record, policy, state)).flatMap(({ record }) => reportFacts(record)),
  );
}

/** Order of report_counts rows: indicator, day, district, category (code-point order, as `ORDER BY … COLLATE "C"`). */
export function compareCounts(a: ReportFact, b: ReportFact): number {
  for (const key of ['indicator', 'day', 'district', 'category'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}

/** A referral as the report sees it: one row per case and offer (the `referrals` table), while the case is not withdrawn. */
export interface ReferralForReport {
  offerType: string;
  state: ReferralState;
  /** The district the referral record named; null when none. */
  district: string | null;
  /** When the server made the referral (server time is authoritative). */
  createdAt: Date;
}

/** The referrals a referral record makes when it first arrives: one per named offer, in its first state. */
export function referralsMadeBy(record: ReferralRecord, offerTypeOf: (offerId: string) => string, createdAt: Date): ReferralForReport[] {
  const states = initialStates(record.content.slipHandedOver);
  const state = states[states.length - 1] ?? 'suggested';
  return [...new Set(record.content.offerIds)].map((offerId) => ({
    offerType: offerTypeOf(offerId),
    state,
    district: record.content.district ?? null,
    createdAt,
  }));
}

/** What one referral counts for: its offer type and its current state, on the day it was made. */
export function referralReportFacts(referral: ReferralForReport): ReportFact[] {
  const day = isoDateInZone(referral.createdAt, REPORT_TIME_ZONE);
  const district = referral.district ?? NO_DISTRICT;
  return [
    { indicator: 'referralOfferType', day, district, category: referral.offerType },
    { indicator: 'referralUptake', day, district, category: referral.state },
  ];
}

/** Counts of days in a period (YYYY-MM-DD, inclusive) added up by month: the rows a report publishes from. */
export function countRowsByMonth(counts: readonly ReportCount[], period: { from: string; to: string }): CountRow[] {
  const rows = new Map<string, CountRow>();
  for (const count of counts) {
    if (count.day < period.from || count.day > period.to) continue;
    const month = monthOfIsoDate(count.day);
    const key = [count.indicator, count.category, count.district, month].join('\u0000');
    const row = rows.get(key);
    if (row) row.n += count.n;
    else rows.set(key, { indicator: count.indicator, category: count.category, district: count.district, month, n: count.n });
  }
  return [...rows.values()];
}

/** Adds up facts into counts (sorted). */
export function countFacts(facts: readonly ReportFact[]): ReportCount[] {
  const counts = new Map<string, ReportCount>();
  for (const fact of facts) {
    const key = [fact.indicator, fact.day, fact.district, fact.category].join('\u0000');
    const row = counts.get(key);
    if (row) row.n += 1;
    else counts.set(key, { ...fact, n: 1 });
  }
  return [...counts.values()].sort(compareCounts);
}
