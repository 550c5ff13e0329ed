// One line about a mediation deployment for the record list: Kita, with whom,
// and the languages, each in its own name and marked with its language.
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediationContent } from '@shared/records/mediation';
import { LANGUAGE_AUTONYMS, isFamilyLanguage, textDirection } from '@shared/languages';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';

export function MediationSummary({ content }: { content: MediationContent }) {
  const { t } = useTranslation('mediation');
  const { storage } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const site = config?.homeSites.find((s) => s.id === content.site)?.label ?? t('unknownSite');
  return (
    <>
      <span className="record__title">{t('summary', { site, with: t(`with.${content.with}`) })}</span>
      <span className="record__meta">
        {content.languages.map((lang, index) => (
          <Fragment key={lang}>
            {index > 0 && ', '}
            {isFamilyLanguage(lang) ? (
              <bdi lang={lang} dir={textDirection(lang)}>
                {LANGUAGE_AUTONYMS[lang]}
              </bdi>
            ) : (
              t('languageOther')
            )}
          </Fragment>
        ))}
      </span>
    </>
  );
}
