// The offer form's texts for families in other languages: per language, the
// four texts of the referral slip (opening hours, what to bring, cost, how to
// get there). Each input shows the German text it stands for; where a language
// has none, the slip prints the German text marked "in German".
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  OFFER_FAMILY_TEXT_FIELDS,
  OFFER_FAMILY_TEXT_MAX,
  OFFER_TRANSLATION_LANGUAGES,
  type OfferFamilyTextField,
  type OfferTranslationLanguage,
  type OfferTranslations,
} from '@shared/offers';
import { LANGUAGE_AUTONYMS, textDirection } from '@shared/languages';

export interface OfferTranslationsFieldsProps {
  /** The German texts (the offer's own fields): shown with each translation, and required before one. */
  german: Readonly<Record<OfferFamilyTextField, string>>;
  translations: OfferTranslations;
  onChange: (translations: OfferTranslations) => void;
  /** The message for a field path such as `translations.ar.cost`, if it is invalid. */
  errorFor: (path: string) => string | undefined;
}

/** A language's name in the staff's language ("Arabisch"), as Intl knows it; the code where it does not. */
function useLanguageNames(): (language: OfferTranslationLanguage) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([i18n.language], { type: 'language' });
    } catch {
      names = null;
    }
    return (language) => names?.of(language) ?? language;
  }, [i18n.language]);
}

export function OfferTranslationsFields({ german, translations, onChange, errorFor }: OfferTranslationsFieldsProps) {
  const { t } = useTranslation('referral');
  const languageName = useLanguageNames();
  const set = (language: OfferTranslationLanguage, field: OfferFamilyTextField, text: string) => {
    onChange({ ...translations, [language]: { ...translations[language], [field]: text } });
  };
  return (
    <fieldset className="field offer-translations" data-testid="offer-translations">
      <legend>{t('catalog.translations.title')}</legend>
      <p className="hint">{t('catalog.translations.hint')}</p>
      {OFFER_TRANSLATION_LANGUAGES.map((language) => {
        const texts = translations[language] ?? {};
        const count = OFFER_FAMILY_TEXT_FIELDS.filter((field) => (texts[field] ?? '').trim() !== '').length;
        const invalid = OFFER_FAMILY_TEXT_FIELDS.some((field) => errorFor(`translations.${language}.${field}`) !== undefined);
        return (
          <details key={language} className="offer-translations__language" open={invalid || undefined} data-language={language}>
            <summary>
              {t('catalog.translations.language', { language: languageName(language), autonym: LANGUAGE_AUTONYMS[language] })}
              {' · '}
              <span className="hint">{t('catalog.translations.status', { count, total: OFFER_FAMILY_TEXT_FIELDS.length })}</span>
            </summary>
            {OFFER_FAMILY_TEXT_FIELDS.map((field) => {
              const id = `offer-${field}-${language}`;
              const error = errorFor(`translations.${language}.${field}`);
              return (
                <div className="field" key={field}>
                  <label htmlFor={id}>
                    {t('catalog.translations.field', { field: t(`catalog.fields.${field}`), language: languageName(language) })}
                  </label>
                  <input
                    id={id}
                    autoComplete="off"
                    lang={language}
                    dir={textDirection(language)}
                    maxLength={OFFER_FAMILY_TEXT_MAX[field]}
                    value={texts[field] ?? ''}
                    aria-invalid={error === undefined ? undefined : true}
                    aria-describedby={german[field] === '' ? undefined : `${id}-german`}
                    onChange={(event) => {
                      set(language, field, event.target.value);
                    }}
                  />
                  {german[field] !== '' && (
                    <p className="hint" id={`${id}-german`} lang="de">
                      {t('catalog.translations.germanIs', { text: german[field] })}
                    </p>
                  )}
                  {error !== undefined && <p className="field__error">{error}</p>}
                </div>
              );
            })}
          </details>
        );
      })}
    </fieldset>
  );
}
