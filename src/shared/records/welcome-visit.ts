// A welcome visit (Willkommensbesuch, Gelsenkirchen): family-support staff
// visit every family with a first child, 1–8 weeks after birth. A visit that
// did not happen (nobody at home, declined) is only counted for reach rates:
// no case, no content beyond the outcome and the day.
//
// Schema versions of a visit that took place: version 1 recommended offer TYPES
// (a fixed list of ids such as "familienhebamme"); from version 2 it recommends
// offers of the municipality's catalogue by their id. Records are signed and
// sealed, so old ones are never rewritten: readers ask the version what the ids mean.
import { z } from 'zod';
import { isoDateSchema } from './home-contact';
import { districtField } from './district';
import { offerIdSchema } from './referral';

/** The version new visits are written with: recommended offers are catalogue offer ids. */
export const WELCOME_VISIT_SCHEMA_VERSION = 2;
/** Visits written before the catalogue: recommended offers are offer types (read, never written any more). */
export const WELCOME_VISIT_TYPES_SCHEMA_VERSION = 1;
/** The schema versions a welcome visit record may carry. */
export const WELCOME_VISIT_SCHEMA_VERSIONS = [WELCOME_VISIT_TYPES_SCHEMA_VERSION, WELCOME_VISIT_SCHEMA_VERSION] as const;
/** A visit that did not take place: unchanged since version 1. */
export const WELCOME_VISIT_ATTEMPT_SCHEMA_VERSION = 1;
/** More recommended offers than this are refused (a visit recommends a few, not the catalogue). */
export const MAX_RECOMMENDED_OFFERS = 20;
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
    /**
     * Offers recommended to the family: catalogue offer ids (schema version 2), offer
     * types in version-1 records. The record schema holds each version to its format.
     */
    offersRecommended: z.array(z.string().regex(/^[a-z0-9][a-zA-Z0-9-]{0,62}$/, { message: 'unknownOffer' })).max(MAX_RECOMMENDED_OFFERS),
    followUpWished: z.boolean(),
    followUpDate: isoDateSchema.optional(),
    note: z.string().max(WELCOME_VISIT_NOTE_MAX_LENGTH, { message: 'noteTooLong' }).optional(),
    ...districtField,
  })
  .refine((v) => v.followUpWished || v.followUpDate === undefined, { message: 'followUpDateWithoutWish', path: ['followUpDate'] });
export type WelcomeVisitContent = z.infer<typeof welcomeVisitContentSchema>;

/** A catalogue offer id as a version-2 visit names it (the referral's offer id format). */
export function isCatalogueOfferId(id: string): boolean {
  return offerIdSchema.safeParse(id).success;
}

/**
 * The visit's content, its recommended offers also checked against a catalogue
 * (the tablet's cached one while the form is filled in; undefined while it is
 * still being read checks the id format only): an offer the catalogue does not
 * hold is refused with `unknownOffer`. The server checks the same
 * against the municipality's catalogue when the record arrives.
 */
export function welcomeVisitContentSchemaFor(known: ReadonlySet<string> | undefined) {
  return welcomeVisitContentSchema.superRefine((content, ctx) => {
    if (new Set(content.offersRecommended).size !== content.offersRecommended.length) {
      ctx.addIssue({ code: 'custom', message: 'duplicateOffer', path: ['offersRecommended'] });
    }
    content.offersRecommended.forEach((id, index) => {
      if (!isCatalogueOfferId(id) || (known !== undefined && !known.has(id))) {
        ctx.addIssue({ code: 'custom', message: 'unknownOffer', path: ['offersRecommended', index] });
      }
    });
  });
}

/** A visit that did not take place: counted for reach rates, nothing else. */
export const welcomeVisitAttemptContentSchema = z.strictObject({
  outcome: z.enum(['nobodyHome', 'declined']),
  visitDate: isoDateSchema,
  ...districtField,
});
export type WelcomeVisitAttemptContent = z.infer<typeof welcomeVisitAttemptContentSchema>;
