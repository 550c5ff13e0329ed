// Free places of an offer (docs/REFERRALS.md, "Capacity"): set by the offer's
// partner — with an account, or on the public page with the offer's partner
// key — and pulled by tablets with the catalogue. One schema for the partner's
// form, the server's check and the tablet's catalogue.
import { z } from 'zod';
import { partnerKeySchema } from './records/referral';

export const OFFER_CAPACITY_STATUSES = ['places', 'waitingList', 'full'] as const;
export type OfferCapacityStatus = (typeof OFFER_CAPACITY_STATUSES)[number];
export const MAX_CAPACITY_PLACES = 999;

/**
 * What a partner sets: a number of free places (0–999), "waiting list" or
 * "full". A number goes only with 'places' (strict: `places` with 'full' is refused).
 */
export const offerCapacityInputSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('places'), places: z.int().min(0).max(MAX_CAPACITY_PLACES) }),
  z.strictObject({ status: z.literal('waitingList') }),
  z.strictObject({ status: z.literal('full') }),
]);
export type OfferCapacityInput = z.infer<typeof offerCapacityInputSchema>;

/** As stored and pulled: the partner's figure and when it was set (server time). */
export const offerCapacitySchema = z.strictObject({
  status: z.enum(OFFER_CAPACITY_STATUSES),
  places: z.int().min(0).max(MAX_CAPACITY_PLACES).optional(),
  setAt: z.iso.datetime(),
});
export type OfferCapacity = z.infer<typeof offerCapacitySchema>;

/**
 * The catalogue's feature name (GET /api/sync/offers?features=…): older tablets
 * parse the catalogue strictly and do not know `capacity`, so it is sent only
 * to a tablet that names this feature.
 */
export const CATALOG_FEATURES_PARAM = 'features';
export const CAPACITY_FEATURE = 'capacity';

/** The partner's own offers (account partner view) with their current capacity. */
export const partnerOfferCapacityListSchema = z.strictObject({
  offers: z.array(
    z.strictObject({
      offerId: z.string(),
      offerName: z.string(),
      capacity: offerCapacitySchema.nullable(),
    }),
  ),
});
export type PartnerOfferCapacityList = z.infer<typeof partnerOfferCapacityListSchema>;
export const partnerCapacityRequestSchema = z.strictObject({ capacity: offerCapacityInputSchema });

/**
 * The public page: the partner key alone names the offer (no slip code).
 * `capacity` is checked by the service, after the key, so a refusal there is
 * audited against the offer; the shape here only bounds the request.
 */
export const publicCapacityLookupSchema = z.strictObject({ partnerKey: partnerKeySchema });
export const publicCapacityRequestSchema = z.strictObject({
  partnerKey: partnerKeySchema,
  capacity: z.object({ status: z.string().max(40), places: z.number().optional() }),
});
export const publicCapacitySchema = z.strictObject({
  offerName: z.string(),
  capacity: offerCapacitySchema.nullable(),
});
export type PublicCapacity = z.infer<typeof publicCapacitySchema>;
