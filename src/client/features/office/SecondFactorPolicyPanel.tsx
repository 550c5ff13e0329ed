// Admin: which office roles must sign in with a second factor (admin always), who has
// one, and resetting it for someone who lost their phone (never one's own; audited).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ALWAYS_REQUIRED_ROLE, SECOND_FACTOR_ROLES, type SecondFactorOverview, type SecondFactorRole } from '@shared/second-factor';
import type { StaffAccount } from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { ConfirmBox } from './ConfirmBox';
import { FormFailure } from './FormFailure';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';

interface Loaded {
  overview: SecondFactorOverview;
  staff: StaffAccount[];
}

function PolicyEditor({ api, loaded, onChanged }: { api: OfficeConnection; loaded: Loaded; onChanged: () => void }) {
  const { t, i18n } = useTranslation('office');
  const [roles, setRoles] = useState<SecondFactorRole[]>(loaded.overview.requiredRoles);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resetting, setResetting] = useState<StaffAccount | null>(null);
  const nameOf = (accountId: string): string => loaded.staff.find((s) => s.id === accountId)?.displayName ?? accountId;

  const save = async (): Promise<void> => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      const saved = await api.updateSecondFactorPolicy({ requiredRoles: roles });
      setRoles(saved.requiredRoles);
      setNotice(t('secondFactor.policy.saved'));
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  const reset = async (account: StaffAccount): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await api.resetSecondFactor(account.id);
      setResetting(null);
      setNotice(t('secondFactor.policy.resetDone', { name: account.displayName }));
      onChanged();
    } catch (error) {
      setFailure(apiErrorKey(error, 'staff'));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (role: SecondFactorRole, on: boolean): void => {
    setRoles((current) => SECOND_FACTOR_ROLES.filter((r) => (r === role ? on : current.includes(r))));
  };

  return (
    <>
      <fieldset className="choice-group">
        <legend>{t('secondFactor.policy.rolesLabel')}</legend>
        <div className="choices">
          {SECOND_FACTOR_ROLES.map((role) => (
            <label key={role} className="choice">
              <input
                type="checkbox"
                checked={role === ALWAYS_REQUIRED_ROLE || roles.includes(role)}
                disabled={role === ALWAYS_REQUIRED_ROLE || busy}
                onChange={(event) => {
                  toggle(role, event.target.checked);
                }}
              />
              {role === ALWAYS_REQUIRED_ROLE ? t('secondFactor.policy.adminAlways') : t(`roles.${role}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy} onClick={() => void save()}>
          {t('secondFactor.policy.save')}
        </button>
      </div>
      {notice !== null && (
        <p className="notice notice--success" role="status">
          {notice}
        </p>
      )}
      <FormFailure failure={failure} />
      <h3>{t('secondFactor.policy.enrolledTitle')}</h3>
      {loaded.overview.enrolled.length === 0 ? (
        <p className="hint">{t('secondFactor.policy.none')}</p>
      ) : (
        <ul className="second-factor-list">
          {loaded.overview.enrolled.map((entry) => {
            const account = loaded.staff.find((s) => s.id === entry.accountId);
            return (
              <li key={entry.accountId}>
                <span>
                  {t('secondFactor.policy.enrolledRow', {
                    name: nameOf(entry.accountId),
                    date: new Date(entry.enrolledAt).toLocaleDateString(i18n.language),
                    count: entry.recoveryCodesLeft,
                  })}
                  {entry.passkeys > 0 && t('secondFactor.policy.passkeys', { count: entry.passkeys })}
                </span>{' '}
                {entry.accountId === api.user.id ? (
                  <span className="hint">{t('secondFactor.policy.ownAccount')}</span>
                ) : (
                  account !== undefined && (
                    <button
                      type="button"
                      className="button"
                      aria-label={t('secondFactor.policy.resetLabel', { name: account.displayName })}
                      disabled={busy}
                      onClick={() => {
                        setResetting(account);
                      }}
                    >
                      {t('secondFactor.policy.reset')}
                    </button>
                  )
                )}
              </li>
            );
          })}
        </ul>
      )}
      {resetting !== null && (
        <ConfirmBox
          title={t('secondFactor.policy.resetLabel', { name: resetting.displayName })}
          confirmLabel={t('secondFactor.policy.reset')}
          busy={busy}
          error={null}
          onConfirm={() => void reset(resetting)}
          onCancel={() => {
            setResetting(null);
          }}
        >
          {t('secondFactor.policy.resetConfirm', { name: resetting.displayName })}
        </ConfirmBox>
      )}
    </>
  );
}

export function SecondFactorPolicyPanel({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('office');
  const { data, reload } = useOfficeData(async (): Promise<Loaded> => {
    const [overview, staff] = await Promise.all([api.secondFactors(), api.listStaff()]);
    return { overview, staff };
  });
  return (
    <section className="card office-panel" aria-labelledby="office-second-factor-policy-title">
      <h2 id="office-second-factor-policy-title">{t('secondFactor.policy.title')}</h2>
      <p className="hint">{t('secondFactor.policy.intro')}</p>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' && (
        <PolicyEditor key={data.value.overview.enrolled.length} api={api} loaded={data.value} onChanged={reload} />
      )}
    </section>
  );
}
