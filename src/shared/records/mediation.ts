// A language and culture mediation deployment (Münster): a mediator in a
// Kita, with Kita staff, parents or both — which languages, which topics,
// whether a follow-up is needed. No family is named; it may be linked to a
// consented case.
import { z } from 'zod';
import { SPOKEN_LANGUAGES } from '../languages';
import { isoDateSchema } from './home-contact';
import { districtField } from './district';

export const MEDIATION_SCHEMA_VERSION = 1;
export const MEDIATION_NOTE_MAX_LENGTH = 500;

export const MEDIATION_WITH = ['kitaStaff', 'parents', 'both'] as const;
export const MEDIATION_TOPICS = [
  'howKitaWorks',
  'developmentTalk',
  'conflict',
  'religiousOrCultural',
  'schoolEntry',
  'health',
  'languageSupport',
  'other',
] as const;

export const mediationContentSchema = z.strictObject({
  /** Kita id from the municipality's configured list (same list as HOME sites). */
  site: z.string({ error: 'invalidSiteId' }).regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidSiteId' }),
  date: isoDateSchema,
  languages: z
    .array(z.enum(SPOKEN_LANGUAGES, { error: 'invalidChoice' }), { error: 'languagesRequired' })
    .min(1, { message: 'languagesRequired' })
    .max(SPOKEN_LANGUAGES.length)
    .refine((l) => new Set(l).size === l.length, { message: 'duplicateLanguage' }),
  with: z.enum(MEDIATION_WITH, { error: 'invalidChoice' }),
  topics: z
    .array(z.enum(MEDIATION_TOPICS, { error: 'invalidChoice' }), { error: 'topicsRequired' })
    .min(1, { message: 'topicsRequired' })
    .max(MEDIATION_TOPICS.length)
    .refine((t) => new Set(t).size === t.length, { message: 'duplicateTopic' }),
  followUpNeeded: z.boolean(),
  note: z.string().max(MEDIATION_NOTE_MAX_LENGTH, { message: 'noteTooLong' }).optional(),
  ...districtField,
});
export type MediationContent = z.infer<typeof mediationContentSchema>;
