// Gathers what the tablet knows into the home's work items: records, drafts
// and referral states, each with the facts the pure ordering needs
// (domain/home-work.ts). Nothing here leaves the tablet.
import type { StoredRecord } from '../../storage';
import type { TabletReferralStates } from '@shared/referral-api';
import { recordSection, referralNeedsFollowUp, type WorkFacts } from '@domain/home-work';
import { urgencyOf, type QueueUrgency } from '@domain/review-queue';
import type { ConsentScope } from '@shared/records/consent';
import type { DraftItem } from '../records/work-items';
import { referralBlocker } from '../referral/eligibility';

export type ReferralStateEntry = TabletReferralStates['referrals'][number];

export type WorkItem =
  | { type: 'record'; record: StoredRecord; facts: WorkFacts }
  | { type: 'draft'; draft: DraftItem; facts: WorkFacts }
  | { type: 'referral'; referral: ReferralStateEntry; facts: WorkFacts };

/** Acute danger or "Dringend" of a screening; every other record is routine. */
export function recordUrgency(record: StoredRecord): QueueUrgency {
  return record.envelope?.kind === 'screening' ? urgencyOf(record.envelope.content) : 'routine';
}

export interface WorkInput {
  records: readonly StoredRecord[];
  drafts: readonly DraftItem[];
  referrals: readonly ReferralStateEntry[];
  userId: string | undefined;
  /** Authors of awaiting records for whom another approver is set up on this tablet. */
  checkableOwners: ReadonlySet<string>;
  /** The scopes of each case's consent on this tablet. */
  consentScopes: ReadonlyMap<string, readonly ConsentScope[]>;
  /** The municipality's follow-up weeks (its configuration; DEFAULT_NO_RESPONSE_WEEKS when the tablet has none). */
  noResponseWeeks: number;
  now: Date;
}

export function workItems(input: WorkInput): WorkItem[] {
  const records = input.records.map((record): WorkItem => {
    const caseNumber = record.envelope?.caseNumber ?? null;
    const readyToRefer =
      record.referralPending === true && caseNumber !== null && referralBlocker(record, input.consentScopes.get(caseNumber)) === null;
    const section = recordSection({
      mine: input.userId !== undefined && record.ownerId === input.userId,
      hasContent: record.envelope !== null,
      reviewState: record.reviewState,
      checkableHere: input.checkableOwners.has(record.ownerId),
      readyToRefer,
    });
    const since = section === 'sentBack' ? (record.review?.decidedAt ?? record.updatedAt) : record.createdAt;
    return { type: 'record', record, facts: { id: record.id, section, urgency: recordUrgency(record), since } };
  });
  const drafts = input.drafts.map((draft): WorkItem => ({
    type: 'draft',
    draft,
    facts: { id: draft.draftId, section: 'drafts', urgency: 'routine', since: draft.updatedAt },
  }));
  // The office's rule for following up a referral, with the municipality's own weeks.
  const referrals = input.referrals.map((referral): WorkItem => ({
    type: 'referral',
    referral,
    facts: {
      id: referral.id,
      section: referralNeedsFollowUp(referral.state, referral.stateChangedAt, input.now, input.noResponseWeeks) ? 'referralFollowUp' : null,
      urgency: 'routine',
      since: referral.stateChangedAt,
    },
  }));
  return [...records, ...drafts, ...referrals];
}
