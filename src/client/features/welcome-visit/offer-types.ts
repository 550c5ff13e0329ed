// Offer TYPES a welcome visit can recommend, for now a small fixed set with
// ids. The municipality's offer catalog (concrete offers, providers, contacts)
// comes later: then these choices come from the catalog and the ids stored in
// `offersRecommended` become catalog ids (the schema already allows both).
export const WELCOME_OFFER_TYPES = [
  'familienhebamme',
  'familienbildung',
  'elterncafe',
  'kita-platz',
  'erziehungsberatung',
  'migrationsdienst',
] as const;
export type WelcomeOfferType = (typeof WELCOME_OFFER_TYPES)[number];

export function isWelcomeOfferType(id: string): id is WelcomeOfferType {
  return (WELCOME_OFFER_TYPES as readonly string[]).includes(id);
}
