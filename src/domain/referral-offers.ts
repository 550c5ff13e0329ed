// The offers the referral screen lists, in the order staff go through them with
// the family (pure; runs offline on the tablet against the cached catalogue):
//   1. "Vorgeschlagen": the offers the source record suggested (the screening's
//      offer matching, or the welcome visit's recommendation), in the record's order;
//   2. every other offer, grouped by offer type (in the catalogue's type order),
//      within a group the offers that fit the family (age phase, district) first,
//      then by name (then id), so the list never reshuffles between visits.
// An offer that does not fit is still listed, with why: staff may know better.
import { OFFER_TYPES, type Offer } from '@shared/offers';
import { servesDistrict, type AgePhase } from './offer-matching';

export type OfferType = (typeof OFFER_TYPES)[number];
/** Why an offer may not suit the family (shown next to it; it never hides the offer). */
export type OfferMismatch = 'agePhase' | 'district';

export interface ReferralNeed {
  /** Offer ids the source record suggested, in its order (unknown ones are reported, not listed). */
  suggestedIds: readonly string[];
  /** The child's age phase, if the source record tells it. */
  agePhase?: AgePhase | undefined;
  /** The family's district (Sozialraum), if the source record names it. */
  district?: string | undefined;
}

export interface ListedOffer<O extends Offer> {
  offer: O;
  mismatches: OfferMismatch[];
}

export interface ReferralOfferList<O extends Offer> {
  suggested: ListedOffer<O>[];
  /** The other offers, one group per type that has any, in OFFER_TYPES order. */
  byType: { type: OfferType; offers: ListedOffer<O>[] }[];
  /** Suggested ids the catalogue no longer holds (removed since the record was made). */
  missingSuggestions: string[];
}

const collator = new Intl.Collator('de');

export function offerMismatches(offer: Offer, need: Pick<ReferralNeed, 'agePhase' | 'district'>): OfferMismatch[] {
  const mismatches: OfferMismatch[] = [];
  if (need.agePhase !== undefined && !offer.agePhases.includes(need.agePhase)) mismatches.push('agePhase');
  if (!servesDistrict(offer, need.district)) mismatches.push('district');
  return mismatches;
}

export function arrangeReferralOffers<O extends Offer>(offers: readonly O[], need: ReferralNeed): ReferralOfferList<O> {
  const byId = new Map(offers.map((offer) => [offer.id, offer]));
  const listed = (offer: O): ListedOffer<O> => ({ offer, mismatches: offerMismatches(offer, need) });
  const suggestedIds = [...new Set(need.suggestedIds)];
  const suggested = suggestedIds.flatMap((id) => {
    const offer = byId.get(id);
    return offer === undefined ? [] : [listed(offer)];
  });
  const taken = new Set(suggested.map((entry) => entry.offer.id));
  const rest = offers.filter((offer) => !taken.has(offer.id)).map(listed);
  rest.sort(
    (a, b) =>
      a.mismatches.length - b.mismatches.length ||
      collator.compare(a.offer.name, b.offer.name) ||
      (a.offer.id < b.offer.id ? -1 : a.offer.id > b.offer.id ? 1 : 0),
  );
  const byType = OFFER_TYPES.map((type) => ({ type, offers: rest.filter((entry) => entry.offer.type === type) })).filter(
    (group) => group.offers.length > 0,
  );
  return { suggested, byType, missingSuggestions: suggestedIds.filter((id) => !byId.has(id)) };
}
