// The offers to choose from in the referral flow: first the ones the source
// record suggested ("Vorgeschlagen", with why), then every other offer of the
// cached catalogue grouped by type (src/domain/referral-offers.ts). Each offer
// says when it may not suit the family (age, district) and how full it is; no
// warning blocks the choice.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogOffer } from '@shared/offers';
import type { ListedOffer, ReferralOfferList } from '@domain/referral-offers';
import type { ReferralSourceKind } from '@domain/referral-sources';
import { OfferCapacityNote } from './OfferCapacityNote';

export interface ReferralOfferChoiceProps {
  list: ReferralOfferList<CatalogOffer>;
  /** Which record suggested the first group (null: no source record on this tablet). */
  reason: ReferralSourceKind | null;
  /** Labels of the offer types a version-1 welcome visit recommended (no catalogue offers then). */
  recommendedTypes: readonly string[];
  chosen: readonly string[];
  max: number;
  now: Date;
  onToggle: (offerId: string) => void;
}

export function ReferralOfferChoice({ list, reason, recommendedTypes, chosen, max, now, onToggle }: ReferralOfferChoiceProps) {
  const { t } = useTranslation('referral');
  const id = useId();
  const option = ({ offer, mismatches }: ListedOffer<CatalogOffer>) => (
    <label key={offer.id} className="choice choice--block referral-offer" data-offer-id={offer.id}>
      <input
        type="checkbox"
        checked={chosen.includes(offer.id)}
        disabled={!chosen.includes(offer.id) && chosen.length >= max}
        onChange={() => {
          onToggle(offer.id);
        }}
      />
      <span>
        <strong>{offer.name}</strong>
        <br />
        {offer.organisation} · {t(`offerTypes.${offer.type}`)}
        {mismatches.map((mismatch) => (
          <span key={mismatch} className="referral-offer__mismatch" data-testid="offer-mismatch">
            {t(`tablet.mismatch.${mismatch}`)}
          </span>
        ))}
        {/* The partner's free places as pulled, with their age; a warning never blocks the choice. */}
        <OfferCapacityNote capacity={offer.capacity} now={now} />
      </span>
    </label>
  );
  const hasSuggestions = list.suggested.length > 0 || recommendedTypes.length > 0 || list.missingSuggestions.length > 0;
  return (
    <fieldset className="choice-group referral-offers">
      <legend>{t('tablet.chooseOffers', { max })}</legend>
      {hasSuggestions && reason !== null && (
        <section
          className="referral-offers__group referral-offers__group--suggested"
          aria-labelledby={`${id}-suggested`}
          data-testid="suggested-offers"
        >
          <h2 id={`${id}-suggested`}>{t('tablet.suggested.title')}</h2>
          <p className="hint">{t(`tablet.suggested.reason.${reason}`)}</p>
          {list.suggested.map(option)}
          {recommendedTypes.length > 0 && (
            <p className="notice" data-testid="recommended-types">
              {t('tablet.suggested.types', { types: recommendedTypes.join(', ') })}
            </p>
          )}
          {list.missingSuggestions.length > 0 && (
            <p className="hint" data-testid="suggestions-missing">
              {t('tablet.suggested.missing', { count: list.missingSuggestions.length })}
            </p>
          )}
        </section>
      )}
      {list.byType.length > 0 && (
        <h2 className="referral-offers__others">{hasSuggestions ? t('tablet.otherOffers') : t('tablet.allOffers')}</h2>
      )}
      <div className="referral-offers__types">
        {list.byType.map((group) => (
          <section
            key={group.type}
            className="referral-offers__group"
            aria-labelledby={`${id}-${group.type}`}
            data-testid="offer-type-group"
            data-offer-type={group.type}
          >
            <h3 id={`${id}-${group.type}`}>{t(`offerTypes.${group.type}`)}</h3>
            {group.offers.map(option)}
          </section>
        ))}
      </div>
    </fieldset>
  );
}
