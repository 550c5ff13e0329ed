// Top bar: app name, staff language, and — while unlocked — who is working,
// "lock" and "switch person". Switching warns while entries are unsent.
import { useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { STAFF_LANGUAGES } from '@shared/languages';
import { changeStaffLanguage, isStaffLanguage } from '../i18n';
import { useAppServices } from './AppContext';
import { lockApp } from './lock';
import { flushOpenForms } from '../pwa/form-guard';
import { signOut } from '../sync/backend-api';

export function AppHeader() {
  const { t, i18n } = useTranslation();
  const { storage } = useAppServices();
  const user = useSyncExternalStore(
    (fn) => storage.vault.onChange(fn),
    () => storage.vault.unlockedUser,
  );
  const [confirm, setConfirm] = useState<{ action: 'switch' | 'signOut'; unsent: number } | null>(null);

  const switchPerson = async (): Promise<void> => {
    const { count } = await storage.records.unsyncedSummary();
    if (count > 0) setConfirm({ action: 'switch', unsent: count });
    else await lockApp(storage);
  };

  const askSignOut = async (): Promise<void> => {
    if (!user) return;
    setConfirm({ action: 'signOut', unsent: await storage.records.countOwnedOutbox(user.userId) });
  };

  const signOutHere = async (): Promise<void> => {
    if (!user) return;
    const session = await storage.device.session();
    if (session) await signOut(session.token).catch(() => undefined); // offline: the tokens expire on their own
    await flushOpenForms();
    await storage.device.clearSession(user.userId);
    await storage.vault.removeSlot(user.userId);
  };

  return (
    <header className="app-header">
      <div className="app-header__brand">
        <span className="app-header__name">{t('app.name')}</span>
        <span className="app-header__tagline">{t('app.tagline')}</span>
      </div>
      <div className="app-header__tools">
        <label className="inline-field">
          <span>{t('settings.staffLanguage')}</span>
          <select
            value={i18n.language}
            onChange={(e) => {
              const lang = e.target.value;
              if (isStaffLanguage(lang)) void changeStaffLanguage(lang);
            }}
          >
            {STAFF_LANGUAGES.map((lang) => (
              <option key={lang} value={lang}>
                {t(`languageName.${lang}`)}
              </option>
            ))}
          </select>
        </label>
        {user && (
          <>
            <span className="app-header__user">{t('auth.signedInAs', { name: user.displayName })}</span>
            <button type="button" className="button" onClick={() => void lockApp(storage)}>
              {t('access.lock')}
            </button>
            <button type="button" className="button" onClick={() => void switchPerson()}>
              {t('access.switchPerson')}
            </button>
            <button type="button" className="button" onClick={() => void askSignOut()}>
              {t('access.signOut')}
            </button>
          </>
        )}
      </div>
      {user && confirm !== null && (
        <div className="banner banner--warning" role="alertdialog" aria-labelledby="confirm-warning">
          <p id="confirm-warning">
            {confirm.action === 'switch'
              ? t('access.switchUnsynced', { count: confirm.unsent })
              : confirm.unsent > 0
                ? t('access.signOutUnsynced', { count: confirm.unsent })
                : t('access.signOutConfirm')}
          </p>
          <div className="banner__actions">
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                const action = confirm.action;
                setConfirm(null);
                void (action === 'switch' ? lockApp(storage) : signOutHere());
              }}
            >
              {confirm.action === 'switch' ? t('access.switchPerson') : t('access.signOut')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setConfirm(null);
              }}
            >
              {t('access.stay')}
            </button>
          </div>
        </div>
      )}
    </header>
  );
}
