// Coordination: the enrolled tablets of the municipality, and revoking one
// (a lost or stolen tablet wipes its data at its next contact with the server).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListedDevice } from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { ConfirmBox } from './ConfirmBox';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';

export function DevicesPanel({ api }: { api: OfficeConnection }) {
  const { t, i18n } = useTranslation('office');
  const { data, reload } = useOfficeData(async () => ({ devices: await api.listDevices() }));
  const [confirming, setConfirming] = useState<ListedDevice | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [revokedLabel, setRevokedLabel] = useState<string | null>(null);

  const formatDate = (iso: string): string => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));

  const revoke = async (device: ListedDevice): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await api.revokeDevice(device.deviceId);
      setConfirming(null);
      setRevokedLabel(device.label);
      reload();
    } catch (error) {
      setFailure(apiErrorKey(error, 'device'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card office-panel" aria-labelledby="office-tablets-title">
      <h2 id="office-tablets-title">{t('tablets.title')}</h2>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      <div role="status">{revokedLabel !== null && <p className="notice">{t('tablets.revoked', { label: revokedLabel })}</p>}</div>
      {confirming !== null && (
        <ConfirmBox
          title={t('tablets.confirmRevokeTitle', { label: confirming.label })}
          confirmLabel={t('tablets.confirmRevokeButton')}
          busy={busy}
          error={failure === null ? null : t(failure)}
          onConfirm={() => void revoke(confirming)}
          onCancel={() => {
            setConfirming(null);
          }}
        >
          {t('tablets.confirmRevoke')}
        </ConfirmBox>
      )}
      {data.state === 'loaded' &&
        (data.value.devices.length === 0 ? (
          <p className="hint" data-testid="office-tablets-empty">
            {t('tablets.empty')}
          </p>
        ) : (
          <div className="office-table-wrap">
            <table className="office-table" data-testid="office-tablets">
              <caption>{t('tablets.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('tablets.columns.label')}</th>
                  <th scope="col">{t('tablets.columns.organisation')}</th>
                  <th scope="col">{t('tablets.columns.enrolledAt')}</th>
                  <th scope="col">{t('tablets.columns.state')}</th>
                  <th scope="col">{t('tablets.columns.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.value.devices.map((device) => (
                  <tr key={device.deviceId} data-device-id={device.deviceId} data-revoked={String(device.revokedAt !== null)}>
                    <th scope="row">{device.label}</th>
                    <td>{device.organisationName}</td>
                    <td>
                      <time dateTime={device.enrolledAt}>{formatDate(device.enrolledAt)}</time>
                    </td>
                    <td>
                      {device.revokedAt === null ? (
                        <span className="badge badge--sent">{t('tablets.state.active')}</span>
                      ) : (
                        <span className="badge badge--rejected">{t('tablets.state.revoked', { date: formatDate(device.revokedAt) })}</span>
                      )}
                    </td>
                    <td>
                      {device.revokedAt === null && (
                        <button
                          type="button"
                          className="button button--danger"
                          aria-label={t('tablets.revokeFor', { label: device.label })}
                          onClick={() => {
                            setFailure(null);
                            setRevokedLabel(null);
                            setConfirming(device);
                          }}
                        >
                          {t('tablets.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
