// Rules of the HOME contact (Mönchengladbach foyers): the time slot follows the
// clock, so the common case is logged with a handful of taps.
import type { HomeContactContent } from '@shared/records/home-contact';
import { TIME_SLOTS } from '@shared/records/home-contact';
import { localIsoDate } from './dates';

// Kept until the client forms import it from ./dates (they are being rewritten in parallel).
export { localIsoDate };

export type TimeSlot = (typeof TIME_SLOTS)[number];

/** Foyer time slot from the local hour: before 10:00 drop-off, from 14:00 pick-up. */
export function timeSlotAt(hour: number): TimeSlot {
  if (hour < 10) return 'dropOff';
  if (hour >= 14) return 'pickUp';
  return 'daytime';
}

/** The site a person last logged a contact at, and on which day (nothing else is kept). */
export interface SiteOfDay {
  siteId: string;
  date: string;
}

/**
 * A fresh form: today, the current slot, and the site — the one a HOME partner
 * logged at earlier today (she stands in one foyer all morning), else the one
 * site if there is only one. A site no longer configured is never preselected.
 */
export function homeContactDefaults(now: Date, siteIds: readonly string[], siteOfDay?: SiteOfDay): Partial<HomeContactContent> {
  const defaults: Partial<HomeContactContent> = {
    contactDate: localIsoDate(now),
    timeSlot: timeSlotAt(now.getHours()),
    contactKind: 'shortTalk',
    topics: [],
    language: 'de',
    mediatorPresent: false,
  };
  if (siteOfDay !== undefined && siteOfDay.date === localIsoDate(now) && siteIds.includes(siteOfDay.siteId))
    defaults.site = siteOfDay.siteId;
  else if (siteIds.length === 1 && siteIds[0] !== undefined) defaults.site = siteIds[0];
  return defaults;
}
