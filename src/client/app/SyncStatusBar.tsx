// Always visible: is the tablet online, how much is not yet sent, what the
// sync engine is doing, and whether what the tablet shows is current (the
// time of the last pull, or which pull failed) — so nobody wonders whether a
// contact "went through" or why an approval has not arrived. One calm line,
// and on a shared tablet whose entries wait ("M. Beispiel: 3 (seit 2 Tagen)").
import { useTranslation } from 'react-i18next';
import type { PullFailure } from '../sync/pull-failure';
import type { SyncStatus } from '../sync/SyncEngine';
import { useSyncStatus } from '../sync/useSyncStatus';
import { useOnline } from '../sync/useOnline';
import { useAppServices } from './AppContext';
import { useStoredValue } from './useStoredValue';
import { unsentShort, waitingNames } from '../features/access/unsent-texts';
import { daysSince } from '../storage';
import { DEFAULT_FLEET_WARNING_DAYS } from '@shared/fleet';

/** Why a pull failed, in the few words a person can act on. */
function pullProblem(reason: PullFailure['reason']): 'unreachable' | 'signIn' | 'notAllowed' | 'outdated' | 'tablet' | 'server' {
  switch (reason) {
    case 'network':
    case 'timeout':
      return 'unreachable';
    case 'unauthorized':
      return 'signIn';
    case 'forbidden':
    case 'deviceRevoked':
      return 'notAllowed';
    case 'clientTooOld':
      return 'outdated';
    case 'storage':
    case 'locked':
      return 'tablet';
    default:
      return 'server';
  }
}

export function SyncStatusBar({ onRenew }: { onRenew: () => void }) {
  const { t, i18n } = useTranslation();
  const { storage, sync } = useAppServices();
  const status = useSyncStatus(sync);
  const online = useOnline();
  const pending = useStoredValue(storage, (s) => s.records.countOutbox()) ?? 0;
  // Refused or returned records are not "sent": the bar says they wait in the list (e.g. returned for personal data).
  const notAccepted = useStoredValue(storage, (s) => s.records.countBySyncState('rejected')) ?? 0;
  const people = useStoredValue(storage, (s) => s.records.unsentByPerson()) ?? [];
  const overdueDays = useStoredValue(storage, (s) => s.device.unsentWarningDays()) ?? DEFAULT_FLEET_WARNING_DAYS;
  // Whose entries they are, once they are not only the unlocked person's own.
  const othersToo = pending > 0 && people.some((person) => person.ownerId !== storage.vault.unlockedUser?.userId);

  const modeText = (s: SyncStatus): string => {
    if (s.mode === 'paused') return t(`sync.mode.${s.pauseReason ?? 'unauthorized'}`);
    // Idle with entries left: everything that could be sent is sent; the rest wait for their authors.
    if (s.mode === 'idle' && pending > 0) {
      const names = waitingNames(people, t);
      return names === null ? t('sync.mode.idleOthersPendingUnnamed') : t('sync.mode.idleOthersPending', { names });
    }
    return t(`sync.mode.${s.mode}`);
  };
  const pullText = (s: SyncStatus): string | null => {
    if (s.pullError !== undefined && s.mode === 'idle') {
      return t('sync.pull.failed', {
        what: t(`sync.pull.what.${s.pullError.pull}`),
        why: t(`sync.pull.why.${pullProblem(s.pullError.reason)}`),
      });
    }
    if (s.lastPulledAt === undefined) return null;
    const pulled = new Date(s.lastPulledAt);
    const today = pulled.toDateString() === new Date().toDateString();
    const time = new Intl.DateTimeFormat(i18n.language, today ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' }).format(
      pulled,
    );
    return t('sync.pull.lastPulled', { time });
  };
  const pulled = pullText(status);
  // An entry unsent for as long as the office's fleet view warns about: say so here too, with what to do
  // (a lost or broken tablet loses exactly what it has not sent).
  const now = new Date();
  const oldestDays = pending > 0 ? Math.max(0, ...people.map((person) => daysSince(person.oldestEnqueuedAt, now))) : 0;
  const signInNeeded = (status.mode === 'paused' && status.pauseReason === 'unauthorized') || status.pullError?.reason === 'unauthorized';

  return (
    <footer
      className="sync-bar"
      data-sync-mode={status.mode}
      {...(status.pullError === undefined ? {} : { 'data-pull-error': status.pullError.pull })}
    >
      {oldestDays >= overdueDays && (
        <p className="sync-bar__overdue notice notice--warning" role="alert" data-testid="unsent-overdue">
          {t('sync.overdue', { count: oldestDays })} {t('sync.overdueWhat')}
        </p>
      )}
      <span className={`network-dot network-dot--${online ? 'online' : 'offline'}`} aria-hidden="true" />
      <span className="sync-bar__network">{online ? t('network.online') : t('network.offline')}</span>
      <span className="sync-bar__mode" role="status" aria-live="polite" data-testid="sync-status">
        {pending > 0 ? `${t('sync.pending', { count: pending })} · ` : ''}
        {notAccepted > 0 ? `${t('sync.notAccepted', { count: notAccepted })} · ` : ''}
        {othersToo ? `${people.map((person) => unsentShort(person, new Date(), t)).join(', ')} · ` : ''}
        {modeText(status)}
        {pulled === null ? '' : ` · ${pulled}`}
      </span>
      {signInNeeded ? (
        <button type="button" className="button" onClick={onRenew}>
          {t('auth.submit')}
        </button>
      ) : pending > 0 && online && status.mode !== 'pushing' ? (
        <button
          type="button"
          className="button"
          onClick={() => {
            sync.trigger({ resetBackoff: true });
          }}
        >
          {t('sync.sendNow')}
        </button>
      ) : null}
    </footer>
  );
}
