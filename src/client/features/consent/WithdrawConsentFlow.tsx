// Withdrawal of consent, at any time, by the case number: the case's content
// is deleted on this tablet at once (and its unsent items dropped); a
// withdrawal record tells the server to delete it there and in partner views,
// leaving only a content-free tombstone. Before confirming, the screen says
// exactly what goes and what stays; one "Abbrechen" leads back. The family
// gets a printable confirmation.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_TEXTS } from '@shared/consent-texts';
import { FAMILY_LANGUAGES, LANGUAGE_AUTONYMS, isFamilyLanguage, textDirection, type FamilyLanguage } from '@shared/languages';
import { localIsoDate } from '@domain/dates';
import { newConsentWithdrawalRecord } from '@domain/record-envelope';
import { useAppServices } from '../../app/AppContext';
import { CaseNumberInput } from '../case-lookup/CaseNumberInput';

type Step =
  | { kind: 'find' }
  | { kind: 'confirm'; caseNumber: string }
  /** Withdrawn on this tablet before: nothing left to withdraw. */
  | { kind: 'already'; caseNumber: string; withdrawnAt: string }
  | { kind: 'done'; caseNumber: string; date: string; deleted: number };

export function WithdrawConsentFlow({ onDone }: { onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const { storage, sync } = useAppServices();
  const [step, setStep] = useState<Step>({ kind: 'find' });
  const [language, setLanguage] = useState<FamilyLanguage>('de');
  const [failed, setFailed] = useState(false);
  const answer = useRef<HTMLHeadingElement>(null);

  // The case number input that was used is gone: focus goes to what the screen now asks or says.
  useEffect(() => {
    if (step.kind === 'confirm' || step.kind === 'already') answer.current?.focus();
  }, [step.kind]);

  const find = async (caseNumber: string): Promise<void> => {
    const withdrawnAt = await storage.records.withdrawnAt(caseNumber);
    setStep(withdrawnAt === undefined ? { kind: 'confirm', caseNumber } : { kind: 'already', caseNumber, withdrawnAt });
  };

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

  const caseNumberText = (caseNumber: string) => (
    <bdi dir="ltr" className="case-number-text">
      {caseNumber}
    </bdi>
  );

  return (
    <section className="card" aria-labelledby="withdraw-title">
      <h1 id="withdraw-title">{t('consent.withdrawTitle')}</h1>
      {step.kind === 'find' && (
        <>
          <p className="hint">{t('consent.withdrawIntro')}</p>
          <CaseNumberInput onFound={(caseNumber) => void find(caseNumber)} />
        </>
      )}
      {step.kind === 'confirm' && (
        <div className="withdraw-consequences" data-testid="withdraw-consequences">
          <h2 ref={answer} tabIndex={-1}>
            {t('consent.withdrawCase')} {caseNumberText(step.caseNumber)}
          </h2>
          <h3>{t('consent.withdrawDeletedTitle')}</h3>
          <ul>
            <li>{t('consent.withdrawDeletedTablet')}</li>
            <li>{t('consent.withdrawDeletedServer')}</li>
            <li>{t('consent.withdrawDeletedOtherTablets')}</li>
            <li>{t('consent.withdrawDeletedReports')}</li>
          </ul>
          <h3>{t('consent.withdrawKeptTitle')}</h3>
          <p>{t('consent.withdrawKept')}</p>
        </div>
      )}
      {step.kind === 'already' && (
        <div className="case-view" data-testid="case-withdrawn">
          <h2 ref={answer} tabIndex={-1}>
            {caseNumberText(step.caseNumber)}
          </h2>
          <p className="notice">
            {t('consent.withdrawnOn', {
              date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(step.withdrawnAt)),
            })}
          </p>
          <p className="hint">{t('consent.withdrawnOnHint')}</p>
        </div>
      )}
      {failed && (
        <p className="form-error" role="alert">
          {t('consent.saveFailed')}
        </p>
      )}
      <div className="actions">
        {step.kind === 'confirm' && (
          <button type="button" className="button button--danger button--large" onClick={() => void withdraw(step.caseNumber)}>
            {t('consent.withdrawNow')}
          </button>
        )}
        {/* The one way back, at every step before the withdrawal: nothing has changed yet. */}
        <button type="button" className="button button--large" onClick={onDone}>
          {step.kind === 'already' ? t('app.back') : t('consent.cancel')}
        </button>
      </div>
    </section>
  );
}
