// The app shell: sign-in on first use, then the overview and the HOME contact
// form. Screen state lives in memory, never in the URL (no record content in URLs).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Storage } from '../storage';
import { refreshConfig, type SyncEngine } from '../sync';
import { UpdatePrompt } from '../pwa/UpdatePrompt';
import { HOME_CONTACT_DRAFT_ID, HomeContactForm } from '../features/home-contact/HomeContactForm';
import { AppContext } from './AppContext';
import { Overview } from './Overview';
import { SignInScreen } from './SignInScreen';
import { SyncStatusBar } from './SyncStatusBar';
import { useStoredValue } from './useStoredValue';
import { AppHeader } from './AppHeader';

type View = 'overview' | 'newHomeContact' | 'renewSession';

export function App({ storage, engine }: { storage: Storage; engine: SyncEngine }) {
  const { t } = useTranslation();
  const [view, setView] = useState<View>('overview');
  const session = useStoredValue(storage, async (s) => (await s.device.session()) ?? null);

  // A draft is left behind only by a reload, a crash or an app update (saving
  // and cancelling both remove it): reopen its form so the work continues.
  useEffect(() => {
    void storage.drafts.load(HOME_CONTACT_DRAFT_ID).then((draft) => {
      if (draft !== undefined) setView((current) => (current === 'overview' ? 'newHomeContact' : current));
    });
  }, [storage]);

  if (session === undefined) {
    return <p className="loading">{t('app.loading')}</p>;
  }

  const afterSignIn = (): void => {
    engine.trigger({ resetBackoff: true });
    void refreshConfig(storage);
    setView('overview');
  };

  return (
    <AppContext.Provider value={{ storage, sync: engine }}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <AppHeader session={session} />
      <UpdatePrompt />
      <main id="main" className="main" tabIndex={-1}>
        {session === null ? (
          <SignInScreen mode="first" onSignedIn={afterSignIn} />
        ) : view === 'renewSession' ? (
          <SignInScreen mode="renew" onSignedIn={afterSignIn} onCancel={() => { setView('overview'); }} />
        ) : view === 'newHomeContact' ? (
          <HomeContactForm
            onDone={() => {
              setView('overview');
            }}
          />
        ) : (
          <Overview onNewHomeContact={() => { setView('newHomeContact'); }} />
        )}
      </main>
      <SyncStatusBar onRenew={() => { setView('renewSession'); }} />
    </AppContext.Provider>
  );
}
