// Which records a referral can start from, the one home of that rule: the
// tablet's referral screen, the four-eyes rule ("records that recommend offers")
// and the server's linking of a referral to its source record all ask here.
import type { RecordKind, SyncRecord } from '@shared/records/sync-record';

/** Record kinds a referral can be made from: the ones that recommend offers to a family. */
export const REFERRAL_SOURCE_KINDS = ['screening', 'welcomeVisit'] as const satisfies readonly RecordKind[];
export type ReferralSourceKind = (typeof REFERRAL_SOURCE_KINDS)[number];

const SOURCE_KINDS: ReadonlySet<string> = new Set(REFERRAL_SOURCE_KINDS);

export function isReferralSourceKind(kind: string | undefined): kind is ReferralSourceKind {
  return kind !== undefined && SOURCE_KINDS.has(kind);
}

/** The offers a record recommends to the family (none for kinds that cannot start a referral). */
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
