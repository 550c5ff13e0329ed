// The app shell as a small state machine: a revoked tablet wipes as soon as
// the backend says so, and nobody can unlock it before that check has answered;
// an unenrolled one offers enrollment; an enrolled one is locked until a person
// unlocks it; only then do the work screens (and any
// decrypted data) exist. Screen state lives in memory, never in the URL.
// While the family holds the tablet (family mode) the staff header, status and
// update texts give way to one "give back" control in the family's language,
// and the document takes the family's language and direction; any lock ends it.
import { lazy, Suspense, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { STAFF_HOLDS, documentLanguage, nextHolder } from '@domain/family-mode';
import { applyDocumentLanguage } from '../i18n';
import type { Storage } from '../storage';
import { checkDevice, type SyncEngine } from '../sync';
import { UpdatePrompt } from '../pwa/UpdatePrompt';
import { LockScreen } from '../features/access/LockScreen';
import { RevokedScreen } from '../features/access/RevokedScreen';
import { WelcomeScreen } from '../features/access/WelcomeScreen';
import { AppContext } from './AppContext';
import { AppHeader } from './AppHeader';
import { FamilyModeBar } from './FamilyModeBar';
import { FamilyModeContext, type FamilyMode } from './FamilyModeContext';
import { preloadable } from './preloadable';
import { readStartState, type StartState } from './start-state';
import { useHeadingFocus } from './useHeadingFocus';

const DEVICE_CHECK_TIMEOUT_MS = 4_000;

// The online-only office area is loaded on demand: tablets rarely need it,
// and the first screen should come up fast. The chunk is precached all the same.
// Enrollment and first sign-in happen once per tablet and person.
const EnrollTabletScreen = lazy(() => import('../features/access/EnrollTabletScreen').then((m) => ({ default: m.EnrollTabletScreen })));
const FirstSignInScreen = lazy(() => import('../features/access/FirstSignInScreen').then((m) => ({ default: m.FirstSignInScreen })));
const OfficeArea = lazy(() => import('../features/office/OfficeArea').then((m) => ({ default: m.OfficeArea })));

// Everything behind the lock is a chunk of its own: the first screen (welcome or
// lock) loads less, and the work area is fetched as soon as the app is idle
// (precached by the service worker, so offline too) — ready before the unlock.
const workArea = preloadable(() => import('./WorkArea').then((m) => m.WorkArea));
const WorkArea = workArea.Screen;
const WORK_AREA_PRELOAD_MS = 300;

type Phase = { kind: 'starting' } | { kind: 'revoked' } | { kind: 'ready'; deviceId: string | null };
type Overlay = 'none' | 'enroll' | 'office' | 'firstSignIn';

export function App({
  storage,
  engine,
  revoked,
  onFirstScreen,
  startState,
}: {
  storage: Storage;
  engine: SyncEngine;
  revoked: { subscribe: (fn: () => void) => () => void; report: () => void };
  /** Once the first screen (not "loading") is shown: start-up work that can wait, waits for it. */ onFirstScreen?: () => void;
  /** The start state, read already (main.tsx starts the read while the texts load); read here when absent. */
  startState?: Promise<StartState>;
}) {
  const { t, i18n } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const firstScreenShown = phase.kind !== 'starting';
  useEffect(() => {
    if (firstScreenShown) onFirstScreen?.();
  }, [firstScreenShown, onFirstScreen]);
  const [overlay, setOverlay] = useState<Overlay>('none');
  const main = useRef<HTMLElement>(null);
  useHeadingFocus(main);
  const unlocked = useSyncExternalStore(
    (fn) => storage.vault.onChange(fn),
    () => storage.vault.isUnlocked,
  );
  // Who holds the tablet. Derived as staff whenever the vault is locked, so not even one frame of the
  // lock screen (or of the next person's work area) is shown in family mode; the lock also resets it.
  const [heldBy, dispatchHolder] = useReducer(nextHolder, STAFF_HOLDS);
  useEffect(() => {
    if (!unlocked) dispatchHolder({ kind: 'locked' });
  }, [unlocked]);
  const holder = unlocked ? heldBy : STAFF_HOLDS;
  const family = holder.kind === 'family' ? holder : null;
  const familyMode = useMemo<FamilyMode>(
    () => ({
      holder,
      handOver: (language, task) => {
        const user = storage.vault.unlockedUser;
        if (user) dispatchHolder({ kind: 'handOver', language, task, staffUserId: user.userId });
      },
      callStaff: () => {
        dispatchHolder({ kind: 'callStaff' });
      },
    }),
    [holder, storage],
  );
  const documentLang = documentLanguage(holder, i18n.language);
  useLayoutEffect(() => {
    applyDocumentLanguage(documentLang.lang);
  }, [documentLang.lang]);

  useEffect(() => {
    const timer = setTimeout(() => void workArea.preload().catch(() => undefined), WORK_AREA_PRELOAD_MS);
    return () => {
      clearTimeout(timer);
    };
  }, []);

  // At start the first screen follows from the tablet's own database alone (startState, read while the
  // texts load). The revocation check runs beside it: if the backend is reachable and says this tablet
  // was revoked, everything is wiped and the revoked screen replaces the lock screen. No unlock goes
  // ahead before that check has answered or timed out (LockScreen's beforeUnlock), so a revoked
  // tablet still shows no decrypted data.
  const deviceCheck = useRef<Promise<boolean>>(Promise.resolve(true));
  useEffect(() => {
    let alive = true;
    const runCheck = async (): Promise<boolean> => {
      const status = await Promise.race([
        checkDevice(storage),
        new Promise<'unreachable'>((resolve) =>
          setTimeout(() => {
            resolve('unreachable');
          }, DEVICE_CHECK_TIMEOUT_MS),
        ),
      ]);
      if (status !== 'revoked') return true;
      await storage.wipe();
      if (alive) setPhase({ kind: 'revoked' });
      return false;
    };
    const check = runCheck();
    deviceCheck.current = check;
    const local = (startState ?? readStartState(storage)).catch(async () => {
      // The database was busy (a wipe, an upgrade in another tab): read again once the check is done.
      await check;
      return readStartState(storage);
    });
    void local.then((state) => {
      if (alive) setPhase((current) => (current.kind === 'revoked' ? current : { kind: 'ready', deviceId: state.deviceId }));
    });
    return () => {
      alive = false;
    };
  }, [storage, startState]);

  // Revocation learned later (login answer, token renewal, back online): wipe at once.
  useEffect(
    () =>
      revoked.subscribe(() => {
        void storage.wipe().then(() => {
          setPhase({ kind: 'revoked' });
        });
      }),
    [revoked, storage],
  );

  const body = (): React.ReactNode => {
    if (phase.kind === 'starting') return <p className="loading">{t('app.loading')}</p>;
    if (phase.kind === 'revoked')
      return (
        <RevokedScreen
          onRestart={() => {
            window.location.reload();
          }}
        />
      );
    if (overlay === 'office')
      return (
        <OfficeArea
          onExit={() => {
            setOverlay('none');
          }}
        />
      );
    if (phase.deviceId === null) {
      if (overlay === 'enroll') {
        return (
          <EnrollTabletScreen
            storage={storage}
            onCancel={() => {
              setOverlay('none');
            }}
            onEnrolled={() => {
              void storage.device.enrollment().then((e) => {
                setPhase({ kind: 'ready', deviceId: e?.deviceId ?? null });
                setOverlay('firstSignIn');
              });
            }}
          />
        );
      }
      return (
        <WelcomeScreen
          onEnroll={() => {
            setOverlay('enroll');
          }}
          onOffice={() => {
            setOverlay('office');
          }}
        />
      );
    }
    // A first sign-in stays on its screen until the signing key is enrolled (or the person goes on
    // without it): choosing the passphrase unlocks the vault midway, and the key check — with its
    // retry — must still be seen; a lock in that window then leads to the lock screen, not here again.
    if (overlay === 'firstSignIn') {
      return (
        <FirstSignInScreen
          storage={storage}
          deviceId={phase.deviceId}
          mode="first"
          onDone={() => {
            setOverlay('none');
          }}
          onCancel={() => {
            setOverlay('none');
          }}
        />
      );
    }
    if (!unlocked) {
      return (
        <LockScreen
          storage={storage}
          beforeUnlock={() => deviceCheck.current}
          onFirstSignIn={() => {
            setOverlay('firstSignIn');
          }}
          onOffice={() => {
            setOverlay('office');
          }}
        />
      );
    }
    return <WorkArea deviceId={phase.deviceId} />;
  };

  return (
    <AppContext.Provider value={{ storage, sync: engine, reportDeviceRevoked: revoked.report }}>
      <FamilyModeContext.Provider value={familyMode}>
        {family === null ? (
          <>
            <a className="skip-link" href="#main">
              {t('app.skipToContent')}
            </a>
            <AppHeader />
          </>
        ) : (
          <FamilyModeBar
            holder={family}
            onReturned={(userId) => {
              dispatchHolder({ kind: 'returnConfirmed', userId });
            }}
          />
        )}
        {/* Kept mounted (it remembers a waiting update), only hidden while the family holds the tablet. It mounts
            with the first screen: the service worker's registration (and its precache downloads) waits for it. */}
        <div className="update-slot" hidden={family !== null}>
          {firstScreenShown && <UpdatePrompt announceOfflineReady={phase.kind === 'ready' && phase.deviceId !== null} />}
        </div>
        <main ref={main} id="main" className={family === null ? 'main' : 'main main--family'} tabIndex={-1}>
          <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>{body()}</Suspense>
        </main>
      </FamilyModeContext.Provider>
    </AppContext.Provider>
  );
}
