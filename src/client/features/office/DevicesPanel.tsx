// Coordination: the enrolled tablets of the municipality with their last contact
// and report (the fleet view: who holds unsent records, since when, which app
// version), the tablets that need attention, the lost-tablet report, and revoking
// one (a lost or stolen tablet wipes its data at its next contact with the server).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListedDevice } from '@shared/staff-api';
import { lastSeenAt } from '@domain/fleet-warnings';
import { FleetWarnings } from './FleetWarnings';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { ConfirmBox } from './ConfirmBox';
import { LostTabletReport } from './LostTabletReport';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';

export function DevicesPanel({ api }: { api: OfficeConnection }) {
  const { t, i18n } = useTranslation('office');
  const { data, reload } = useOfficeData(() => api.listDevices());
  const [confirming, setConfirming] = useState<ListedDevice | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [revokedLabel, setRevokedLabel] = useState<string | null>(null);
  /** The tablet whose lost-tablet report is open, and a counter that reloads it after a revocation. */
  const [lostReport, setLostReport] = useState<{ deviceId: string; generation: number } | null>(null);

  const formatDate = (iso: string): string => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));
  const formatTime = (iso: string): string =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

  const revoke = async (device: ListedDevice): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await api.revokeDevice(device.deviceId);
      setConfirming(null);
      setRevokedLabel(device.label);
      setLostReport((open) => (open?.deviceId === device.deviceId ? { ...open, generation: open.generation + 1 } : open));
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
          {(confirming.fleet.report?.unsentCount ?? 0) > 0 && (
            <strong className="fleet-revoke-unsent">
              {t('tablets.confirmRevokeUnsent', { count: confirming.fleet.report?.unsentCount ?? 0 })}
            </strong>
          )}
        </ConfirmBox>
      )}
      {lostReport !== null && (
        <LostTabletReport
          key={`${lostReport.deviceId}-${String(lostReport.generation)}`}
          api={api}
          deviceId={lostReport.deviceId}
          onRevoke={() => {
            const device = data.state === 'loaded' ? data.value.devices.find((d) => d.deviceId === lostReport.deviceId) : undefined;
            if (device !== undefined) {
              setFailure(null);
              setRevokedLabel(null);
              setConfirming(device);
            }
          }}
          onClose={() => {
            setLostReport(null);
          }}
        />
      )}
      {data.state === 'loaded' &&
        (data.value.devices.length === 0 ? (
          <p className="hint" data-testid="office-tablets-empty">
            {t('tablets.empty')}
          </p>
        ) : (
          <>
            <FleetWarnings devices={data.value.devices} policy={data.value.fleetPolicy} formatDate={formatDate} />
            <div className="office-table-wrap">
              <table className="office-table" data-testid="office-tablets">
                <caption>{t('tablets.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('tablets.columns.label')}</th>
                    <th scope="col">{t('tablets.columns.organisation')}</th>
                    <th scope="col">{t('tablets.columns.lastContact')}</th>
                    <th scope="col">{t('tablets.columns.unsent')}</th>
                    <th scope="col">{t('tablets.columns.appVersion')}</th>
                    <th scope="col">{t('tablets.columns.state')}</th>
                    <th scope="col">{t('tablets.columns.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.value.devices.map((device) => (
                    <tr
                      key={device.deviceId}
                      data-device-id={device.deviceId}
                      data-revoked={String(device.revokedAt !== null)}
                      data-warnings={device.fleet.warnings.join(' ')}
                      className={device.fleet.warnings.length > 0 ? 'fleet-row--warning' : undefined}
                    >
                      <th scope="row">{device.label}</th>
                      <td>
                        {device.organisationName}
                        <span className="fleet-detail">{t('tablets.enrolledOn', { date: formatDate(device.enrolledAt) })}</span>
                      </td>
                      <td data-column="lastContact">
                        <LastSeen at={lastSeenAt(device.fleet)} never={t('tablets.never')} format={formatTime} />
                        {device.fleet.lastPushAt !== null && (
                          <span className="fleet-detail">{t('tablets.lastPush', { date: formatTime(device.fleet.lastPushAt) })}</span>
                        )}
                      </td>
                      <td data-column="unsent">
                        {device.fleet.report === null ? (
                          <span className="fleet-detail">{t('tablets.noReport')}</span>
                        ) : (
                          <>
                            <strong data-testid="fleet-unsent-count">
                              {t('tablets.unsentCount', { count: device.fleet.report.unsentCount })}
                            </strong>
                            {device.fleet.report.oldestUnsentAt !== null && (
                              <span className="fleet-detail">
                                {t('tablets.oldestUnsent', { date: formatTime(device.fleet.report.oldestUnsentAt) })}
                              </span>
                            )}
                            <span className="fleet-detail">{t('tablets.drafts', { count: device.fleet.report.draftCount })}</span>
                            {device.fleet.report.receivedAt !== device.fleet.lastContactAt && (
                              <span className="fleet-detail">
                                {t('tablets.reportedAt', { date: formatTime(device.fleet.report.receivedAt) })}
                              </span>
                            )}
                          </>
                        )}
                      </td>
                      <td data-column="appVersion">
                        {device.fleet.report === null ? (
                          <span className="fleet-detail">{t('tablets.unknown')}</span>
                        ) : (
                          <>
                            {device.fleet.report.appVersion}
                            {device.fleet.warnings.includes('outdatedApp') && (
                              <span className="badge badge--rejected">{t('tablets.outdated')}</span>
                            )}
                            <span className="fleet-detail" data-column="storage">
                              {device.fleet.report.storagePersisted ? (
                                t('tablets.storage.persistent')
                              ) : (
                                <strong>{t('tablets.storage.notPersistent')}</strong>
                              )}
                            </span>
                          </>
                        )}
                      </td>
                      <td>
                        {device.revokedAt === null ? (
                          <span className="badge badge--sent">{t('tablets.state.active')}</span>
                        ) : (
                          <span className="badge badge--rejected">
                            {t('tablets.state.revoked', { date: formatDate(device.revokedAt) })}
                          </span>
                        )}
                      </td>
                      <td>
                        <div className="office-row-actions">
                          <button
                            type="button"
                            className="button"
                            aria-label={t('tablets.lost.openFor', { label: device.label })}
                            onClick={() => {
                              setLostReport({ deviceId: device.deviceId, generation: 0 });
                            }}
                          >
                            {t('tablets.lost.open')}
                          </button>
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
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ))}
    </section>
  );
}

/** When the tablet was last in touch (status check or push), or that it never was. */
function LastSeen({ at, never, format }: { at: string | null; never: string; format: (iso: string) => string }) {
  return at === null ? never : <time dateTime={at}>{format(at)}</time>;
}
