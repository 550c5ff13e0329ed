// Staff's part before and after the family answers its own questions: how many
// questions the family answers, in which language (the consent's, or another
// of the nine), and "give the tablet to the family"; once it is back, how many
// of them the family answered (each is marked at its question).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS, type FamilyLanguage } from '@shared/languages';

export function FamilyHandover({
  total,
  answered,
  language,
  onLanguage,
  onHandOver,
}: {
  /** The family's questions shown now. */
  total: number;
  /** How many of them carry the family's own answer. */
  answered: number;
  language: FamilyLanguage;
  onLanguage: (language: FamilyLanguage) => void;
  onHandOver: () => void;
}) {
  const { t } = useTranslation('screening');
  const hintId = useId();
  return (
    <section className="screening__family" aria-labelledby="screening-family-title" data-testid="screening-family-handover">
      <h2 id="screening-family-title">{t('family.title')}</h2>
      <p id={hintId} className="hint">
        {t('family.intro', { count: total })}
      </p>
      {answered > 0 && (
        <p className="screening__family-answered" data-testid="screening-family-answered">
          {t('family.answered', { answered, total })}
        </p>
      )}
      <fieldset className="choice-group">
        <legend>{t('family.language')}</legend>
        <div className="choices">
          {FAMILY_LANGUAGES.map((lang) => (
            <label key={lang} className="choice" lang={lang}>
              <input
                type="radio"
                name="screening-family-language"
                checked={language === lang}
                onChange={() => {
                  onLanguage(lang);
                }}
              />
              <span>{LANGUAGE_AUTONYMS[lang]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="actions">
        <button type="button" className="button button--primary button--large" aria-describedby={hintId} onClick={onHandOver}>
          {answered > 0 ? t('family.handOverAgain') : t('family.handOver')}
        </button>
      </div>
    </section>
  );
}
