// Partner view: the family shows its case number card; staff of the partner
// organisation type or scan the number and see the referrals to their own
// offers — offer, dates, language, the note the family agreed to share —
// and mark uptake. Nothing recorded about the family is ever shown here.
import './referral.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CaseNumberInput } from '../case-lookup/CaseNumberInput';
import { uptakeChoices, type UptakeChoice } from '@domain/referral-state';
import { LANGUAGE_AUTONYMS, textDirection } from '@shared/languages';
import type { PartnerReferral } from '@shared/referral-api';
import type { OfficeConnection } from '../office/office-api';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { RequestError } from '../../http/request';
import { FormFailure } from '../office/FormFailure';
import { referralOfficeApi } from './referral-office-api';
import { CallbackOpener } from './CallbackOpener';
import { HandoverKeySection } from './HandoverKeySection';
import { HandoverKeyEntry } from './HandoverKeyEntry';
import { OpenedNumbers, type OpenedNumber } from './OpenedNumbers';
import type { HandoverKeyInfo, UnlockedKey } from './handover-key';

import { stateWithReason, uptakeChoiceLabel } from './uptake-choice-label';

type UptakeState = 'contacted' | 'started' | 'completed' | 'declined';
const isUptakeState = (state: string): state is UptakeState =>
  state === 'contacted' || state === 'started' || state === 'completed' || state === 'declined';

export function PartnerReferralsPanel({ api }: { api: OfficeConnection }) {
  const { t, i18n } = useTranslation('referral');
  const client = useMemo(() => referralOfficeApi(api), [api]);
  const [caseNumber, setCaseNumber] = useState<string | null>(null);
  const [referrals, setReferrals] = useState<PartnerReferral[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  /** Minutes until look-ups are allowed again after too many case numbers without a referral (the server's Retry-After). */
  const [throttledMinutes, setThrottledMinutes] = useState<number | null>(null);
  const [marked, setMarked] = useState<string | null>(null);
  const [keyInfo, setKeyInfo] = useState<HandoverKeyInfo | undefined>(undefined);
  const [unlocked, setUnlocked] = useState<UnlockedKey | null>(null);
  const [opened, setOpened] = useState<OpenedNumber[]>([]);
  const [keyStep, setKeyStep] = useState(false);

  useEffect(() => {
    let current = true;
    client.handoverKey().then(
      (info) => {
        if (current) setKeyInfo(info);
      },
      (error: unknown) => {
        if (current) setFailure(apiErrorKey(error, 'load'));
      },
    );
    return () => {
      current = false;
    };
  }, [client]);

  const formatDate = (iso: string): string => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));

  const lookup = useCallback(
    async (found: string) => {
      setCaseNumber(found);
      setReferrals(null);
      setFailure(null);
      setThrottledMinutes(null);
      setMarked(null);
      setBusy(true);
      try {
        setReferrals(await client.lookup(found));
      } catch (error) {
        if (error instanceof RequestError && error.reason === 'rateLimited' && error.requestedWaitSeconds !== undefined) {
          setThrottledMinutes(Math.max(1, Math.ceil(error.requestedWaitSeconds / 60)));
        } else {
          setFailure(apiErrorKey(error, 'load'));
        }
      } finally {
        setBusy(false);
      }
    },
    [client],
  );

  const mark = async (referral: PartnerReferral, choice: UptakeChoice) => {
    if (!isUptakeState(choice.state)) return;
    setBusy(true);
    setFailure(null);
    setMarked(null);
    try {
      const updated = await client.markUptake(referral.id, choice.state, choice.reason);
      setReferrals((current) => current?.map((r) => (r.id === updated.id ? updated : r)) ?? null);
      setMarked(t(`partner.marked`, { offer: updated.offerName, state: uptakeChoiceLabel(t, choice) }));
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  // The call-back key is a step of its own; the look-up below stays as it was meanwhile.
  if (keyStep) {
    return (
      <HandoverKeySection
        client={client}
        keyInfo={keyInfo}
        formatDate={formatDate}
        onKeyChange={(info, key) => {
          setKeyInfo(info);
          setUnlocked(key);
        }}
        onBack={() => {
          setKeyStep(false);
        }}
      />
    );
  }

  return (
    <section className="card office-panel" aria-labelledby="partner-referrals-title" data-testid="partner-referrals">
      <h2 id="partner-referrals-title">{t('partner.title')}</h2>
      <p className="hint">{t('partner.intro')}</p>
      <HandoverKeyEntry
        keyInfo={keyInfo}
        formatDate={formatDate}
        onOpen={() => {
          setKeyStep(true);
        }}
      />
      <OpenedNumbers
        numbers={opened}
        onDone={(referralId) => {
          setOpened((current) => current.filter((entry) => entry.referralId !== referralId));
        }}
      />
      <CaseNumberInput onFound={(found) => void lookup(found)} />
      {busy && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      <FormFailure failure={failure} />
      {throttledMinutes !== null && (
        <p className="form-error" role="alert" data-testid="partner-lookup-throttled">
          {t('partner.throttled', { count: throttledMinutes })}
        </p>
      )}
      <div role="status">{marked !== null && <p className="notice">{marked}</p>}</div>
      {referrals !== null && caseNumber !== null && referrals.length === 0 && (
        <p className="hint" data-testid="partner-referrals-none">
          {t('partner.none')}
        </p>
      )}
      {referrals !== null && referrals.length > 0 && (
        <ul className="referral-list" aria-label={t('partner.listLabel')}>
          {referrals.map((referral) => (
            <li key={referral.id} className="referral-item" data-referral-id={referral.id} data-state={referral.state}>
              <h3>{referral.offerName}</h3>
              <dl className="referral-facts">
                <dt>{t('partner.referredOn')}</dt>
                <dd>
                  <time dateTime={referral.createdAt}>{formatDate(referral.createdAt)}</time>
                </dd>
                <dt>{t('partner.state')}</dt>
                <dd data-testid="referral-state">
                  {stateWithReason(t, referral.state, referral.reason)} ·{' '}
                  <time dateTime={referral.stateChangedAt}>{formatDate(referral.stateChangedAt)}</time>
                </dd>
                <dt>{t('partner.language')}</dt>
                <dd>
                  <bdi lang={referral.language} dir={textDirection(referral.language)}>
                    {LANGUAGE_AUTONYMS[referral.language]}
                  </bdi>
                </dd>
                {referral.sharedNote !== null && (
                  <>
                    <dt>{t('partner.sharedNote')}</dt>
                    <dd>{referral.sharedNote}</dd>
                  </>
                )}
              </dl>
              <CallbackOpener
                client={client}
                referral={referral}
                keyInfo={keyInfo}
                unlocked={unlocked}
                onUnlocked={setUnlocked}
                formatDate={formatDate}
                onOpened={(phone) => {
                  setOpened((current) => [...current, { referralId: referral.id, offerName: referral.offerName, phone }]);
                  setReferrals((current) => current?.map((r) => (r.id === referral.id ? { ...r, callback: null } : r)) ?? null);
                }}
                onGone={() => {
                  setReferrals((current) => current?.map((r) => (r.id === referral.id ? { ...r, callback: null } : r)) ?? null);
                }}
              />
              <div className="actions">
                {uptakeChoices(referral.state).map((choice) => (
                  <button
                    key={`${choice.state}/${choice.reason ?? ''}`}
                    type="button"
                    className={choice.state === 'declined' ? 'button' : 'button button--primary'}
                    disabled={busy}
                    onClick={() => void mark(referral, choice)}
                  >
                    {uptakeChoiceLabel(t, choice)}
                  </button>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
