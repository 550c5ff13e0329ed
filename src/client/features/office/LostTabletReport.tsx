// The lost-tablet report (shared/lost-tablet.ts) for the data-protection officer's first hour
// after a loss: which case numbers could be on the tablet and why, its last contact, who signed
// in on it — printable, with "revoke" beside it. The server audits every view of it. What the
// tablet saved and never sent is unknowable here, and the screen says so.
import { useTranslation } from 'react-i18next';
import type { TabletExposure } from '@shared/lost-tablet';
import type { OfficeConnection } from './office-api';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';

export function LostTabletReport({
  api,
  deviceId,
  onRevoke,
  onClose,
}: {
  api: OfficeConnection;
  deviceId: string;
  onRevoke: (report: TabletExposure) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('office');
  const { data, reload } = useOfficeData(() => api.tabletExposure(deviceId));
  const formatTime = (iso: string): string =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

  return (
    <section className="card office-panel lost-tablet-report" aria-labelledby="lost-tablet-title" data-testid="lost-tablet-report">
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' && (
        <>
          <h2 id="lost-tablet-title">{t('tablets.lost.title', { label: data.value.device.label })}</h2>
          <p>{t('tablets.lost.lead')}</p>
          <p className="notice notice--warning" data-testid="lost-tablet-unknowable">
            <strong>{t('tablets.lost.unknowable')}</strong>
          </p>
          <dl className="case-facts">
            <dt>{t('tablets.lost.facts.organisation')}</dt>
            <dd>{data.value.device.organisationName ?? t('tablets.unknown')}</dd>
            <dt>{t('tablets.lost.facts.state')}</dt>
            <dd data-testid="lost-tablet-state">
              {data.value.device.revokedAt === null
                ? t('tablets.state.active')
                : t('tablets.lost.revokedAt', { date: formatTime(data.value.device.revokedAt) })}
            </dd>
            <dt>{t('tablets.lost.facts.lastContact')}</dt>
            <dd>{data.value.lastContactAt === null ? t('tablets.never') : formatTime(data.value.lastContactAt)}</dd>
            <dt>{t('tablets.lost.facts.lastPush')}</dt>
            <dd>{data.value.lastPushAt === null ? t('tablets.unknown') : formatTime(data.value.lastPushAt)}</dd>
            <dt>{t('tablets.lost.facts.unsent')}</dt>
            <dd>
              {data.value.reportedUnsent === null
                ? t('tablets.lost.noUnsentReport')
                : t('tablets.lost.unsentReported', {
                    count: data.value.reportedUnsent.unsentCount,
                    drafts: data.value.reportedUnsent.draftCount,
                    date: formatTime(data.value.reportedUnsent.reportedAt),
                  })}
            </dd>
            <dt>{t('tablets.lost.facts.staff')}</dt>
            <dd>
              {data.value.signedInStaff.length === 0
                ? t('tablets.lost.noStaff')
                : data.value.signedInStaff
                    .map((person) => t('tablets.lost.staffEntry', { name: person.displayName, date: formatTime(person.lastSignInAt) }))
                    .join('; ')}
            </dd>
            <dt>{t('tablets.lost.facts.generated')}</dt>
            <dd>{formatTime(data.value.generatedAt)}</dd>
          </dl>
          <p className="hint">{t('tablets.lost.encrypted')}</p>
          {data.value.cases.length === 0 ? (
            <p className="hint" data-testid="lost-tablet-no-cases">
              {t('tablets.lost.noCases')}
            </p>
          ) : (
            <div className="office-table-wrap">
              <table className="office-table" data-testid="lost-tablet-cases">
                <caption>{t('tablets.lost.caption', { count: data.value.cases.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('tablets.lost.columns.caseNumber')}</th>
                    <th scope="col">{t('tablets.lost.columns.reasons')}</th>
                    <th scope="col">{t('tablets.lost.columns.lastAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.value.cases.map((entry) => (
                    <tr key={entry.caseNumber} data-case-number={entry.caseNumber}>
                      <th scope="row" className="case-number-text">
                        {entry.caseNumber}
                      </th>
                      <td>
                        <ul className="lost-tablet-report__reasons">
                          {entry.reasons.map((reason) => (
                            <li key={reason}>{t(`tablets.lost.reasons.${reason}`, { days: data.value.windowDays })}</li>
                          ))}
                        </ul>
                      </td>
                      <td>{formatTime(entry.lastAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p className="hint">{t('tablets.lost.audited')}</p>
          <div className="office-row-actions lost-tablet-report__actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                window.print();
              }}
            >
              {t('tablets.lost.print')}
            </button>
            {data.value.device.revokedAt === null && (
              <button
                type="button"
                className="button button--danger"
                onClick={() => {
                  onRevoke(data.value);
                }}
              >
                {t('tablets.lost.revoke')}
              </button>
            )}
            <button type="button" className="button" onClick={onClose}>
              {t('tablets.lost.close')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
