// HOME contacts on this tablet with their state: not yet sent, sent, or
// rejected with the server's reason (never silently dropped).
import { useTranslation } from 'react-i18next';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';

export function HomeContactList() {
  const { t, i18n } = useTranslation(['home-contact', 'common']);
  const { storage } = useAppServices();
  const records = useStoredValue(storage, (s) => s.records.listRecords());
  const config = useStoredValue(storage, (s) => s.device.config());
  const siteLabel = (id: string): string => config?.homeSites.find((s) => s.id === id)?.label ?? t('unknownSite');
  const timeFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <section className="card" aria-labelledby="records-title">
      <h2 id="records-title">{t('common:records.title')}</h2>
      {records !== undefined && records.length === 0 && <p className="hint">{t('common:records.empty')}</p>}
      <ul className="record-list" data-testid="record-list">
        {(records ?? []).map((row) => {
          const content = row.envelope?.content;
          return (
            <li key={row.id} className={`record record--${row.syncState}`} data-record-id={row.id} data-sync-state={row.syncState}>
              <div className="record__main">
                <span className="record__title">
                  {content
                    ? t('summary', {
                        site: siteLabel(content.site),
                        slot: t(`timeSlot.${content.timeSlot}`),
                        kind: t(`contactKind.${content.contactKind}`),
                      })
                    : t('title')}
                </span>
                <span className="record__meta">
                  {t('common:record.savedAt', { time: timeFormat.format(new Date(row.createdAt)) })} ·{' '}
                  {content ? content.topics.map((topic) => t(`topics.${topic}`)).join(', ') : t('common:record.contentRemoved')}
                </span>
              </div>
              <span className={`badge badge--${row.syncState}`}>{t(`common:record.state.${row.syncState}`)}</span>
              {row.syncState === 'rejected' && row.rejection && (
                <p className="record__rejection">
                  {t('common:record.rejectedReason', { reason: t(`common:errorReason.${row.rejection.reason}`) })}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
