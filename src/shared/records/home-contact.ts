// A HOME contact: a HOME partner's short contact in a Kita, family-centre or
// school foyer (Mönchengladbach, DOMAIN.md). The simplest record: no case
// number, nothing personal — where, when, what kind, which topics.
import { z } from 'zod';
import { SPOKEN_LANGUAGES } from '../languages';

export const HOME_CONTACT_SCHEMA_VERSION = 1;

export const TIME_SLOTS = ['dropOff', 'daytime', 'pickUp'] as const;
export const CONTACT_KINDS = ['shortTalk', 'counselling', 'offerContactInitiated'] as const;
export const HOME_TOPICS = [
  'childcare',
  'parenting',
  'health',
  'languageSupport',
  'schoolEntry',
  'money',
  'housing',
  'leisure',
  'other',
] as const;

export const HOME_NOTE_MAX_LENGTH = 500;

// Error messages are keys the form translates (locales/<lang>/home-contact.json → errors).
const choice = { error: 'invalidChoice' } as const;

/** Ids of configured sites (foyers): lower-case slugs, set per municipality. */
export const siteIdSchema = z.string({ error: 'invalidSiteId' }).regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidSiteId' });
export const isoDateSchema = z.iso.date({ error: 'invalidDate' });

export const homeContactContentSchema = z.strictObject({
  site: siteIdSchema,
  contactDate: isoDateSchema,
  timeSlot: z.enum(TIME_SLOTS, choice),
  contactKind: z.enum(CONTACT_KINDS, choice),
  topics: z
    .array(z.enum(HOME_TOPICS, choice), { error: 'topicsRequired' })
    .min(1, { message: 'topicsRequired' })
    .max(HOME_TOPICS.length)
    .refine((topics) => new Set(topics).size === topics.length, { message: 'duplicateTopic' }),
  language: z.enum(SPOKEN_LANGUAGES, choice),
  mediatorPresent: z.boolean(choice),
  /** Short free-text note. Never names, addresses, phone numbers (the form says so). */
  note: z.string().max(HOME_NOTE_MAX_LENGTH, { message: 'noteTooLong' }).optional(),
});

export type HomeContactContent = z.infer<typeof homeContactContentSchema>;
