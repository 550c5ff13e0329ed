// Entry point of the tablet app: languages first (so nothing flashes untranslated),
// then the local database, then the screens.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from './i18n';
import { openStorage } from './storage';
import { startSync } from './sync';
import { App } from './app/App';
import './styles.css';

async function boot(): Promise<void> {
  await initI18n();
  const storage = openStorage();
  // Revocation can be learned by the sync layer at any time; the shell wipes and says so.
  const revokedListeners = new Set<() => void>();
  const revoked = {
    subscribe: (fn: () => void) => {
      revokedListeners.add(fn);
      return () => revokedListeners.delete(fn);
    },
    report: () => {
      for (const fn of revokedListeners) fn();
    },
  };
  // The engine lives as long as the page: it keeps draining the outbox whatever screen is shown.
  const { engine } = startSync(storage, { onDeviceRevoked: revoked.report });
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  createRoot(root).render(
    <StrictMode>
      <App storage={storage} engine={engine} revoked={revoked} />
    </StrictMode>,
  );
}

void boot();
