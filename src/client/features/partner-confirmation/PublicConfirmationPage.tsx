// The one public page for partners without a Lotse account (docs/REFERRALS.md):
// slip code + the offer's partner key → the offer's name and the referral's
// date → one tap says what happened. Nothing else about the family is ever
// shown or asked. Code and key go to the server only in request bodies; a code
// that arrived in the URL fragment (the slip's QR code) is taken out of the
// address bar at once. Nothing is stored in the browser.
import './public-confirmation.css';
import { useEffect, useId, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { uptakeChoices, type UptakeChoice } from '@domain/referral-state';
import { parsePartnerKey, parseSlipCode } from '@domain/slip-code';
import { publicConfirmationSchema, type PublicConfirmation } from '@shared/referral-api';
import { RequestError, request } from '../../http/request';
import { changeStaffLanguage } from '../../i18n';
import { uptakeChoiceLabel } from '../referral/uptake-choice-label';
import { CONFIRMATION_PATH } from './confirmation-path';
import { PublicCapacity } from './PublicCapacity';
import { PartnerKeyField } from './PartnerKeyField';

type Problem =
  'invalidSlipCode' | 'invalidPartnerKey' | 'wrongCodeOrKey' | 'slipCodeUsed' | 'referralClosed' | 'notAllowed' | 'throttled' | 'failed';

type Step =
  | { kind: 'enter' }
  | { kind: 'found'; slipCode: string; partnerKey: string; referral: PublicConfirmation }
  | { kind: 'saved'; outcome: string; offerName: string }
  | { kind: 'capacity' };

function problemOf(error: unknown): Problem {
  if (!(error instanceof RequestError)) return 'failed';
  if (error.status === 429) return 'throttled';
  if (error.status === 403) return 'wrongCodeOrKey';
  const issue = error.issues[0]?.message;
  if (issue === 'slipCodeUsed' || issue === 'referralClosed') return issue;
  if (error.status === 400 || error.status === 409) return 'notAllowed';
  return 'failed';
}

let fragmentCode: string | null = null;

/**
 * A code the slip's QR code put in the fragment, read once per page load and
 * removed from the address bar (and history) at once.
 */
function codeFromFragment(): string {
  if (fragmentCode !== null) return fragmentCode;
  let fragment = '';
  try {
    fragment = decodeURIComponent(window.location.hash.replace(/^#/, ''));
  } catch {
    fragment = '';
  }
  if (window.location.hash !== '') window.history.replaceState(null, '', CONFIRMATION_PATH);
  fragmentCode = parseSlipCode(fragment) ?? '';
  return fragmentCode;
}

export function PublicConfirmationPage() {
  const { t, i18n } = useTranslation('referral');
  const codeId = useId();
  const keyId = useId();
  const [slipCode, setSlipCode] = useState(codeFromFragment);
  const [partnerKey, setPartnerKey] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'enter' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = t('public.title');
  }, [t]);

  const formatDate = (day: string): string =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

  const lookup = async (event: SyntheticEvent) => {
    event.preventDefault();
    const code = parseSlipCode(slipCode);
    const key = parsePartnerKey(partnerKey);
    if (code === null || key === null) {
      setProblem(code === null ? 'invalidSlipCode' : 'invalidPartnerKey');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const referral = await request('/api/public/confirmation/lookup', {
        method: 'POST',
        answer: publicConfirmationSchema,
        body: { slipCode: code, partnerKey: key },
      });
      setStep({ kind: 'found', slipCode: code, partnerKey: key, referral });
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (found: Extract<Step, { kind: 'found' }>, choice: UptakeChoice) => {
    setBusy(true);
    setProblem(null);
    try {
      const saved = await request('/api/public/confirmation', {
        method: 'POST',
        answer: publicConfirmationSchema,
        body: { slipCode: found.slipCode, partnerKey: found.partnerKey, state: choice.state, reason: choice.reason },
      });
      setStep({ kind: 'saved', outcome: uptakeChoiceLabel(t, choice), offerName: saved.offerName });
      setSlipCode('');
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const otherLanguage = i18n.language === 'de' ? 'en' : 'de';
  const alert = (
    <div role="alert">
      {problem !== null && (
        <p className="form-error" data-testid="public-confirmation-error">
          {t(`public.errors.${problem}`)}
        </p>
      )}
    </div>
  );

  return (
    <main className="public-confirmation" data-testid="public-confirmation">
      <header className="public-confirmation__header">
        <h1>{t('public.title')}</h1>
        <button
          type="button"
          className="button public-confirmation__language"
          lang={otherLanguage}
          onClick={() => {
            void changeStaffLanguage(otherLanguage);
          }}
        >
          {t('public.language')}
        </button>
      </header>
      {step.kind === 'enter' && (
        <form onSubmit={(event) => void lookup(event)} noValidate>
          <p className="hint">{t('public.intro')}</p>
          <div className="field">
            <label htmlFor={codeId}>{t('public.slipCode')}</label>
            <input
              id={codeId}
              value={slipCode}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              dir="ltr"
              aria-describedby={`${codeId}-hint`}
              aria-invalid={problem === 'invalidSlipCode' ? true : undefined}
              onChange={(event) => {
                setSlipCode(event.target.value);
              }}
            />
            <p id={`${codeId}-hint`} className="hint">
              {t('public.slipCodeHint')}
            </p>
          </div>
          <PartnerKeyField id={keyId} value={partnerKey} invalid={problem === 'invalidPartnerKey'} onChange={setPartnerKey} />
          {alert}
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('public.check')}
            </button>
            {/* Free places need the partner key alone (PublicCapacity). */}
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setProblem(null);
                setStep({ kind: 'capacity' });
              }}
            >
              {t('capacity.public.open')}
            </button>
          </div>
        </form>
      )}
      {step.kind === 'capacity' && (
        <PublicCapacity
          initialKey={partnerKey}
          onBack={() => {
            setStep({ kind: 'enter' });
          }}
        />
      )}
      {step.kind === 'found' && (
        <section aria-labelledby="public-confirmation-offer">
          <dl className="referral-facts">
            <dt>{t('public.offer')}</dt>
            <dd id="public-confirmation-offer" data-testid="public-confirmation-offer">
              {step.referral.offerName}
            </dd>
            <dt>{t('public.referredOn')}</dt>
            <dd>
              <time dateTime={step.referral.referredOn}>{formatDate(step.referral.referredOn)}</time>
            </dd>
          </dl>
          <p>{t('public.chooseOutcome')}</p>
          {alert}
          <OutcomeGroup
            title={t('public.outcomesUptake')}
            choices={uptakeChoices(step.referral.state).filter((c) => c.state !== 'declined')}
            busy={busy}
            primary
            label={(choice) => uptakeChoiceLabel(t, choice)}
            onChoose={(choice) => void confirm(step, choice)}
          />
          <OutcomeGroup
            title={t('public.outcomesDeclined')}
            choices={uptakeChoices(step.referral.state).filter((c) => c.state === 'declined')}
            busy={busy}
            primary={false}
            label={(choice) => (choice.reason === null ? uptakeChoiceLabel(t, choice) : t(`reasons.${choice.reason}`))}
            onChoose={(choice) => void confirm(step, choice)}
          />
          <div className="actions">
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setProblem(null);
                setStep({ kind: 'enter' });
              }}
            >
              {t('public.back')}
            </button>
          </div>
        </section>
      )}
      {step.kind === 'saved' && (
        <section>
          <p className="notice" role="status" data-testid="public-confirmation-saved">
            {step.offerName}: {t('public.saved', { outcome: step.outcome })}
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                setStep({ kind: 'enter' });
              }}
            >
              {t('public.another')}
            </button>
          </div>
        </section>
      )}
    </main>
  );
}

function OutcomeGroup({
  title,
  choices,
  busy,
  primary,
  label,
  onChoose,
}: {
  title: string;
  choices: readonly UptakeChoice[];
  busy: boolean;
  primary: boolean;
  label: (choice: UptakeChoice) => string;
  onChoose: (choice: UptakeChoice) => void;
}) {
  const titleId = useId();
  if (choices.length === 0) return null;
  return (
    <div className="public-confirmation__outcomes" role="group" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {choices.map((choice) => (
        <button
          key={`${choice.state}/${choice.reason ?? ''}`}
          type="button"
          className={primary ? 'button button--primary' : 'button'}
          disabled={busy}
          onClick={() => {
            onChoose(choice);
          }}
        >
          {label(choice)}
        </button>
      ))}
    </div>
  );
}
