// How much unsent work is on this tablet and how old the oldest item is —
// readable while locked (it shows counts and times, never content).
import { useTranslation } from 'react-i18next';
import type { Storage } from '../../storage';
import { useStoredValue } from '../../app/useStoredValue';

export function UnsyncedSummary({ storage }: { storage: Storage }) {
  const { t, i18n } = useTranslation();
  const summary = useStoredValue(storage, (s) => s.records.unsyncedSummary());
  if (!summary) return null;
  if (summary.count === 0) {
    return <p className="notice" data-testid="unsynced-summary">{t('access.nothingUnsynced')}</p>;
  }
  const oldest = summary.oldestEnqueuedAt === null ? '' : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(summary.oldestEnqueuedAt));
  return (
    <p className="notice notice--warning" data-testid="unsynced-summary">
      {t('access.unsynced', { count: summary.count, oldest })}
    </p>
  );
}
