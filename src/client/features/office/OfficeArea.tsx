// The office area for administration and coordination (DESIGN.md §7): online
// only, with a session of its own that lives in React state — nothing is
// written to IndexedDB, localStorage or the URL, and leaving the area ends it.
// After the municipality's minutes without activity, or hidden for as long, it
// signs out and forgets its tokens (useAutoLock), and says why.
import './office.css';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoginResponse } from '@shared/protocol';
import { useAutoLock } from '../../app/useAutoLock';
import { connectOffice, type OfficeConnection, type OfficeExpiry } from './office-api';
import { OfficeSignIn } from './OfficeSignIn';
import { OfficeWorkspace } from './OfficeWorkspace';
import { PasswordChangeForm } from './PasswordChangeForm';
import { PasskeysPanel } from './PasskeysPanel';

type SignInNotice = { kind: OfficeExpiry | 'signedOut' } | { kind: 'idle'; minutes: number };
/** What the signed-in area shows: the work, the own passkeys, or the own password (forced after a one-time password). */
type View = 'workspace' | 'password' | 'forcedPassword' | 'passkeys';

function subscribeOnline(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

export function OfficeArea({ onExit }: { onExit: () => void }) {
  const { t } = useTranslation('office');
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine);
  const [connection, setConnection] = useState<OfficeConnection | null>(null);
  const [notice, setNotice] = useState<SignInNotice | null>(null);
  const [view, setView] = useState<View>('workspace');
  const [passwordChanged, setPasswordChanged] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // Signing in or out replaces most of the screen: put focus at its top again.
  const signedIn = connection !== null;
  const wasSignedIn = useRef(signedIn);
  useEffect(() => {
    if (wasSignedIn.current === signedIn) return;
    wasSignedIn.current = signedIn;
    heading.current?.focus();
  }, [signedIn]);

  const onSignedIn = (login: LoginResponse): void => {
    const api = connectOffice(login, (why) => {
      // Only the current connection may end the session shown on screen.
      setConnection((current) => (current === api ? null : current));
      setNotice({ kind: why });
    });
    setNotice(null);
    setPasswordChanged(false);
    // A one-time password from an admin's reset opens nothing but setting an own password.
    setView(login.mustChangePassword === true ? 'forcedPassword' : 'workspace');
    setConnection(api);
  };

  const signOut = async (): Promise<void> => {
    await connection?.signOut();
    setConnection(null);
    setNotice({ kind: 'signedOut' });
  };

  // Inactive or hidden too long: the tokens are dropped at once, the server is told in the background.
  const lockIdle = useCallback(() => {
    if (connection === null) return;
    void connection.signOut();
    setConnection(null);
    setNotice({ kind: 'idle', minutes: connection.lockMinutes });
  }, [connection]);
  useAutoLock(connection?.lockMinutes ?? null, lockIdle);

  const exit = (): void => {
    // Revoke the session in the background: leaving must not wait for the network.
    void connection?.signOut();
    setConnection(null);
    onExit();
  };

  return (
    <div className="office" data-testid="office-area">
      <header className="card office-header">
        <div className="office-header__title">
          <h1 ref={heading} tabIndex={-1}>
            {t('title')}
          </h1>
          {connection !== null && (
            <p className="hint">
              {t('session.signedInAs', {
                name: connection.user.displayName,
                roles: connection.user.roles.map((role) => t(`roles.${role}`)).join(', '),
              })}
            </p>
          )}
        </div>
        <div className="office-header__actions">
          {connection !== null && view === 'workspace' && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setPasswordChanged(false);
                setView('password');
              }}
            >
              {t('password.open')}
            </button>
          )}
          {connection !== null && view === 'workspace' && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setView('passkeys');
              }}
            >
              {t('passkeys.open')}
            </button>
          )}
          {connection !== null && (
            <button type="button" className="button" onClick={() => void signOut()}>
              {t('session.signOut')}
            </button>
          )}
          <button type="button" className="button" onClick={exit}>
            {t('exit')}
          </button>
        </div>
      </header>
      {!online && (
        <p className="banner banner--warning office-offline" role="alert">
          {t('offline')}
        </p>
      )}
      {connection === null ? (
        <OfficeSignIn
          notice={
            notice === null ? null : notice.kind === 'idle' ? t('signIn.idle', { count: notice.minutes }) : t(`signIn.${notice.kind}`)
          }
          onSignedIn={onSignedIn}
        />
      ) : view === 'passkeys' ? (
        <PasskeysPanel
          api={connection}
          onClose={() => {
            setView('workspace');
          }}
        />
      ) : view === 'workspace' ? (
        <>
          {passwordChanged && (
            <p className="notice" role="status">
              {t('password.changed')}
            </p>
          )}
          <OfficeWorkspace key={connection.user.id} api={connection} />
        </>
      ) : (
        <PasswordChangeForm
          api={connection}
          forced={view === 'forcedPassword'}
          onChanged={() => {
            setPasswordChanged(true);
            setView('workspace');
          }}
          {...(view === 'password'
            ? {
                onCancel: () => {
                  setView('workspace');
                },
              }
            : {})}
        />
      )}
    </div>
  );
}
