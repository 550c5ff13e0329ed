// Wires the sync engine to the browser and the vault: online/offline events,
// a periodic nudge (events can be missed while a tablet sleeps), unlock, the
// config and offer catalogue pull, silent token renewal, and data minimisation after each send.
import type { Storage } from '../storage';
import { BackendError, deviceStatus, fetchDeviceConfig, fetchOfferCatalog, fetchQuestionnaire, fetchWithdrawals, refreshSession } from './backend-api';
import { SyncEngine } from './SyncEngine';
import { httpTransport } from './transport';
import { syncReviews } from './review-sync';
import { pullReferralStates } from './referral-states';

const PERIODIC_NUDGE_MS = 30_000;
/** Every 5 minutes online the tablet asks whether it was revoked. */
const DEVICE_CHECK_EVERY_NUDGES = 10;
const DEFAULT_RETENTION_DAYS = 0;

export function startSync(
  storage: Storage,
  hooks: {
    onDeviceRevoked: () => void;
    /** Calls `begin` (the first push, then data minimisation and the pulls) when the app's first screen is up; default at once. */
    deferStart?: (begin: () => void) => void;
  },
): { engine: SyncEngine; dispose: () => void } {
  const engine = new SyncEngine({
    records: storage.records,
    transport: httpTransport({ token: async () => (await storage.device.session())?.token }),
    deviceId: () => storage.device.deviceId(),
    isOnline: () => navigator.onLine,
    isLocked: () => !storage.vault.isUnlocked,
    refreshSession: () => renewSession(storage, hooks.onDeviceRevoked),
  });
  const revokedCheck = (): void => {
    void checkDevice(storage).then((status) => {
      if (status === 'revoked') hooks.onDeviceRevoked();
    });
  };
  const onOnline = (): void => {
    engine.trigger({ resetBackoff: engine.current.pauseReason !== 'unauthorized' });
    void refreshConfig(storage);
    revokedCheck();
  };
  const onOffline = (): void => {
    engine.trigger();
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  const unsubscribeVault = storage.vault.onChange(() => {
    if (storage.vault.isUnlocked) {
      revokedCheck(); // a tablet revoked while it sat locked and online is wiped at once
      engine.trigger({ resetBackoff: true });
      void refreshConfig(storage);
    } else {
      engine.trigger();
    }
  });
  let disposed = false;
  let unsubscribeEngine = (): void => undefined;
  const begin = (): void => {
    if (disposed) return;
    const unsubscribe = engine.subscribe((status) => {
      if (status.mode === 'idle') {
        void minimise(storage)
          .then(() => pullWithdrawals(storage))
          .then(() => syncReviews(storage))
          .then(() => pullReferralStates(storage));
      }
    });
    unsubscribeEngine = () => { unsubscribe(); };
    engine.start();
  };
  let nudges = 0;
  const nudge = setInterval(() => {
    if (engine.current.mode === 'idle' || engine.current.mode === 'offline') engine.trigger();
    if (++nudges % DEVICE_CHECK_EVERY_NUDGES === 0 && navigator.onLine) revokedCheck();
  }, PERIODIC_NUDGE_MS);
  if (hooks.deferStart) hooks.deferStart(begin);
  else begin();
  return {
    engine,
    dispose() {
      disposed = true;
      engine.stop();
      clearInterval(nudge);
      unsubscribeVault();
      unsubscribeEngine();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    },
  };
}

/** Drops the content of sent records once the municipality's retention has passed. */
async function minimise(storage: Storage): Promise<void> {
  const retention = (await storage.device.config())?.security.retentionDaysAfterSync ?? DEFAULT_RETENTION_DAYS;
  await storage.records.dropSentContent(retention);
}

/**
 * Applies consent withdrawals made on other tablets or in the office: the
 * case's content is deleted here too. Needs the vault unlocked (to find the
 * case's sealed records); otherwise it waits for the next pull.
 */
export async function pullWithdrawals(storage: Storage): Promise<void> {
  const session = await storage.device.session();
  if (!session || !navigator.onLine || !storage.vault.isUnlocked) return;
  try {
    const response = await fetchWithdrawals(session.token, await storage.device.withdrawalsPulledAt());
    for (const { caseNumber } of response.withdrawals) await storage.records.deleteCase(caseNumber);
    // The cursor is the newest withdrawal actually seen (database time), never
    // this server's clock: a withdrawal committed just after the query, or a
    // clock running ahead of the database, must not be skipped.
    const newest = response.withdrawals.at(-1)?.withdrawnAt;
    if (newest !== undefined) await storage.device.saveWithdrawalsPulledAt(newest);
  } catch {
    // Offline or expired: the next pull catches up (the server lists all since the last one).
  }
}

/**
 * Pulls the municipality's configuration and its offer catalogue; each is
 * replaced only by a valid answer, so offline (or on any failure) the cached
 * copies stay in use. The two pulls are independent: the catalogue needs a
 * session signed in on this tablet, the config does not.
 */
export async function refreshConfig(storage: Storage): Promise<void> {
  const session = await storage.device.session();
  if (!session || !navigator.onLine) return;
  await Promise.all([
    fetchDeviceConfig(session.token).then(
      (config) => storage.device.saveConfig(config),
      () => undefined, // Offline, expired or server unreachable: keep the cached configuration.
    ),
    fetchOfferCatalog(session.token).then(
      async (catalog) => {
        // An unchanged catalogue is not written again (no needless change notifications).
        if ((await storage.device.offers())?.version !== catalog.version) await storage.device.saveOffers(catalog);
      },
      () => undefined, // Likewise: keep the cached catalogue.
    ),
    // The screening questionnaire: used only if it passes the check here too (else the last good one stays).
    fetchQuestionnaire(session.token).then(
      (answer) => storage.questionnaires.accept(answer.questionnaire),
      () => undefined,
    ),
  ]).catch(() => undefined); // A failed write keeps the cached copy as well.
}

/** Uses the sealed refresh token to get a new access token without asking for the password. */
async function renewSession(storage: Storage, onDeviceRevoked: () => void): Promise<boolean> {
  const session = await storage.device.session();
  if (!session) return false;
  try {
    const enrollment = await storage.device.enrollment();
    const renewed = await refreshSession({
      refreshToken: session.refreshToken,
      ...(enrollment === undefined ? {} : { deviceId: enrollment.deviceId, deviceSecret: enrollment.deviceSecret }),
    });
    await storage.device.saveSession(renewed);
    return true;
  } catch (error) {
    if (error instanceof BackendError && error.reason === 'deviceRevoked') onDeviceRevoked();
    return false;
  }
}

/** Asks the backend whether this tablet is still enrolled; 'unreachable' offline. */
export async function checkDevice(storage: Storage): Promise<'active' | 'revoked' | 'unknown' | 'unreachable' | 'notEnrolled'> {
  const enrollment = await storage.device.enrollment();
  if (!enrollment) return 'notEnrolled';
  try {
    const answer = await deviceStatus(enrollment.deviceId, enrollment.deviceSecret);
    // A person deactivated by an administrator loses offline access here too.
    for (const userId of answer.deactivatedAccountIds) await storage.vault.removeSlot(userId);
    return answer.status;
  } catch {
    return 'unreachable';
  }
}

export { SyncEngine } from './SyncEngine';
export type { SyncStatus, SyncMode } from './SyncEngine';
