// Withdrawal of consent, at any time, by the case number: the case's content
// is deleted on this tablet at once (and its unsent items dropped); a
// withdrawal record tells the server to delete it there and in partner views,
// leaving only a content-free tombstone. The family gets a printable confirmation.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_TEXTS } from '@shared/consent-texts';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS, isFamilyLanguage, textDirection, type FamilyLanguage } from '@shared/languages';
import { localIsoDate } from '@domain/dates';
import { newConsentWithdrawalRecord } from '@domain/record-envelope';
import { useAppServices } from '../../app/AppContext';
import { CaseNumberInput } from '../case-lookup/CaseNumberInput';

type Step =
  { kind: 'find' } | { kind: 'confirm'; caseNumber: string } | { kind: 'done'; caseNumber: string; date: string; deleted: number };

export function WithdrawConsentFlow({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { storage, sync } = useAppServices();
  const [step, setStep] = useState<Step>({ kind: 'find' });
  const [language, setLanguage] = useState<FamilyLanguage>('de');
  const [failed, setFailed] = useState(false);

  const withdraw = async (caseNumber: string): Promise<void> => {
    setFailed(false);
    try {
      const consent = await storage.records.consentFor(caseNumber);
      if (consent) setLanguage(consent.language);
      const now = new Date();
      const record = await newConsentWithdrawalRecord({ withdrawnAt: now.toISOString() }, caseNumber, {
        deviceId: await storage.device.deviceId(),
        now,
      });
      const deleted = await storage.records.withdrawCase(record, now);
      sync.trigger();
      setStep({ kind: 'done', caseNumber, date: localIsoDate(now), deleted });
    } catch {
      setFailed(true);
    }
  };

  if (step.kind === 'done') {
    const text = CONSENT_TEXTS[language].withdrawal;
    return (
      <section className="card" aria-labelledby="withdrawn-title">
        <p className="notice" role="status">
          {t('consent.withdrawnStaff', { count: step.deleted })}
        </p>
        <div
          className="printable withdrawal-confirmation"
          lang={language}
          dir={textDirection(language)}
          data-testid="withdrawal-confirmation"
        >
          <h1 id="withdrawn-title">{text.title}</h1>
          <p>{text.text}</p>
          <dl>
            <dt>{text.caseNumber}</dt>
            <dd>
              <bdi dir="ltr" className="case-number-text">
                {step.caseNumber}
              </bdi>
            </dd>
            <dt>{text.date}</dt>
            <dd>
              <bdi dir="ltr">{step.date}</bdi>
            </dd>
          </dl>
        </div>
        <div className="field">
          <label htmlFor="confirmation-language">{t('consent.familyLanguage')}</label>
          <select
            id="confirmation-language"
            value={language}
            onChange={(e) => {
              if (isFamilyLanguage(e.target.value)) setLanguage(e.target.value);
            }}
          >
            {FAMILY_LANGUAGES.map((lang) => (
              <option key={lang} value={lang} lang={lang}>
                {LANGUAGE_AUTONYMS[lang]}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button
            type="button"
            className="button button--large"
            onClick={() => {
              window.print();
            }}
          >
            {t('consent.print')}
          </button>
          <button type="button" className="button button--primary button--large" onClick={onDone}>
            {t('consent.done')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="withdraw-title">
      <h1 id="withdraw-title">{t('consent.withdrawTitle')}</h1>
      <p className="hint">{t('consent.withdrawIntro')}</p>
      {step.kind === 'find' ? (
        <CaseNumberInput
          onFound={(caseNumber) => {
            setStep({ kind: 'confirm', caseNumber });
          }}
        />
      ) : (
        <div className="banner banner--warning" role="alertdialog" aria-labelledby="withdraw-confirm">
          <p id="withdraw-confirm">
            {t('consent.withdrawConfirm')}{' '}
            <bdi dir="ltr" className="case-number-text">
              {step.caseNumber}
            </bdi>
          </p>
          <div className="banner__actions">
            <button type="button" className="button button--danger button--large" onClick={() => void withdraw(step.caseNumber)}>
              {t('consent.withdrawNow')}
            </button>
            <button
              type="button"
              className="button button--large"
              onClick={() => {
                setStep({ kind: 'find' });
              }}
            >
              {t('app.back')}
            </button>
          </div>
        </div>
      )}
      {failed && (
        <p className="form-error" role="alert">
          {t('consent.saveFailed')}
        </p>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          {t('app.back')}
        </button>
      </div>
    </section>
  );
}
