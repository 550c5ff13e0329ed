// A referral (Vermittlung): staff select one or more offers with the family
// from an approved record of its case (a screening or a welcome visit). The
// family takes the referral slip(s) and its case number card; the partner
// confirms uptake by the case number. The record names the offers, the record
// it came from and the family's language — never anything else about the family.
import { z } from 'zod';
import { FAMILY_LANGUAGES } from '../languages';
import { UUID_PATTERN } from '../ids';

export const REFERRAL_SCHEMA_VERSION = 1;
/** More staff keys than this per partner organisation are not sealed to (the box list stays small). */
export const MAX_HANDOVER_RECIPIENTS = 20;
export const REFERRAL_NOTE_MAX_LENGTH = 300;
export const MAX_OFFERS_PER_REFERRAL = 10;

export const offerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidOffer' });

export const referralContentSchema = z
  .strictObject({
    /** The approved record of the case the referral came from (screening or welcome visit). */
    sourceRecordId: z.string().regex(UUID_PATTERN, { message: 'invalidId' }),
    offerIds: z
      .array(offerIdSchema)
      .min(1, { message: 'offerRequired' })
      .max(MAX_OFFERS_PER_REFERRAL)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'duplicateOffer' }),
    /** The language the slip was printed in, and the partner should expect. */
    language: z.enum(FAMILY_LANGUAGES, { error: 'unknownLanguage' }),
    /** Did the family take the slip (handed over), or only hear of the offer (suggested)? */
    slipHandedOver: z.boolean(),
    /** Residence district (Sozialraum) id for small-area reports, if known. */
    district: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional(),
    /** Only what the family agreed the partner may read; shown to the partner as is. */
    sharedNote: z.string().trim().min(1).max(REFERRAL_NOTE_MAX_LENGTH, { message: 'noteTooLong' }).optional(),
    /**
     * The family explicitly asked this offer's partner to call them back and agreed
     * that its number goes to that partner, sealed (warm handover). The number
     * itself is never content: it travels beside it (src/shared/handover-api.ts).
     */
    callbackOfferId: offerIdSchema.optional(),
  })
  .refine((content) => content.callbackOfferId === undefined || content.offerIds.includes(content.callbackOfferId), {
    message: 'callbackOfferNotReferred',
    path: ['callbackOfferId'],
  });
export type ReferralContent = z.infer<typeof referralContentSchema>;

// Warm handover (src/shared/handover-api.ts has the partner's side): the boxes
// a call-back number is sealed in, sent beside the record's content.
export const base64UrlSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'invalidEncoding' });
export const handoverKeyIdSchema = z.string().regex(UUID_PATTERN, { message: 'invalidId' });

export const handoverBoxSchema = z.strictObject({
  keyId: handoverKeyIdSchema,
  epk: base64UrlSchema(200),
  iv: base64UrlSchema(16),
  ct: base64UrlSchema(400),
});

/** Sent with a referral record (beside its content): the boxes for the one offer whose partner calls back. */
export const warmHandoverSchema = z.strictObject({
  offerId: offerIdSchema,
  boxes: z
    .array(handoverBoxSchema)
    .min(1)
    .max(MAX_HANDOVER_RECIPIENTS)
    .refine((boxes) => new Set(boxes.map((box) => box.keyId)).size === boxes.length, { message: 'duplicateKey' }),
});
export type WarmHandover = z.infer<typeof warmHandoverSchema>;

/** Crockford base-32 without I, L, O, U (src/domain/slip-code.ts reads typed input into this shape). */
const CROCKFORD_SYMBOL = '[0-9A-HJKMNP-TV-Z]';
/** A slip code in canonical form: 8 symbols, 4-4 (40 random bits, drawn on the tablet). */
export const SLIP_CODE_PATTERN = new RegExp(`^${CROCKFORD_SYMBOL}{4}-${CROCKFORD_SYMBOL}{4}$`);
/** A partner key in canonical form: 16 symbols, 4-4-4-4 (key id + 60-bit secret, issued by the server). */
export const PARTNER_KEY_PATTERN = new RegExp(`^${CROCKFORD_SYMBOL}{4}(-${CROCKFORD_SYMBOL}{4}){3}$`);
export const slipCodeSchema = z.string().regex(SLIP_CODE_PATTERN, { message: 'invalidSlipCode' });
export const partnerKeySchema = z.string().regex(PARTNER_KEY_PATTERN, { message: 'invalidPartnerKey' });

/**
 * Sent with a referral record (beside its content, like a warm handover): the
 * slip code printed for each offer, so the partner can confirm without an
 * account. The server keeps only a hash of each (docs/REFERRALS.md).
 */
export const slipCodesSchema = z
  .array(z.strictObject({ offerId: offerIdSchema, code: slipCodeSchema }))
  .min(1)
  .max(MAX_OFFERS_PER_REFERRAL)
  .refine((codes) => new Set(codes.map((c) => c.offerId)).size === codes.length, { message: 'duplicateOffer' })
  .refine((codes) => new Set(codes.map((c) => c.code)).size === codes.length, { message: 'duplicateSlipCode' });
export type SlipCodes = z.infer<typeof slipCodesSchema>;
