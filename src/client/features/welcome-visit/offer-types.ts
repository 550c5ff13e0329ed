// Offer TYPES that welcome visits recommended before they named offers of the
// municipality's catalogue (schema version 1, src/shared/records/welcome-visit.ts).
// New visits never write them; old, signed records keep them, and are shown with these labels.
import type { TFunction } from 'i18next';

export const LEGACY_WELCOME_OFFER_TYPES = [
  'familienhebamme',
  'familienbildung',
  'elterncafe',
  'kita-platz',
  'erziehungsberatung',
  'migrationsdienst',
] as const;
type LegacyOfferType = (typeof LEGACY_WELCOME_OFFER_TYPES)[number];

const isLegacyOfferType = (id: string): id is LegacyOfferType => (LEGACY_WELCOME_OFFER_TYPES as readonly string[]).includes(id);

/** The label of an offer type an old visit recommended; an id the list never had is shown as it is. */
export function legacyOfferTypeLabel(id: string, t: TFunction<'welcome-visit'>): string {
  return isLegacyOfferType(id) ? t(`offers.${id}`) : id;
}
