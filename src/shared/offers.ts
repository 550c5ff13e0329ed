// The local network's offers (Angebote): what a family can be referred to.
// Maintained by coordinators, pulled by tablets and used offline to suggest
// matching offers. Organisation contact data only — never a family's.
import { z } from 'zod';
import { FAMILY_LANGUAGES, type FamilyLanguage } from './languages';
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

/**
 * The offer's texts a family reads on its referral slip, kept per language
 * besides German: opening hours, what to bring, cost, how to get there. German
 * (the offer's own fields) is the source and the fallback: a translation needs
 * its German text (`translationsWithoutGerman`).
 */
export const OFFER_FAMILY_TEXT_FIELDS = ['hours', 'whatToBring', 'cost', 'directions'] as const;
export type OfferFamilyTextField = (typeof OFFER_FAMILY_TEXT_FIELDS)[number];
/** The languages an offer's family texts can be translated into: every family language but German. */
export const OFFER_TRANSLATION_LANGUAGES = FAMILY_LANGUAGES.filter(
  (language): language is Exclude<FamilyLanguage, 'de'> => language !== 'de',
);
export type OfferTranslationLanguage = (typeof OFFER_TRANSLATION_LANGUAGES)[number];
export const OFFER_FAMILY_TEXT_MAX: Readonly<Record<OfferFamilyTextField, number>> = {
  hours: 240,
  whatToBring: 240,
  cost: 160,
  directions: 240,
};

const translatedText = (max: number) => z.string().trim().min(1, { message: 'empty' }).max(max, { message: 'tooLong' });
/** One language's texts: only those translated (an empty text is left out, not sent as ""). */
export const offerTranslationSchema = z.strictObject({
  hours: translatedText(OFFER_FAMILY_TEXT_MAX.hours).optional(),
  whatToBring: translatedText(OFFER_FAMILY_TEXT_MAX.whatToBring).optional(),
  cost: translatedText(OFFER_FAMILY_TEXT_MAX.cost).optional(),
  directions: translatedText(OFFER_FAMILY_TEXT_MAX.directions).optional(),
});
export type OfferTranslation = z.infer<typeof offerTranslationSchema>;
export const offerTranslationsSchema = z.partialRecord(z.enum(OFFER_TRANSLATION_LANGUAGES), offerTranslationSchema);
export type OfferTranslations = z.infer<typeof offerTranslationsSchema>;

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
  /**
   * How to get there (bus stop, entrance), in German. Optional in the contract: a catalogue pulled
   * by an older tablet, or cached before this field existed, has none.
   */
  directions: z.string().max(OFFER_FAMILY_TEXT_MAX.directions).optional(),
  /** The family texts in other languages (OFFER_FAMILY_TEXT_FIELDS); absent as for `directions`. */
  translations: offerTranslationsSchema.optional(),
});
export type Offer = z.infer<typeof offerSchema>;

/** Where a translation has no German text to fall back to: `translations.<language>.<field>` paths (empty = fine). */
export function translationsWithoutGerman(offer: Pick<Offer, OfferFamilyTextField | 'translations'>): string[] {
  const paths: string[] = [];
  for (const language of OFFER_TRANSLATION_LANGUAGES) {
    const texts = offer.translations?.[language];
    if (texts === undefined) continue;
    for (const field of OFFER_FAMILY_TEXT_FIELDS) {
      if (texts[field] !== undefined && (offer[field] ?? '') === '') paths.push(`translations.${language}.${field}`);
    }
  }
  return paths;
}

/** The same translations, without languages that hold no text (how they are stored and compared). */
export function compactTranslations(translations: OfferTranslations | undefined): OfferTranslations {
  const compact: OfferTranslations = {};
  for (const language of OFFER_TRANSLATION_LANGUAGES) {
    const texts = translations?.[language];
    if (texts === undefined) continue;
    const kept: OfferTranslation = {};
    for (const field of OFFER_FAMILY_TEXT_FIELDS) {
      const text = texts[field];
      if (text !== undefined && text !== '') kept[field] = text;
    }
    if (Object.keys(kept).length > 0) compact[language] = kept;
  }
  return compact;
}

/**
 * The text a family reads in its language: the translation where the catalogue has one, else the
 * German text, marked as such (`german: true`) so the slip can say so; null when there is no text.
 */
export function familyText(
  offer: Pick<Offer, OfferFamilyTextField | 'translations'>,
  field: OfferFamilyTextField,
  language: string,
): { text: string; german: boolean } | null {
  const translated = OFFER_TRANSLATION_LANGUAGES.find((candidate) => candidate === language);
  const text = translated === undefined ? undefined : offer.translations?.[translated]?.[field];
  if (text !== undefined && text !== '') return { text, german: false };
  const german = offer[field] ?? '';
  return german === '' ? null : { text: german, german: language !== 'de' };
}

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

/** The catalogue's feature (GET /api/sync/offers?features=…) for `directions` and `translations`; see CAPACITY_FEATURE. */
export const FAMILY_TEXTS_FEATURE = 'familyTexts';

export const offerCatalogResponseSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  /** Changes when any offer changes; the tablet keeps the last catalog it got. */
  version: z.string(),
  offers: z.array(catalogOfferSchema),
  /** Per offer, the partner staff keys a call-back number is sealed to (warm handover); none → no call-back. */
  callbackKeys: callbackKeysSchema.default([]),
});
export type OfferCatalogResponse = z.infer<typeof offerCatalogResponseSchema>;
