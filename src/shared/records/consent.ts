// Consent (Einwilligung) is a record of its own (DESIGN.md §3): which scopes
// the family agreed to, in which language, the version and hash of the exact
// text it was shown, and whether a language/culture mediator was present.
// Who obtained it and when the server received it come from the envelope.
// A refusal is only an anonymous count; a withdrawal names the case number only.
import { z } from 'zod';
import { FAMILY_LANGUAGES, SPOKEN_LANGUAGES } from '../languages';
import { CONTENT_HASH_PATTERN } from '../content-hash';
import { isoDateSchema } from './home-contact';
import { districtField } from './district';

export const CONSENT_SCHEMA_VERSION = 1;
export const CONSENT_REFUSAL_SCHEMA_VERSION = 1;
export const CONSENT_WITHDRAWAL_SCHEMA_VERSION = 1;

export const CONSENT_SCOPES = ['documentation', 'referral', 'followUpContact', 'statistics'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** The workflows in which consent is asked for (and refusals counted). */
export const CONSENT_SETTINGS = ['screening', 'welcomeVisit', 'homeContact', 'mediation'] as const;
export type ConsentSetting = (typeof CONSENT_SETTINGS)[number];

export const consentContentSchema = z
  .strictObject({
    scopes: z
      .array(z.enum(CONSENT_SCOPES))
      .min(1, { message: 'scopesRequired' })
      .max(CONSENT_SCOPES.length)
      .refine((s) => new Set(s).size === s.length, { message: 'duplicateScope' }),
    setting: z.enum(CONSENT_SETTINGS, { error: 'invalidChoice' }),
    language: z.enum(FAMILY_LANGUAGES, { error: 'unknownLanguage' }),
    textVersion: z.string().regex(/^[0-9]{4}-[0-9]{2}$/, { message: 'unknownConsentText' }),
    textHash: z.string().regex(CONTENT_HASH_PATTERN, { message: 'unknownConsentText' }),
    mediatorPresent: z.boolean(),
    mediatorLanguage: z.enum(SPOKEN_LANGUAGES).optional(),
    /** When the family agreed, by the tablet's clock (advisory). */
    givenAt: z.iso.datetime({ offset: true }),
    /** The family's district as stated at consent: the case's later records on the tablet start with it. */
    ...districtField,
  })
  .refine((c) => c.mediatorPresent || c.mediatorLanguage === undefined, {
    message: 'mediatorLanguageWithoutMediator',
    path: ['mediatorLanguage'],
  });
export type ConsentContent = z.infer<typeof consentContentSchema>;

export const consentRefusalContentSchema = z.strictObject({
  setting: z.enum(CONSENT_SETTINGS, { error: 'invalidChoice' }),
  /** The day only: a refusal is counted for reach rates and says nothing else. */
  date: isoDateSchema,
  ...districtField,
});
export type ConsentRefusalContent = z.infer<typeof consentRefusalContentSchema>;

export const consentWithdrawalContentSchema = z.strictObject({
  withdrawnAt: z.iso.datetime({ offset: true }),
});
export type ConsentWithdrawalContent = z.infer<typeof consentWithdrawalContentSchema>;
