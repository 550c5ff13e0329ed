// The local network's offers (Angebote): what a family can be referred to.
// Maintained by coordinators, pulled by tablets and used offline to suggest
// matching offers. Organisation contact data only — never a family's.
import { z } from 'zod';
import { FAMILY_LANGUAGES } from './languages';
import { UUID_PATTERN } from './ids';
import { offerCapacitySchema } from './offer-capacity';

export const OFFER_TYPES = [
  'familienhebamme',
  'schwangerschaftsberatung',
  'erziehungsberatung',
  'fruehfoerderstelle',
  'spz',
  'familienbildung',
  'elterncafe',
  'kitaPlatzVermittlung',
  'asd',
  'migrationsdienst',
  'schuldnerberatung',
  'kinderarzt',
  'gesundheitsamt',
  'jobcenter',
] as const;
export const OFFER_FIELDS = ['health', 'youthWelfare', 'education', 'social'] as const;
export const AGE_PHASES = ['pregnancy', 'baby', 'toddler', 'kita', 'school'] as const;

export const offerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  name: z.string().min(1).max(160),
  organisation: z.string().min(1).max(160),
  type: z.enum(OFFER_TYPES),
  agePhases: z.array(z.enum(AGE_PHASES)).min(1),
  fields: z.array(z.enum(OFFER_FIELDS)).min(1),
  /** District ids (Sozialräume) served; empty = the whole municipality. */
  districts: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)),
  languages: z.array(z.enum(FAMILY_LANGUAGES)).min(1),
  cost: z.string().max(160),
  address: z.string().max(240),
  phone: z.string().max(60),
  hours: z.string().max(240),
  whatToBring: z.string().max(240),
});
export type Offer = z.infer<typeof offerSchema>;

/** The keys a tablet seals a call-back number to (warm handover), per offer whose partner staff have one. */
export const callbackKeysSchema = z.array(
  z.strictObject({
    offerId: offerSchema.shape.id,
    keys: z
      .array(
        z.strictObject({
          keyId: z.string().regex(UUID_PATTERN),
          publicKey: z
            .string()
            .min(1)
            .max(200)
            .regex(/^[A-Za-z0-9_-]+$/),
        }),
      )
      .min(1)
      .max(20),
  }),
);
export type CallbackKeys = z.infer<typeof callbackKeysSchema>;

/**
 * An offer as the tablet pulls it: with its free places where the partner set
 * them (only for a tablet that asks for the 'capacity' feature; src/shared/offer-capacity.ts).
 */
export const catalogOfferSchema = offerSchema.extend({ capacity: offerCapacitySchema.optional() });
export type CatalogOffer = z.infer<typeof catalogOfferSchema>;

export const offerCatalogResponseSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  /** Changes when any offer changes; the tablet keeps the last catalog it got. */
  version: z.string(),
  offers: z.array(catalogOfferSchema),
  /** Per offer, the partner staff keys a call-back number is sealed to (warm handover); none → no call-back. */
  callbackKeys: callbackKeysSchema.default([]),
});
export type OfferCatalogResponse = z.infer<typeof offerCatalogResponseSchema>;
