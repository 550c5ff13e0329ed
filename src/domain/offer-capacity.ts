// How the tablet reads an offer's free places at referral time (docs/REFERRALS.md,
// "Capacity"): how old the partner's figure is, and whether to warn — the offer
// is full, or the figure is older than 30 days. A warning never blocks the
// referral: going anyway is the family's choice.
import type { OfferCapacity } from '@shared/offer-capacity';

/** A figure older than this many days is no longer trusted (the tablet says so). */
export const CAPACITY_STALE_AFTER_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days since the partner set the figure (0 = less than a day; a clock behind the server's counts as 0). */
export function capacityAgeDays(capacity: Pick<OfferCapacity, 'setAt'>, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(capacity.setAt)) / DAY_MS));
}

export type CapacityWarning = 'full' | 'stale';

/** What the tablet warns about: a full offer (or no place left) and a figure older than 30 days; empty = nothing. */
export function capacityWarnings(capacity: OfferCapacity, now: Date): CapacityWarning[] {
  const warnings: CapacityWarning[] = [];
  if (capacity.status === 'full' || (capacity.status === 'places' && capacity.places === 0)) warnings.push('full');
  if (capacityAgeDays(capacity, now) > CAPACITY_STALE_AFTER_DAYS) warnings.push('stale');
  return warnings;
}
