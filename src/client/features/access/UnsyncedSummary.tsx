// How much unsent work is on this tablet and how old the oldest item is —
// readable while locked (it shows counts and times, never content).
import { useTranslation } from 'react-i18next';
import type { Storage } from '../../storage';
import { useStoredValue } from '../../app/useStoredValue';
import { storageStatus } from '../../storage/persistence';

export function UnsyncedSummary({ storage }: { storage: Storage }) {
  const { t, i18n } = useTranslation();
  const summary = useStoredValue(storage, (s) => s.records.unsyncedSummary());
  const persistence = useStoredValue(storage, () => storageStatus());
  if (!summary) return null;
  const persisted = persistence && (
    <p className="hint" data-testid="storage-status">
      {persistence.persisted ? t('access.storagePersisted') : t('access.storageNotPersisted')}
    </p>
  );
  if (summary.count === 0) {
    return (
      <>
        <p className="notice" data-testid="unsynced-summary">{t('access.nothingUnsynced')}</p>
        {persisted}
      </>
    );
  }
  const oldest = summary.oldestEnqueuedAt === null ? '' : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(summary.oldestEnqueuedAt));
  return (
    <>
      <p className="notice notice--warning" data-testid="unsynced-summary">
        {t('access.unsynced', { count: summary.count, oldest })}
      </p>
      {persisted}
    </>
  );
}
