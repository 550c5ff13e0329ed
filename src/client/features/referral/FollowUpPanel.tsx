// Coordination: referrals without confirmed uptake after the configured weeks
// (follow-up reminders), marking one "no response" — with what the follow-up
// found, if anything (couldn't contact, no longer interested, other) — and the
// weeks setting. Overdue stays the trigger: only overdue referrals are listed.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OfficeConnection } from '../office/office-api';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { FormFailure } from '../office/FormFailure';
import { LoadFailure } from '../office/LoadFailure';
import { useOfficeData } from '../office/useOfficeData';
import { referralOfficeApi } from './referral-office-api';
import { isReferralReason, reasonsFor, type ReferralReason } from '@domain/referral-state';

const NO_RESPONSE_REASONS = reasonsFor('noResponse');

export function FollowUpPanel({ api }: { api: OfficeConnection }) {
  const { t, i18n } = useTranslation('referral');
  const client = useMemo(() => referralOfficeApi(api), [api]);
  const { data, reload } = useOfficeData(() => client.followUp());
  /** What the coordinator typed; until then the field shows the setting as loaded. */
  const [typedWeeks, setTypedWeeks] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, ReferralReason>>({});
  const formatDate = (iso: string): string => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));

  const run = async (action: () => Promise<unknown>, done: string): Promise<boolean> => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      await action();
      setNotice(done);
      reload();
      return true;
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const weeks = typedWeeks ?? (data.state === 'loaded' ? String(data.value.noResponseWeeks) : '');
  const weeksValue = Number.parseInt(weeks, 10);
  const weeksValid = Number.isInteger(weeksValue) && weeksValue >= 1 && weeksValue <= 52;

  return (
    <section className="card office-panel" aria-labelledby="follow-up-title" data-testid="follow-up">
      <h2 id="follow-up-title">{t('followUp.title')}</h2>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      <FormFailure failure={failure} />
      <div role="status">{notice !== null && <p className="notice">{notice}</p>}</div>
      {data.state === 'loaded' && (
        <>
          <p className="hint">{t('followUp.intro', { count: data.value.noResponseWeeks })}</p>
          {data.value.referrals.length === 0 ? (
            <p className="hint" data-testid="follow-up-empty">
              {t('followUp.empty')}
            </p>
          ) : (
            <div className="office-table-wrap">
              <table className="office-table">
                <caption>{t('followUp.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('followUp.columns.caseNumber')}</th>
                    <th scope="col">{t('followUp.columns.offer')}</th>
                    <th scope="col">{t('followUp.columns.since')}</th>
                    <th scope="col">{t('followUp.columns.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.value.referrals.map((referral) => (
                    <tr key={referral.id} data-referral-id={referral.id}>
                      <th scope="row">
                        <bdi dir="ltr" className="case-number-text">
                          {referral.caseNumber}
                        </bdi>
                      </th>
                      <td>
                        {referral.offerName} ({referral.organisation})
                      </td>
                      <td>
                        {t(`states.${referral.state}`)} ·{' '}
                        <time dateTime={referral.stateChangedAt}>{formatDate(referral.stateChangedAt)}</time>
                        {referral.secondCheck !== 'done' && (
                          <>
                            <br />
                            <span className="badge" data-testid="follow-up-second-check">
                              {t(`followUp.secondCheck.${referral.secondCheck}`)}
                            </span>
                          </>
                        )}
                      </td>
                      <td>
                        <label className="follow-up-reason">
                          <span>{t('followUp.reason')}</span>
                          <select
                            value={reasons[referral.id] ?? ''}
                            onChange={(event) => {
                              const value = event.target.value;
                              setReasons(({ [referral.id]: _old, ...rest }) =>
                                isReferralReason(value) ? { ...rest, [referral.id]: value } : rest,
                              );
                            }}
                          >
                            <option value="">{t('followUp.reasonNone')}</option>
                            {NO_RESPONSE_REASONS.map((reason) => (
                              <option key={reason} value={reason}>
                                {t(`reasons.${reason}`)}
                              </option>
                            ))}
                          </select>
                        </label>
                        <button
                          type="button"
                          className="button"
                          // "No response" from a partner that was never shown the referral would be untrue.
                          disabled={busy || referral.secondCheck !== 'done'}
                          aria-label={t('followUp.markNoResponseFor', { caseNumber: referral.caseNumber, offer: referral.offerName })}
                          onClick={() =>
                            void run(() => client.markNoResponse(referral.id, reasons[referral.id] ?? null), t('followUp.marked'))
                          }
                        >
                          {t('followUp.markNoResponse')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <form
        className="office-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (weeksValid) {
            void run(() => client.updateSettings({ noResponseWeeks: weeksValue }), t('followUp.settingsSaved')).then((saved) => {
              if (saved) setTypedWeeks(null);
            });
          }
        }}
      >
        <div className="field">
          <label htmlFor="follow-up-weeks">{t('followUp.weeksLabel')}</label>
          <input
            id="follow-up-weeks"
            type="number"
            inputMode="numeric"
            min={1}
            max={52}
            value={weeks}
            aria-invalid={weeks !== '' && !weeksValid ? true : undefined}
            onChange={(event) => {
              setTypedWeeks(event.target.value);
            }}
          />
          {weeks !== '' && !weeksValid && <p className="field__error">{t('followUp.weeksInvalid')}</p>}
        </div>
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={busy || !weeksValid}>
            {t('followUp.saveWeeks')}
          </button>
        </div>
      </form>
    </section>
  );
}
