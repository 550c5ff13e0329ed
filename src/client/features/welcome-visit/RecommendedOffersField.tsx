// "Empfohlene Angebote" of a welcome visit: offers of the municipality's
// catalogue as cached on the tablet (pulled at sync, used offline), grouped by
// type, those fitting the family's district first. A chosen id the catalogue no
// longer holds (a restored draft, a correction) stays visible so it can be
// unticked; the shared schema refuses it with "unknownOffer".
import type { UseFormRegisterReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { CatalogOffer } from '@shared/offers';
import { arrangeReferralOffers } from '@domain/referral-offers';

export function RecommendedOffersField({
  catalogue,
  chosen,
  district,
  field,
  error,
  legacyTypes,
}: {
  /** The cached catalogue's offers; null when the tablet has none yet, undefined while reading it. */
  catalogue: readonly CatalogOffer[] | null | undefined;
  chosen: readonly string[];
  district: string | undefined;
  field: UseFormRegisterReturn;
  error: string | null;
  /** Labels of the offer types the visit being corrected recommended before the catalogue (version 1). */
  legacyTypes: readonly string[];
}) {
  const { t } = useTranslation(['welcome-visit', 'referral']);
  const known = new Set((catalogue ?? []).map((offer) => offer.id));
  const unknown = chosen.filter((id) => !known.has(id));
  const groups = arrangeReferralOffers(catalogue ?? [], { suggestedIds: [], agePhase: 'baby', district }).byType;
  const invalid = error !== null;
  return (
    <fieldset
      className="choice-group recommended-offers"
      aria-invalid={invalid ? true : undefined}
      aria-describedby="offers-hint"
      data-testid="recommended-offers"
    >
      <legend>{t('fields.offersRecommended')}</legend>
      <p id="offers-hint" className="hint">
        {catalogue === null ? t('offersNoCatalogue') : t('offersHint')}
      </p>
      {legacyTypes.length > 0 && (
        <p className="notice" data-testid="legacy-offer-types">
          {t('offersLegacyTypes', { types: legacyTypes.join(', ') })}
        </p>
      )}
      <div className="recommended-offers__groups">
        {groups.map((group) => (
          <div key={group.type} className="recommended-offers__group" data-offer-type={group.type}>
            <p className="recommended-offers__type">{t(`referral:offerTypes.${group.type}`)}</p>
            <div className="choices">
              {group.offers.map(({ offer, mismatches }) => (
                <label key={offer.id} className="choice">
                  <input type="checkbox" value={offer.id} {...field} />
                  <span>
                    {offer.name}
                    {mismatches.includes('district') && (
                      <span className="recommended-offers__note"> · {t('referral:tablet.mismatch.district')}</span>
                    )}
                  </span>
                </label>
              ))}
            </div>
          </div>
        ))}
      </div>
      {unknown.length > 0 && (
        <div className="choices">
          {unknown.map((id) => (
            <label key={id} className="choice">
              <input type="checkbox" value={id} {...field} />
              <span>{t('offerNotInCatalogue', { id })}</span>
            </label>
          ))}
        </div>
      )}
      {invalid && <p className="field__error">{error}</p>}
    </fieldset>
  );
}
