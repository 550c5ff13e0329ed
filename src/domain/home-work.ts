// What needs the person on the tablet's home (issue 17): sent back to them,
// waiting for a second check on this tablet, referrals to follow up, and
// drafts — in that order, each section urgent first (acute danger, then
// "Dringend", the rule of review-queue.ts), then the longest waiting, ties by
// id so the order never jumps between two renders. Empty sections are left out.
// A case's entries in time order for the case view, and which workflow the
// consent's "continue with …" offers, are here too. Pure: the
// screen gathers the facts (client/features/home), this decides the order.
import type { TabletWorkflow } from '@shared/organisation-workflows';
import type { ConsentSetting } from '@shared/records/consent';
import { isOverdue, type ReferralState } from './referral-state';
import type { QueueUrgency } from './review-queue';

export const HOME_SECTIONS = ['sentBack', 'secondCheckHere', 'referralFollowUp', 'drafts'] as const;
export type HomeSection = (typeof HOME_SECTIONS)[number];

/** What the home needs to know about one thing that may need the person. */
export interface WorkFacts {
  id: string;
  /** Where it belongs; null: nothing to do about it here. */
  section: HomeSection | null;
  urgency: QueueUrgency;
  /** Since when it waits (ISO 8601): saved, sent back, handed over, last changed. */
  since: string;
}

export interface HomeSectionItems<T> {
  section: HomeSection;
  items: T[];
  /** How many of them are urgent (acute danger or "Dringend"). */
  urgent: number;
}

const RANK: Readonly<Record<QueueUrgency, number>> = { acuteDanger: 0, urgent: 1, routine: 2 };

function byUrgencyThenAge(a: WorkFacts, b: WorkFacts): number {
  return RANK[a.urgency] - RANK[b.urgency] || Date.parse(a.since) - Date.parse(b.since) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The home's sections in their fixed order, without the empty ones; items urgent first, then oldest. */
export function homeSections<T>(items: readonly T[], factsOf: (item: T) => WorkFacts): HomeSectionItems<T>[] {
  const keyed = items.map((item) => ({ item, facts: factsOf(item) }));
  return HOME_SECTIONS.flatMap((section) => {
    const inSection = keyed.filter((entry) => entry.facts.section === section).sort((a, b) => byUrgencyThenAge(a.facts, b.facts));
    if (inSection.length === 0) return [];
    return [
      {
        section,
        items: inSection.map((entry) => entry.item),
        urgent: inSection.filter((entry) => entry.facts.urgency !== 'routine').length,
      },
    ];
  });
}

/** A record's place on the home, from what the tablet knows of it. */
export interface RecordWorkFacts {
  /** Saved by the unlocked person on this tablet. */
  mine: boolean;
  /** Its content is still on the tablet (not a content-free stub). */
  hasContent: boolean;
  reviewState: 'notRequired' | 'awaiting' | 'approved' | 'sentBack';
  /** An approver other than its author is set up on this tablet. */
  checkableHere: boolean;
  /** A referral could be made from it now and none was made yet. */
  readyToRefer: boolean;
}

export function recordSection(facts: RecordWorkFacts): HomeSection | null {
  if (!facts.hasContent) return null;
  if (facts.reviewState === 'sentBack') return facts.mine ? 'sentBack' : null;
  if (facts.reviewState === 'awaiting') return facts.checkableHere ? 'secondCheckHere' : null;
  return facts.readyToRefer ? 'referralFollowUp' : null;
}

/**
 * A referral the family has not been confirmed for after `weeks` weeks (the office's
 * follow-up rule, domain/referral-state.ts), or one the coordinator marked "no response":
 * staff who see the family again can ask.
 */
export function referralNeedsFollowUp(state: ReferralState, stateChangedAt: string, now: Date, weeks: number): boolean {
  return state === 'noResponse' || isOverdue(state, new Date(stateChangedAt), now, weeks);
}

/** A case's entries in the order they happened (oldest first), ties by id. Returns a new array. */
export function caseTimeline<T>(items: readonly T[], entryOf: (item: T) => { id: string; at: string }): T[] {
  return [...items].sort((a, b) => {
    const x = entryOf(a);
    const y = entryOf(b);
    return Date.parse(x.at) - Date.parse(y.at) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  });
}

/**
 * The workflow "continue with …" opens once a family consented: the consent's setting, only
 * when the person is offered that workflow (their organisation's workflows, among those their
 * roles allow — the home's buttons). Otherwise null: no such button, the person returns home.
 */
export function continueAfterConsent(setting: ConsentSetting, offered: readonly TabletWorkflow[]): ConsentSetting | null {
  return offered.includes(setting) ? setting : null;
}
