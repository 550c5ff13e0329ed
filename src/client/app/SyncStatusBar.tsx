// Always visible: is the tablet online, how much is not yet sent, and what the
// sync engine is doing — so nobody wonders whether a contact "went through".
import { useTranslation } from 'react-i18next';
import { useSyncStatus } from '../sync/useSyncStatus';
import { useOnline } from '../sync/useOnline';
import { useAppServices } from './AppContext';
import { useStoredValue } from './useStoredValue';

export function SyncStatusBar({ onRenew }: { onRenew: () => void }) {
  const { t } = useTranslation();
  const { storage, sync } = useAppServices();
  const status = useSyncStatus(sync);
  const online = useOnline();
  const pending = useStoredValue(storage, (s) => s.records.countOutbox()) ?? 0;

  const modeText =
    status.mode === 'paused' ? t(`sync.mode.${status.pauseReason ?? 'unauthorized'}`) : t(`sync.mode.${status.mode}`);

  return (
    <footer className="sync-bar" data-sync-mode={status.mode}>
      <span className={`network-dot network-dot--${online ? 'online' : 'offline'}`} aria-hidden="true" />
      <span className="sync-bar__network">{online ? t('network.online') : t('network.offline')}</span>
      <span className="sync-bar__mode" role="status" aria-live="polite" data-testid="sync-status">
        {pending > 0 ? `${t('sync.pending', { count: pending })} · ` : ''}
        {modeText}
      </span>
      {status.mode === 'paused' && status.pauseReason === 'unauthorized' ? (
        <button type="button" className="button" onClick={onRenew}>
          {t('auth.submit')}
        </button>
      ) : pending > 0 && online && status.mode !== 'pushing' ? (
        <button type="button" className="button" onClick={() => { sync.trigger({ resetBackoff: true }); }}>
          {t('sync.sendNow')}
        </button>
      ) : null}
    </footer>
  );
}
