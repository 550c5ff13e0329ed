// How much unsent work is on this tablet and how old the oldest item is, and
// whose it is (one line per person: a shared ward tablet) — readable while
// locked (it shows counts, times and staff names, never content). Second
// checks made here count too: they wait in their own queue.
import { useTranslation } from 'react-i18next';
import type { Storage } from '../../storage';
import { useStoredValue } from '../../app/useStoredValue';
import { storageStatus } from '../../storage/persistence';
import { unsentLine, waitingLine } from './unsent-texts';

export function UnsyncedSummary({ storage }: { storage: Storage }) {
  const { t, i18n } = useTranslation();
  const summary = useStoredValue(storage, (s) => s.records.unsyncedSummary());
  const people = useStoredValue(storage, (s) => s.records.unsentByPerson());
  const reviews = useStoredValue(storage, (s) => s.reviews.countPending());
  const persistence = useStoredValue(storage, () => storageStatus());
  if (!summary) return null;
  // Only unsent work is at risk when the browser may evict the data: with nothing unsent, or with
  // storage the browser promised to keep, there is nothing to warn about (walkthrough finding 28).
  const atRisk = summary.count + (reviews ?? 0);
  const storageWarning = persistence !== undefined && !persistence.persisted && atRisk > 0 && (
    <div className="notice notice--warning" data-testid="storage-status">
      <p>{t('access.storageAtRisk', { count: atRisk })}</p>
      <p>{t('access.storageWhatToDo')}</p>
    </div>
  );
  const pendingReviews = (reviews ?? 0) > 0 && (
    <p className="notice notice--warning" data-testid="unsynced-reviews">
      {t('access.unsyncedReviews', { count: reviews })}
    </p>
  );
  if (summary.count === 0 && !pendingReviews) {
    return (
      <>
        <p className="notice" data-testid="unsynced-summary">
          {t('access.nothingUnsynced')}
        </p>
      </>
    );
  }
  if (summary.count === 0) {
    return (
      <>
        {pendingReviews}
        {storageWarning}
      </>
    );
  }
  const oldest =
    summary.oldestEnqueuedAt === null
      ? ''
      : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(summary.oldestEnqueuedAt));
  return (
    <>
      <div className="notice notice--warning" data-testid="unsynced-summary">
        <p>{t('access.unsynced', { count: summary.count, oldest })}</p>
        {people !== undefined && people.length > 0 && (
          <ul className="unsent-people" data-testid="unsent-by-person">
            {people.map((person) => {
              const waiting = waitingLine(person, t);
              return (
                <li key={person.ownerId}>
                  {unsentLine(person, new Date(), t)}
                  {waiting === null ? null : <span className="unsent-people__waiting"> {waiting}</span>}
                </li>
              );
            })}
          </ul>
        )}
        <p className="hint">{t('access.unsentBy.sentByAnyone')}</p>
      </div>
      {pendingReviews}
      {storageWarning}
    </>
  );
}
