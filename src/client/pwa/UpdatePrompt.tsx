// Offers a new app version; it is applied only when the user taps "update",
// after every open form has saved its draft. Also says once when the app has
// become available offline — only on an enrolled tablet: on an office PC or a
// tablet not set up yet, "usable offline" would promise what is not there.
import { useEffect } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { useTranslation } from 'react-i18next';
import { useAppServices } from '../app/AppContext';
import { useSyncStatus } from '../sync/useSyncStatus';
import { flushOpenForms } from './form-guard';

export function UpdatePrompt({ announceOfflineReady = true }: { announceOfflineReady?: boolean }) {
  const { t } = useTranslation();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });
  const { sync } = useAppServices();
  const tooOld = useSyncStatus(sync).pauseReason === 'clientTooOld';

  // The server said this version is too old (426): look for the new version now,
  // so the prompt below appears without waiting for the browser's own check.
  useEffect(() => {
    if (!tooOld || !('serviceWorker' in navigator)) return;
    void navigator.serviceWorker.getRegistration().then((registration) => registration?.update());
  }, [tooOld]);

  if (needRefresh) {
    return (
      <div className="banner banner--update" role="status" data-testid="update-prompt">
        <p>
          <strong>{t('update.available')}</strong> {t('update.keepsData')}
        </p>
        <div className="banner__actions">
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              void flushOpenForms().then(() => updateServiceWorker(true));
            }}
          >
            {t('update.apply')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setNeedRefresh(false);
            }}
          >
            {t('update.later')}
          </button>
        </div>
      </div>
    );
  }
  if (offlineReady && announceOfflineReady) {
    return (
      <div className="banner" role="status" data-testid="offline-ready">
        <p>{t('update.offlineReady')}</p>
        <button
          type="button"
          className="button"
          onClick={() => {
            setOfflineReady(false);
          }}
        >
          {t('update.dismiss')}
        </button>
      </div>
    );
  }
  return null;
}
