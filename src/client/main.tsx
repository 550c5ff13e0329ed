// Entry point of the tablet app: the first screen's texts (so nothing flashes
// untranslated), then the local database, then the screens. Sync, data
// minimisation, pulls and the remaining texts wait until the first screen is shown.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FIRST_SCREEN_NAMESPACES, initI18n, loadRemainingTexts, preferredStaffLanguage } from './i18n';
import { openStorage } from './storage';
import { startSync } from './sync';
import { App } from './app/App';
import { readStartState } from './app/start-state';
import { CONFIRMATION_PATH } from './features/partner-confirmation/confirmation-path';
import './styles.css';

/** Idle time after the next painted frame (a timeout keeps a busy page from postponing it for long). */
function afterNextPaint(task: () => void): void {
  requestAnimationFrame(() => {
    setTimeout(() => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 500 });
      else task();
    }, 0);
  });
}

/**
 * The public confirmation page for partners without an account: its own small
 * screen on its own path — no local database, no sync, no service worker.
 */
async function bootPublicConfirmation(root: HTMLElement): Promise<void> {
  const language = preferredStaffLanguage();
  await initI18n(language, { namespaces: ['common', 'referral'] });
  const { PublicConfirmationPage } = await import('./features/partner-confirmation/PublicConfirmationPage');
  createRoot(root).render(
    <StrictMode>
      <PublicConfirmationPage />
    </StrictMode>,
  );
}

async function boot(): Promise<void> {
  if (window.location.pathname === CONFIRMATION_PATH) {
    const root = document.getElementById('root');
    if (!root) throw new Error('missing #root');
    await bootPublicConfirmation(root);
    return;
  }
  // The first screen's one database read runs while its texts load, not after them.
  const storage = openStorage();
  const startState = readStartState(storage);
  await initI18n(preferredStaffLanguage(), { namespaces: FIRST_SCREEN_NAMESPACES });
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
  const deferred: (() => void)[] = [() => void loadRemainingTexts().catch(() => undefined)]; // missing ones load again on a language change
  let firstScreenShown = false;
  const onFirstScreen = (): void => {
    if (firstScreenShown) return;
    firstScreenShown = true;
    afterNextPaint(() => {
      for (const task of deferred.splice(0)) task();
    });
  };
  // The engine lives as long as the page: it keeps draining the outbox whatever screen is shown.
  const { engine } = startSync(storage, {
    onDeviceRevoked: revoked.report,
    deferStart: (begin) => {
      deferred.push(begin);
    },
  });
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  createRoot(root).render(
    <StrictMode>
      <App storage={storage} engine={engine} revoked={revoked} onFirstScreen={onFirstScreen} startState={startState} />
    </StrictMode>,
  );
}

void boot();
