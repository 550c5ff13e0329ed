// Offer TYPES a welcome visit can recommend: a small fixed set of ids. The named
// offers of the municipality's catalog (features/referral, shared/offers.ts) are
// chosen in the referral that may follow; its schema accepts
// catalog ids too.
export const WELCOME_OFFER_TYPES = [
  'familienhebamme',
  'familienbildung',
  'elterncafe',
  'kita-platz',
  'erziehungsberatung',
  'migrationsdienst',
] as const;
export type WelcomeOfferType = (typeof WELCOME_OFFER_TYPES)[number];
