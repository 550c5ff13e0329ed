// The referral slip (Vermittlungsschein), in the family's language: for each
// offer its name, provider, address, phone, hours, what to bring — and the
// case number the partner confirms uptake by, and per offer the one-time slip
// code (text and QR) a partner without an account confirms with on the public
// page, together with its partner key — which is never on the slip. The family
// holds the key (DOMAIN.md): nothing about the family is printed but its case number.
// An offer whose partner reported a waiting list says so, in the family's language.
// Print CSS (styles.css, "referral slip") prints only the slip.
import './referral.css';
import { useId } from 'react';
import type { CatalogOffer } from '@shared/offers';
import { LANGUAGE_AUTONYMS, isFamilyLanguage } from '@shared/languages';
import { useFamilyTexts } from '../family-card/useFamilyTexts';
import { QrCodeSvg } from '../family-card/QrCodeSvg';
import { confirmationUrl } from '../partner-confirmation/confirmation-path';

export interface ReferralSlipProps {
  caseNumber: string;
  /** With its free places as pulled: an offer on a waiting list says so on the slip. */
  offers: readonly CatalogOffer[];
  /** The family's language (FAMILY_LANGUAGES); texts fall back to German. */
  language: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  /** The slip code drawn for each offer (by offer id); an offer without one shows none. */
  slipCodes?: Readonly<Record<string, string>>;
  /** This app's origin, for the QR code's link to the confirmation page. */
  origin?: string;
}

export function ReferralSlip({ caseNumber, offers, language, issuedOn, slipCodes = {}, origin = '' }: ReferralSlipProps) {
  const { t, dir } = useFamilyTexts(language);
  const titleId = useId();
  return (
    <article className="referral-slip" lang={language} dir={dir} aria-labelledby={titleId} data-testid="referral-slip">
      <h2 id={titleId}>{t('slip.title')}</h2>
      <p>{t('slip.intro')}</p>
      <p className="referral-slip__case">
        {t('slip.caseNumber')}:{' '}
        <bdi dir="ltr" translate="no" className="case-number-text" data-testid="referral-slip-case-number">
          {caseNumber}
        </bdi>
      </p>
      {offers.map((offer) => (
        <section key={offer.id} className="referral-slip__offer" data-offer-id={offer.id}>
          {/* Offer data is written by the coordinator in German: marked as such for screen readers. */}
          <h3 lang="de" dir="ltr">
            {offer.name}
          </h3>
          {offer.capacity?.status === 'waitingList' && (
            <p className="referral-slip__waiting-list" data-testid="referral-slip-waiting-list">
              {t('slip.waitingList')}: {t('slip.waitingListHint')}
            </p>
          )}
          <dl>
            <dt>{t('slip.organisation')}</dt>
            <dd lang="de" dir="ltr">
              {offer.organisation}
            </dd>
            {offer.address !== '' && (
              <>
                <dt>{t('slip.address')}</dt>
                <dd lang="de" dir="ltr">
                  {offer.address}
                </dd>
              </>
            )}
            {offer.phone !== '' && (
              <>
                <dt>{t('slip.phone')}</dt>
                <dd dir="ltr">
                  <bdi>{offer.phone}</bdi>
                </dd>
              </>
            )}
            {offer.hours !== '' && (
              <>
                <dt>{t('slip.hours')}</dt>
                <dd lang="de" dir="ltr">
                  {offer.hours}
                </dd>
              </>
            )}
            {offer.whatToBring !== '' && (
              <>
                <dt>{t('slip.whatToBring')}</dt>
                <dd lang="de" dir="ltr">
                  {offer.whatToBring}
                </dd>
              </>
            )}
            {offer.cost !== '' && (
              <>
                <dt>{t('slip.cost')}</dt>
                <dd lang="de" dir="ltr">
                  {offer.cost}
                </dd>
              </>
            )}
            <dt>{t('slip.languages')}</dt>
            <dd>
              {offer.languages
                .filter(isFamilyLanguage)
                .map((lang) => LANGUAGE_AUTONYMS[lang])
                .join(' · ')}
            </dd>
          </dl>
          {slipCodes[offer.id] !== undefined && (
            <div className="referral-slip__code">
              <QrCodeSvg
                className="referral-slip__qr"
                value={confirmationUrl(origin, slipCodes[offer.id] ?? '')}
                label={t('slip.confirmCodeQr')}
              />
              <p>
                {t('slip.confirmCode')}:{' '}
                <bdi dir="ltr" translate="no" className="case-number-text" data-testid="referral-slip-code">
                  {slipCodes[offer.id]}
                </bdi>
                <br />
                <span className="hint">{t('slip.confirmCodeHint')}</span>
              </p>
            </div>
          )}
        </section>
      ))}
      <p className="referral-slip__date">
        {t('slip.issuedOn')}: <bdi dir="ltr">{issuedOn}</bdi>
      </p>
    </article>
  );
}
