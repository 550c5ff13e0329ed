// The referral slip (Vermittlungsschein), in the family's language: for each
// offer its name, provider, address, phone, hours, what to bring — and the
// case number the partner confirms uptake by, and per offer the one-time slip
// code (text and QR) a partner without an account confirms with on the public
// page, together with its partner key — which is never on the slip. The family
// holds the key (DOMAIN.md): nothing about the family is printed but its case number.
// An offer whose partner reported a waiting list says so, in the family's language.
// Opening hours, what to bring, cost and how to get there are in the family's
// language where the catalogue has them; else the German text, marked "(in German)"
// in the family's language. The date is in the one form families read (family-date.ts).
// Print CSS (styles.css, "referral slip") prints only the slip.
import './referral.css';
import { useId, type ReactNode } from 'react';
import { familyText, type CatalogOffer, type OfferFamilyTextField } from '@shared/offers';
import { LANGUAGE_AUTONYMS, isFamilyLanguage } from '@shared/languages';
import { useFamilyTexts } from '../family-card/useFamilyTexts';
import { QrCodeSvg } from '../family-card/QrCodeSvg';
import { formatFamilyDate } from '../family-card/family-date';
import { confirmationUrl } from '../partner-confirmation/confirmation-path';

export interface ReferralSlipProps {
  caseNumber: string;
  /** With its free places as pulled: an offer on a waiting list says so on the slip. */
  offers: readonly CatalogOffer[];
  /** The family's language (FAMILY_LANGUAGES); texts fall back to German. */
  language: string;
  /** YYYY-MM-DD; shown long, in the family's language. */
  issuedOn: string;
  /** The slip code drawn for each offer (by offer id); an offer without one shows none. */
  slipCodes?: Readonly<Record<string, string>>;
  /** This app's origin, for the QR code's link to the confirmation page. */
  origin?: string;
}

/** The slip's order of the texts a family reads; each in its language where the catalogue has it. */
const SLIP_TEXT_FIELDS: readonly OfferFamilyTextField[] = ['hours', 'whatToBring', 'cost', 'directions'];

/**
 * One label with its value, kept together as one row: in right-to-left print the value starts right
 * next to its label, not a page width away (German values are isolated inside, not the whole cell).
 */
function SlipFact({ label, field, children }: { label: string; field?: OfferFamilyTextField; children: ReactNode }) {
  return (
    <div className="referral-slip__fact" data-field={field}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
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
          {/* The offer's name is written by the coordinator in German: marked as such for screen readers, isolated in RTL. */}
          <h3>
            <bdi lang="de">{offer.name}</bdi>
          </h3>
          {offer.capacity?.status === 'waitingList' && (
            <p className="referral-slip__waiting-list" data-testid="referral-slip-waiting-list">
              {t('slip.waitingList')}: {t('slip.waitingListHint')}
            </p>
          )}
          <dl>
            <SlipFact label={t('slip.organisation')}>
              <bdi lang="de">{offer.organisation}</bdi>
            </SlipFact>
            {offer.address !== '' && (
              <SlipFact label={t('slip.address')}>
                <bdi lang="de">{offer.address}</bdi>
              </SlipFact>
            )}
            {offer.phone !== '' && (
              <SlipFact label={t('slip.phone')}>
                <bdi dir="ltr">{offer.phone}</bdi>
              </SlipFact>
            )}
            {SLIP_TEXT_FIELDS.map((field) => {
              const text = familyText(offer, field, language);
              if (text === null) return null;
              return (
                <SlipFact key={field} label={t(`slip.${field}`)} field={field}>
                  {text.german ? (
                    <>
                      <bdi lang="de">{text.text}</bdi>{' '}
                      <small className="referral-slip__in-german" data-testid="referral-slip-in-german">
                        {t('slip.inGerman')}
                      </small>
                    </>
                  ) : (
                    <bdi>{text.text}</bdi>
                  )}
                </SlipFact>
              );
            })}
            <SlipFact label={t('slip.languages')}>
              {offer.languages
                .filter(isFamilyLanguage)
                .map((lang) => LANGUAGE_AUTONYMS[lang])
                .join(' · ')}
            </SlipFact>
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
        {t('slip.issuedOn')}: <time dateTime={issuedOn}>{formatFamilyDate(issuedOn, language)}</time>
      </p>
    </article>
  );
}
