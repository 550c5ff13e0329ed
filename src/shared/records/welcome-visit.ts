// A welcome visit (Willkommensbesuch, Gelsenkirchen): family-support staff
// visit every family with a first child, 1–8 weeks after birth. A visit that
// did not happen (nobody at home, declined) is only counted for reach rates:
// no case, no content beyond the outcome and the day.
import { z } from 'zod';
import { isoDateSchema } from './home-contact';
import { districtField } from './district';

export const WELCOME_VISIT_SCHEMA_VERSION = 1;
export const WELCOME_VISIT_NOTE_MAX_LENGTH = 500;

export const WELCOME_OUTCOMES = ['visited', 'nobodyHome', 'declined'] as const;
export const WELCOME_TOPICS = [
  'childcarePlace',
  'babyGroups',
  'feeding',
  'sleep',
  'healthCheckUps',
  'moneyAndLeave',
  'familyCentre',
  'languageCourses',
  'other',
] as const;
/** Default items handed over; a municipality configures its own list (ids). */
export const DEFAULT_WELCOME_ITEMS = ['welcomeBag', 'infoBook', 'calendar', 'gift'] as const;
/** The visit's usual window; outside it the form warns, it does not refuse. */
export const WELCOME_WEEK_WINDOW = { from: 1, to: 8 } as const;

const itemId = z.string().regex(/^[a-z][a-zA-Z0-9-]{0,40}$/);

/** A visit that took place, for a consented case. */
export const welcomeVisitContentSchema = z
  .strictObject({
    outcome: z.literal('visited'),
    visitDate: isoDateSchema,
    /** Week of the child's life (never a birth date). */
    weekOfLife: z.int({ error: 'invalidWeek' }).min(0, { message: 'invalidWeek' }).max(52, { message: 'invalidWeek' }),
    firstChild: z.boolean({ error: 'invalidChoice' }),
    topics: z
      .array(z.enum(WELCOME_TOPICS, { error: 'invalidChoice' }))
      .max(WELCOME_TOPICS.length)
      .refine((t) => new Set(t).size === t.length, { message: 'duplicateTopic' }),
    itemsHandedOver: z
      .array(itemId)
      .max(20)
      .refine((t) => new Set(t).size === t.length, { message: 'duplicateItem' }),
    /** Offer types recommended to the family (catalog ids once the offer catalog exists). */
    offersRecommended: z.array(z.string().regex(/^[a-z][a-zA-Z0-9-]{0,62}$/)).max(20),
    followUpWished: z.boolean(),
    followUpDate: isoDateSchema.optional(),
    note: z.string().max(WELCOME_VISIT_NOTE_MAX_LENGTH, { message: 'noteTooLong' }).optional(),
    ...districtField,
  })
  .refine((v) => v.followUpWished || v.followUpDate === undefined, { message: 'followUpDateWithoutWish', path: ['followUpDate'] });
export type WelcomeVisitContent = z.infer<typeof welcomeVisitContentSchema>;

/** A visit that did not take place: counted for reach rates, nothing else. */
export const welcomeVisitAttemptContentSchema = z.strictObject({
  outcome: z.enum(['nobodyHome', 'declined']),
  visitDate: isoDateSchema,
  ...districtField,
});
export type WelcomeVisitAttemptContent = z.infer<typeof welcomeVisitAttemptContentSchema>;
