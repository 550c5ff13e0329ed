// Top bar: app name, staff language, and — while unlocked — who is working,
// "lock" and "switch person". Switching warns while entries are unsent.
import { useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { STAFF_LANGUAGES } from '../../shared/languages';
import { changeStaffLanguage, isStaffLanguage } from '../i18n';
import { useAppServices } from './AppContext';
import { lockApp } from './lock';

export function AppHeader() {
  const { t, i18n } = useTranslation();
  const { storage } = useAppServices();
  const user = useSyncExternalStore(
    (fn) => storage.vault.onChange(fn),
    () => storage.vault.unlockedUser,
  );
  const [unsent, setUnsent] = useState<number | null>(null);

  const switchPerson = async (): Promise<void> => {
    const { count } = await storage.records.unsyncedSummary();
    if (count > 0) setUnsent(count);
    else await lockApp(storage);
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
          </>
        )}
      </div>
      {user && unsent !== null && (
        <div className="banner banner--warning" role="alertdialog" aria-labelledby="switch-warning">
          <p id="switch-warning">{t('access.switchUnsynced', { count: unsent })}</p>
          <div className="banner__actions">
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                setUnsent(null);
                void lockApp(storage);
              }}
            >
              {t('access.switchPerson')}
            </button>
            <button type="button" className="button" onClick={() => { setUnsent(null); }}>
              {t('access.stay')}
            </button>
          </div>
        </div>
      )}
    </header>
  );
}
