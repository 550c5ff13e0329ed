// A consent step starts every case (DESIGN.md §3). Staff choose the family's
// language and note a mediator; the tablet goes to the parent; their answer
// becomes either a consent record with a fresh case number (and the family's
// card) or an anonymous refusal count — nothing else is stored.
// Handing over starts family mode (app/FamilyModeContext): the family sees only
// its language, answers, and sees its thanks and card; staff see the outcome
// once they took the tablet back with their passphrase.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_TEXT_VERSION, consentTextHash } from '@shared/consent-texts';
import { CONSENT_SETTINGS, type ConsentScope, type ConsentSetting } from '@shared/records/consent';
import {
  FAMILY_LANGUAGES,
  LANGUAGE_AUTONYMS,
  SPOKEN_LANGUAGES,
  isFamilyLanguage,
  type FamilyLanguage,
  type SpokenLanguage,
} from '@shared/languages';
import { generateCaseNumber } from '@domain/case-number';
import { continueAfterConsent } from '@domain/home-work';
import { localIsoDate } from '@domain/dates';
import { newConsentRecord, newConsentRefusalRecord } from '@domain/record-envelope';
import { useAppServices } from '../../app/AppContext';
import { useFamilyMode } from '../../app/FamilyModeContext';
import { useStoredValue } from '../../app/useStoredValue';
import { FamilyCard } from '../family-card/FamilyCard';
import { FamilyConsentScreen } from './FamilyConsentScreen';
import { OutcomeCard } from './OutcomeCard';
import { FamilyThanks } from './FamilyThanks';
import { useFamilyTexts } from '../family-card/useFamilyTexts';
import { DistrictField, withDistrict } from '../district/DistrictField';
import { useOfferedWorkflows } from '../workflows/useOfferedWorkflows';

type Step = { kind: 'setup' } | { kind: 'family' } | { kind: 'agreed'; caseNumber: string; issuedOn: string } | { kind: 'refused' };

/** Every setting is a workflow that continues right after consent, with the new case number. */
export type ContinueWith = (caseNumber: string, setting: ConsentSetting) => void;

export function ConsentFlow({
  onDone,
  onContinue,
  initialSetting = 'screening',
}: {
  onDone: () => void;
  onContinue?: ContinueWith;
  /** The workflow the consent is for, when a form sent the person here. */
  initialSetting?: ConsentSetting | undefined;
}) {
  const { t } = useTranslation();
  const { storage, sync } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const [step, setStep] = useState<Step>({ kind: 'setup' });
  const [language, setLanguage] = useState<FamilyLanguage>('de');
  const [setting, setSetting] = useState<ConsentSetting>(initialSetting);
  const [mediatorPresent, setMediatorPresent] = useState(false);
  const [mediatorLanguage, setMediatorLanguage] = useState<SpokenLanguage>('ar');
  const [failed, setFailed] = useState(false);
  const [district, setDistrict] = useState<string | undefined>();
  const familyMode = useFamilyMode();
  const familyHolds = familyMode.holder.kind === 'family';
  const familyTexts = useFamilyTexts(language);
  // "Continue with …" only for a workflow the person's organisation offers them (null: no such button).
  const offered = useOfferedWorkflows();
  const continueWith = offered === null ? null : continueAfterConsent(setting, offered);

  // Staff took the tablet back before the family answered: back to the setup, to hand it over again.
  const heldBefore = useRef(familyHolds);
  useEffect(() => {
    if (heldBefore.current && !familyHolds && step.kind === 'family') setStep({ kind: 'setup' });
    heldBefore.current = familyHolds;
  }, [familyHolds, step.kind]);

  const context = async () => ({ deviceId: await storage.device.deviceId(), now: new Date() });

  const agree = async (scopes: ConsentScope[]): Promise<void> => {
    setFailed(false);
    try {
      const caseNumber = generateCaseNumber();
      const now = new Date();
      const record = await newConsentRecord(
        {
          scopes,
          setting,
          language,
          textVersion: CONSENT_TEXT_VERSION,
          textHash: await consentTextHash(language),
          mediatorPresent,
          ...(mediatorPresent ? { mediatorLanguage } : {}),
          givenAt: now.toISOString(),
          // Kept with the consent, so the case's later records on this tablet start with it.
          ...withDistrict(district),
        },
        caseNumber,
        await context(),
      );
      await storage.records.saveRecord(record);
      sync.trigger();
      setStep({ kind: 'agreed', caseNumber, issuedOn: localIsoDate(now) });
    } catch {
      setFailed(true);
    }
  };

  const refuse = async (): Promise<void> => {
    setFailed(false);
    try {
      await storage.records.saveRecord(
        await newConsentRefusalRecord({ setting, date: localIsoDate(new Date()), ...withDistrict(district) }, await context()),
      );
      sync.trigger();
      setStep({ kind: 'refused' });
    } catch {
      setFailed(true);
    }
  };

  if (step.kind === 'family') {
    return (
      <>
        <FamilyConsentScreen language={language} onAgree={(scopes) => void agree(scopes)} onRefuse={() => void refuse()} />
        {failed && (
          <p className="form-error" role="alert" lang={language} dir={familyTexts.dir}>
            {familyHolds ? familyTexts.t('mode.saveFailed') : t('consent.saveFailed')}
          </p>
        )}
      </>
    );
  }

  // The family's answer is saved: its thanks (and card) in its language, until staff take the tablet back.
  if (familyHolds && (step.kind === 'agreed' || step.kind === 'refused')) {
    return (
      <FamilyThanks language={language} agreed={step.kind === 'agreed'}>
        {step.kind === 'agreed' && (
          <FamilyCard
            caseNumber={step.caseNumber}
            issuedOn={step.issuedOn}
            language={language}
            municipalityContact={config?.familyContact ?? null}
          />
        )}
      </FamilyThanks>
    );
  }

  if (step.kind === 'agreed') {
    return (
      <OutcomeCard title={t('consent.agreedTitle')} text={t('consent.agreedText')} onDone={onDone}>
        <FamilyCard
          caseNumber={step.caseNumber}
          issuedOn={step.issuedOn}
          language={language}
          municipalityContact={config?.familyContact ?? null}
        />
        {onContinue && continueWith !== null && (
          <div className="actions">
            <button
              type="button"
              className="button button--primary button--large"
              onClick={() => {
                onContinue(step.caseNumber, continueWith);
              }}
            >
              {t(`consent.continueWith.${continueWith}`)}
            </button>
          </div>
        )}
      </OutcomeCard>
    );
  }

  if (step.kind === 'refused') {
    return <OutcomeCard title={t('consent.refusedTitle')} text={t('consent.refusedText')} onDone={onDone} />;
  }

  return (
    <section className="card" aria-labelledby="consent-setup-title">
      <h1 id="consent-setup-title">{t('consent.setupTitle')}</h1>
      <p className="hint">{t('consent.setupIntro')}</p>
      <fieldset className="choice-group">
        <legend>{t('consent.familyLanguage')}</legend>
        <div className="choices">
          {FAMILY_LANGUAGES.map((lang) => (
            <label key={lang} className="choice" lang={lang}>
              <input
                type="radio"
                name="family-language"
                checked={language === lang}
                onChange={() => {
                  if (isFamilyLanguage(lang)) setLanguage(lang);
                }}
              />
              <span>{LANGUAGE_AUTONYMS[lang]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="choice-group">
        <legend>{t('consent.setting')}</legend>
        <div className="choices">
          {CONSENT_SETTINGS.map((value) => (
            <label key={value} className="choice">
              <input
                type="radio"
                name="consent-setting"
                checked={setting === value}
                onChange={() => {
                  setSetting(value);
                }}
              />
              <span>{t(`consent.settings.${value}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <DistrictField value={district} onChange={setDistrict} />
      <div className="field-row">
        <label className="choice choice--single">
          <input
            type="checkbox"
            checked={mediatorPresent}
            onChange={(e) => {
              setMediatorPresent(e.target.checked);
            }}
          />
          <span>{t('consent.mediatorPresent')}</span>
        </label>
        {mediatorPresent && (
          <div className="field">
            <label htmlFor="mediator-language">{t('consent.mediatorLanguage')}</label>
            <select
              id="mediator-language"
              value={mediatorLanguage}
              onChange={(e) => {
                setMediatorLanguage(e.target.value as SpokenLanguage);
              }}
            >
              {SPOKEN_LANGUAGES.map((lang) => (
                <option key={lang} value={lang}>
                  {lang === 'other' ? t('consent.otherLanguage') : LANGUAGE_AUTONYMS[lang]}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div className="actions">
        <button
          type="button"
          className="button button--primary button--large"
          aria-describedby="consent-hand-over-hint"
          onClick={() => {
            familyMode.handOver(language, 'consent');
            setStep({ kind: 'family' });
          }}
        >
          {t('consent.handOver')}
        </button>
        <button type="button" className="button button--large" onClick={onDone}>
          {t('app.back')}
        </button>
      </div>
      <p id="consent-hand-over-hint" className="hint">
        {t('consent.handOverHint')}
      </p>
    </section>
  );
}
