// Top bar: app name, who is signed in, staff language, sign-out (which warns
// while entries are still unsent).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoginResponse } from '../../shared/protocol';
import { STAFF_LANGUAGES } from '../../shared/languages';
import { changeStaffLanguage, isStaffLanguage } from '../i18n';
import { signOut } from '../sync/backend-api';
import { useAppServices } from './AppContext';
import { useStoredValue } from './useStoredValue';

export function AppHeader({ session }: { session: LoginResponse | null }) {
  const { t, i18n } = useTranslation();
  const { storage, sync } = useAppServices();
  const unsent = useStoredValue(storage, (s) => s.records.countOutbox()) ?? 0;
  const [confirming, setConfirming] = useState(false);

  const doSignOut = async (): Promise<void> => {
    if (session) {
      await signOut(session.token).catch(() => undefined); // offline: the token simply expires
    }
    await storage.device.clearSession();
    setConfirming(false);
    sync.trigger();
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
        {session && (
          <>
            <span className="app-header__user">{t('auth.signedInAs', { name: session.user.displayName })}</span>
            <button
              type="button"
              className="button"
              onClick={() => {
                if (unsent > 0) setConfirming(true);
                else void doSignOut();
              }}
            >
              {t('auth.signOut')}
            </button>
          </>
        )}
      </div>
      {confirming && (
        <div className="banner banner--warning" role="alertdialog" aria-labelledby="signout-warning">
          <p id="signout-warning">{t('auth.signOutUnsynced', { count: unsent })}</p>
          <div className="banner__actions">
            <button type="button" className="button button--danger" onClick={() => void doSignOut()}>
              {t('auth.signOut')}
            </button>
            <button type="button" className="button" onClick={() => { setConfirming(false); }}>
              {t('auth.staySignedIn')}
            </button>
          </div>
        </div>
      )}
    </header>
  );
}
