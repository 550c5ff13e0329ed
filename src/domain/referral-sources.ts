// Which records a referral can start from, the one home of that rule: the
// tablet's referral screen, the four-eyes rule ("records that recommend offers")
// and the server's linking of a referral to its source record all ask here.
import type { RecordKind, SyncRecord } from '@shared/records/sync-record';
import { WELCOME_VISIT_TYPES_SCHEMA_VERSION } from '@shared/records/welcome-visit';
import type { AgePhase } from './offer-matching';

/** Record kinds a referral can be made from: the ones that recommend offers to a family. */
export const REFERRAL_SOURCE_KINDS = ['screening', 'welcomeVisit'] as const satisfies readonly RecordKind[];
export type ReferralSourceKind = (typeof REFERRAL_SOURCE_KINDS)[number];

const SOURCE_KINDS: ReadonlySet<string> = new Set(REFERRAL_SOURCE_KINDS);

export function isReferralSourceKind(kind: string | undefined): kind is ReferralSourceKind {
  return kind !== undefined && SOURCE_KINDS.has(kind);
}

/**
 * The offers a record recommends to the family (none for kinds that cannot start
 * a referral): catalogue offer ids, or offer types in a version-1 welcome visit.
 * Any recommendation at all makes the record one that creates a referral (four-eyes).
 */
export function recommendedOffers(record: SyncRecord): readonly string[] {
  switch (record.kind) {
    case 'welcomeVisit':
      return record.content.offersRecommended;
    case 'screening':
      return record.content.suggestedOffers;
    default:
      return [];
  }
}

/** What a source record tells the referral screen: the catalogue offers it suggests, and about the family. */
export interface ReferralSuggestion {
  /** `screening`: found by offer matching; `welcomeVisit`: recommended at the visit. */
  reason: ReferralSourceKind;
  /** Catalogue offer ids, in the record's order. */
  offerIds: readonly string[];
  /** Offer types a welcome visit recommended before visits named catalogue offers (schema version 1). */
  offerTypes: readonly string[];
  agePhase: AgePhase | undefined;
  district: string | undefined;
}

/** Screenings are made in the birth clinic and welcome visits in the first weeks of life: both are about a baby. */
const SOURCE_AGE_PHASE: AgePhase = 'baby';
const WEEKS_OF_BABY_PHASE = 52;

export function referralSuggestion(record: SyncRecord): ReferralSuggestion | null {
  switch (record.kind) {
    case 'screening':
      return {
        reason: 'screening',
        offerIds: record.content.suggestedOffers,
        offerTypes: [],
        agePhase: SOURCE_AGE_PHASE,
        district: record.content.district,
      };
    case 'welcomeVisit': {
      const types = record.schemaVersion === WELCOME_VISIT_TYPES_SCHEMA_VERSION;
      return {
        reason: 'welcomeVisit',
        offerIds: types ? [] : record.content.offersRecommended,
        offerTypes: types ? record.content.offersRecommended : [],
        agePhase: record.content.weekOfLife <= WEEKS_OF_BABY_PHASE ? SOURCE_AGE_PHASE : undefined,
        district: record.content.district,
      };
    }
    default:
      return null;
  }
}

/**
 * The catalogue offers a record names by id, with where in the record, for the
 * server's check against the municipality's catalogue: a referral's offers, and
 * a welcome visit's recommended offers from schema version 2 (version 1 named types).
 */
export function catalogueOffersNamed(record: SyncRecord): { path: string; offerIds: readonly string[] } | null {
  if (record.kind === 'referral') return { path: 'content.offerIds', offerIds: record.content.offerIds };
  if (record.kind === 'welcomeVisit' && record.schemaVersion !== WELCOME_VISIT_TYPES_SCHEMA_VERSION) {
    return { path: 'content.offersRecommended', offerIds: record.content.offersRecommended };
  }
  return null;
}
