// The words for an offer's free places and their age ("3 freie Plätze · Stand
// vor 5 Tagen"): shared by the tablet's referral screen, the coordinator's
// catalogue and the partner's forms, so all say the same.
import type { TFunction } from 'i18next';
import { capacityAgeDays } from '@domain/offer-capacity';
import type { OfferCapacity, OfferCapacityInput } from '@shared/offer-capacity';

/** The status alone: "3 freie Plätze", "Warteliste", "Ausgebucht". */
export function capacityStatusLabel(t: TFunction<'referral'>, capacity: OfferCapacityInput | OfferCapacity): string {
  if (capacity.status === 'places') return t('capacity.places', { count: capacity.places ?? 0 });
  return t(`capacity.${capacity.status}`);
}

/** Status and age, as of `now`. */
export function capacityLine(t: TFunction<'referral'>, capacity: OfferCapacity, now: Date): string {
  return t('capacity.line', {
    status: capacityStatusLabel(t, capacity),
    age: t('capacity.age', { count: capacityAgeDays(capacity, now) }),
  });
}
