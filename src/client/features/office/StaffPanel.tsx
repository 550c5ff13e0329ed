// Admin: staff accounts — list with roles and state, create, change roles,
// deactivate (which revokes sessions and signing keys everywhere) and reactivate,
// and reset a password to a one-time password shown here once.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation, StaffAccount } from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { ConfirmBox } from './ConfirmBox';
import { LoadFailure } from './LoadFailure';
import { StaffCreateForm } from './StaffCreateForm';
import { StaffRolesForm } from './StaffRolesForm';
import { OneTimePasswordNotice, type IssuedPassword } from './OneTimePasswordNotice';
import { useOfficeData } from './useOfficeData';

interface StaffNotice {
  kind: 'created' | 'rolesSaved' | 'deactivated' | 'reactivated';
  name: string;
}

export function StaffPanel({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('office');
  const { data, reload } = useOfficeData(async () => {
    const [staff, organisations] = await Promise.all([api.listStaff(), api.listOrganisations()]);
    return { staff, organisations };
  });
  const [editing, setEditing] = useState<StaffAccount | null>(null);
  const [confirming, setConfirming] = useState<StaffAccount | null>(null);
  const [confirmBusy, setConfirmBusy] = useState(false);
  const [confirmFailure, setConfirmFailure] = useState<ApiErrorKey | null>(null);
  const [notice, setNotice] = useState<StaffNotice | null>(null);
  const [resetting, setResetting] = useState<StaffAccount | null>(null);
  const [issued, setIssued] = useState<IssuedPassword | null>(null);

  const organisationName = (organisations: readonly Organisation[], id: string): string =>
    organisations.find((o) => o.id === id)?.name ?? id;

  const startConfirm = (account: StaffAccount): void => {
    setEditing(null);
    setResetting(null);
    setNotice(null);
    setConfirmFailure(null);
    setConfirming(account);
  };

  const toggleActive = async (account: StaffAccount): Promise<void> => {
    setConfirmBusy(true);
    setConfirmFailure(null);
    try {
      const updated = await api.updateStaff(account.id, { active: !account.active });
      setConfirming(null);
      setNotice({ kind: updated.active ? 'reactivated' : 'deactivated', name: updated.displayName });
      reload();
    } catch (error) {
      setConfirmFailure(apiErrorKey(error, 'load'));
    } finally {
      setConfirmBusy(false);
    }
  };

  const resetPassword = async (account: StaffAccount): Promise<void> => {
    setConfirmBusy(true);
    setConfirmFailure(null);
    try {
      const reset = await api.resetPassword(account.id);
      setResetting(null);
      setIssued({ name: account.displayName, ...reset });
    } catch (error) {
      setConfirmFailure(apiErrorKey(error, 'load'));
    } finally {
      setConfirmBusy(false);
    }
  };

  const noticeText = (n: StaffNotice): string => {
    switch (n.kind) {
      case 'created':
        return t('staff.create.created', { name: n.name });
      case 'rolesSaved':
        return t('staff.edit.saved', { name: n.name });
      case 'deactivated':
        return t('staff.deactivated', { name: n.name });
      case 'reactivated':
        return t('staff.reactivated', { name: n.name });
    }
  };

  return (
    <section className="card office-panel" aria-labelledby="office-staff-title">
      <h2 id="office-staff-title">{t('staff.title')}</h2>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      <div role="status">{notice !== null && <p className="notice">{noticeText(notice)}</p>}</div>
      {confirming !== null && (
        <ConfirmBox
          title={
            confirming.active
              ? t('staff.confirmDeactivateTitle', { name: confirming.displayName })
              : t('staff.confirmReactivateTitle', { name: confirming.displayName })
          }
          confirmLabel={confirming.active ? t('staff.confirmDeactivateButton') : t('staff.confirmReactivateButton')}
          busy={confirmBusy}
          error={confirmFailure === null ? null : t(confirmFailure)}
          onConfirm={() => void toggleActive(confirming)}
          onCancel={() => {
            setConfirming(null);
          }}
        >
          {confirming.active ? t('staff.confirmDeactivate') : t('staff.confirmReactivate')}
        </ConfirmBox>
      )}
      {resetting !== null && (
        <ConfirmBox
          title={t('staff.reset.confirmTitle', { name: resetting.displayName })}
          confirmLabel={t('staff.reset.confirmButton')}
          busy={confirmBusy}
          error={confirmFailure === null ? null : t(confirmFailure)}
          onConfirm={() => void resetPassword(resetting)}
          onCancel={() => {
            setResetting(null);
          }}
        >
          {t('staff.reset.confirm')}
        </ConfirmBox>
      )}
      {issued !== null && (
        <OneTimePasswordNotice
          issued={issued}
          onDone={() => {
            setIssued(null);
          }}
        />
      )}
      {editing !== null && (
        <StaffRolesForm
          key={editing.id}
          api={api}
          account={editing}
          onSaved={(account) => {
            setEditing(null);
            setNotice({ kind: 'rolesSaved', name: account.displayName });
            reload();
          }}
          onCancel={() => {
            setEditing(null);
          }}
        />
      )}
      {data.state === 'loaded' &&
        (data.value.staff.length === 0 ? (
          <p className="hint">{t('staff.empty')}</p>
        ) : (
          <div className="office-table-wrap">
            <table className="office-table" data-testid="office-staff">
              <caption>{t('staff.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('staff.columns.displayName')}</th>
                  <th scope="col">{t('staff.columns.username')}</th>
                  <th scope="col">{t('staff.columns.organisation')}</th>
                  <th scope="col">{t('staff.columns.roles')}</th>
                  <th scope="col">{t('staff.columns.state')}</th>
                  <th scope="col">{t('staff.columns.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.value.staff.map((account) => (
                  <tr key={account.id} data-username={account.username} data-active={String(account.active)}>
                    <th scope="row">{account.displayName}</th>
                    <td>
                      <code>{account.username}</code>
                    </td>
                    <td>{organisationName(data.value.organisations, account.organisationId)}</td>
                    <td>{account.roles.map((role) => t(`roles.${role}`)).join(', ')}</td>
                    <td>
                      <span className={account.active ? 'badge badge--sent' : 'badge badge--rejected'}>
                        {account.active ? t('staff.state.active') : t('staff.state.inactive')}
                      </span>
                    </td>
                    <td>
                      <div className="office-row-actions">
                        <button
                          type="button"
                          className="button"
                          aria-label={t('staff.editRolesFor', { name: account.displayName })}
                          onClick={() => {
                            setConfirming(null);
                            setNotice(null);
                            setEditing(account);
                          }}
                        >
                          {t('staff.editRoles')}
                        </button>
                        {account.id !== api.user.id && account.active && (
                          <button
                            type="button"
                            className="button"
                            aria-label={t('staff.reset.buttonFor', { name: account.displayName })}
                            onClick={() => {
                              setEditing(null);
                              setConfirming(null);
                              setNotice(null);
                              setIssued(null);
                              setConfirmFailure(null);
                              setResetting(account);
                            }}
                          >
                            {t('staff.reset.button')}
                          </button>
                        )}
                        <button
                          type="button"
                          className={account.active ? 'button button--danger' : 'button'}
                          aria-label={
                            account.active
                              ? t('staff.deactivateFor', { name: account.displayName })
                              : t('staff.reactivateFor', { name: account.displayName })
                          }
                          onClick={() => {
                            startConfirm(account);
                          }}
                        >
                          {account.active ? t('staff.deactivate') : t('staff.reactivate')}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {data.state === 'loaded' && (
        <StaffCreateForm
          api={api}
          organisations={data.value.organisations}
          onCreated={(account) => {
            setNotice({ kind: 'created', name: account.displayName });
            reload();
          }}
        />
      )}
    </section>
  );
}
