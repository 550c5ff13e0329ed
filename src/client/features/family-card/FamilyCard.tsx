// The family's card: its case number as large grouped text and as a QR code,
// in the family's language. The family holds the key (DOMAIN.md): partners
// confirm uptake by this number, so the system never needs the name.
// Print CSS (styles.css, "family card") prints only this card, black on white.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { caseNumberParts } from '@domain/case-number';
import { staffViewShown } from '@domain/family-mode';
import { useFamilyMode } from '../../app/FamilyModeContext';
import { QrCodeSvg } from './QrCodeSvg';
import { useFamilyTexts } from './useFamilyTexts';
import { formatFamilyDate } from './family-date';

export interface FamilyCardProps {
  caseNumber: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  /** The family's language code (FAMILY_LANGUAGES); texts fall back to German. */
  language: string;
  /**
   * The municipality's contact line, e.g. "Stadt Moers, Frühe Hilfen, 02841 201-0" (set by the
   * office); null while none is set: the card then names no contact, and staff are told.
   */
  municipalityContact: string | null;
}

export function FamilyCard({ caseNumber, issuedOn, language, municipalityContact }: FamilyCardProps) {
  const { t: staffT } = useTranslation('cases');
  const { t, dir } = useFamilyTexts(language);
  // Printing and the staff hints are staff's (in the staff language): not while the family holds the tablet.
  const staffView = staffViewShown(useFamilyMode().holder);
  const titleId = useId();
  const parts = caseNumberParts(caseNumber);
  const groups = parts ? [...(parts.prefix === null ? [] : [parts.prefix]), ...parts.groups] : [caseNumber];

  return (
    <div className="family-card-sheet">
      <article className="family-card" lang={language} dir={dir} aria-labelledby={titleId} data-testid="family-card">
        <h2 id={titleId} className="family-card__title">
          {t('card.title')}
        </h2>
        <div className="family-card__body">
          <div className="family-card__number-block">
            <p className="family-card__number-label">{t('card.numberLabel')}</p>
            {/* Case numbers read left to right in every language. */}
            <p className="family-card__number" dir="ltr" translate="no">
              <bdi dir="ltr" data-testid="family-card-number">
                {groups.map((group, index) => (
                  <span key={index}>
                    {index > 0 && <span className="family-card__separator">-</span>}
                    <span className="family-card__group">{group}</span>
                  </span>
                ))}
              </bdi>
            </p>
          </div>
          <QrCodeSvg className="family-card__qr" value={caseNumber} label={t('card.qrLabel')} />
        </div>
        <p className="family-card__text">{t('card.explanation')}</p>
        <p className="family-card__text">{t('card.useIt')}</p>
        <p className="family-card__text">{t('card.keepIt')}</p>
        <dl className="family-card__facts">
          <div>
            <dt>{t('card.issuedOn')}</dt>
            <dd>
              <time dateTime={issuedOn}>{formatFamilyDate(issuedOn, language)}</time>
            </dd>
          </div>
          {municipalityContact !== null && (
            <div>
              <dt>{t('card.contact')}</dt>
              <dd>
                <bdi>{municipalityContact}</bdi>
              </dd>
            </div>
          )}
        </dl>
      </article>
      {staffView && (
        <div className="actions family-card__actions">
          <button
            type="button"
            className="button button--primary button--large"
            aria-describedby={`${titleId}-print-hint`}
            onClick={() => {
              window.print();
            }}
          >
            {staffT('cardActions.print')}
          </button>
          <p id={`${titleId}-print-hint`} className="hint">
            {staffT('cardActions.printHint')}
          </p>
          {municipalityContact === null && (
            <p className="hint" data-testid="family-card-no-contact">
              {staffT('cardActions.noContact')}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
