// A referral (Vermittlung): staff select one or more offers with the family
// from an approved record of its case (a screening or a welcome visit). The
// family takes the referral slip(s) and its case number card; the partner
// confirms uptake by the case number. The record names the offers, the record
// it came from and the family's language — never anything else about the family.
import { z } from 'zod';
import { FAMILY_LANGUAGES } from '../languages';
import { UUID_PATTERN } from '../ids';

export const REFERRAL_SCHEMA_VERSION = 1;
export const REFERRAL_NOTE_MAX_LENGTH = 300;
export const MAX_OFFERS_PER_REFERRAL = 10;

const offerId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidOffer' });

export const referralContentSchema = z.strictObject({
  /** The approved record of the case the referral came from (screening or welcome visit). */
  sourceRecordId: z.string().regex(UUID_PATTERN, { message: 'invalidId' }),
  offerIds: z
    .array(offerId)
    .min(1, { message: 'offerRequired' })
    .max(MAX_OFFERS_PER_REFERRAL)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'duplicateOffer' }),
  /** The language the slip was printed in, and the partner should expect. */
  language: z.enum(FAMILY_LANGUAGES, { error: 'unknownLanguage' }),
  /** Did the family take the slip (handed over), or only hear of the offer (suggested)? */
  slipHandedOver: z.boolean(),
  /** Residence district (Sozialraum) id for small-area reports, if known. */
  district: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).optional(),
  /** Only what the family agreed the partner may read; shown to the partner as is. */
  sharedNote: z.string().trim().min(1).max(REFERRAL_NOTE_MAX_LENGTH, { message: 'noteTooLong' }).optional(),
  /**
   * The family explicitly asked this offer's partner to call them back and agreed
   * that its number goes to that partner, sealed (warm handover). The number
   * itself is never content: it travels beside it (src/shared/handover-api.ts).
   */
  callbackOfferId: offerId.optional(),
}).refine((content) => content.callbackOfferId === undefined || content.offerIds.includes(content.callbackOfferId), {
  message: 'callbackOfferNotReferred',
  path: ['callbackOfferId'],
});
export type ReferralContent = z.infer<typeof referralContentSchema>;
