// Which offers of the local network fit a family's need (pure; runs offline on
// the tablet against the cached catalogue). An offer fits when it works in at
// least one of the needed fields. Ranking, each rule only breaking ties of the
// one before:
//   1. serves the family's district (or the whole municipality),
//   2. offers the family's language,
//   3. serves the child's age phase,
//   4. shares more of the needed fields,
//   5. by name (then id), so equal offers always come in the same order.
// A criterion the need leaves open (no district, language or age phase) ranks nothing.
import type { AGE_PHASES, Offer } from '@shared/offers';

export type AgePhase = (typeof AGE_PHASES)[number];

export interface OfferNeed {
  fields: readonly string[];
  agePhase?: AgePhase | undefined;
  /** District id (Sozialraum) the family lives in. */
  district?: string | undefined;
  language?: string | undefined;
}

export const DEFAULT_OFFER_LIMIT = 5;

interface Scored {
  offer: Offer;
  district: number;
  language: number;
  agePhase: number;
  sharedFields: number;
}

const collator = new Intl.Collator('de');

export function servesDistrict(offer: Offer, district: string | undefined): boolean {
  return district === undefined || offer.districts.length === 0 || offer.districts.includes(district);
}

export function matchOffers(offers: readonly Offer[], need: OfferNeed, limit: number = DEFAULT_OFFER_LIMIT): Offer[] {
  if (limit <= 0) return [];
  const needed = new Set(need.fields);
  const scored: Scored[] = [];
  for (const offer of offers) {
    const sharedFields = offer.fields.filter((field) => needed.has(field)).length;
    if (sharedFields === 0) continue;
    const offerLanguages: readonly string[] = offer.languages;
    scored.push({
      offer,
      district: servesDistrict(offer, need.district) ? 1 : 0,
      language: need.language !== undefined && offerLanguages.includes(need.language) ? 1 : 0,
      agePhase: need.agePhase !== undefined && offer.agePhases.includes(need.agePhase) ? 1 : 0,
      sharedFields,
    });
  }
  scored.sort(
    (a, b) =>
      b.district - a.district ||
      b.language - a.language ||
      b.agePhase - a.agePhase ||
      b.sharedFields - a.sharedFields ||
      collator.compare(a.offer.name, b.offer.name) ||
      (a.offer.id < b.offer.id ? -1 : a.offer.id > b.offer.id ? 1 : 0),
  );
  return scored.slice(0, limit).map((s) => s.offer);
}
