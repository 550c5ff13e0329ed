// Wires the sync engine to the browser and the vault: online/offline events,
// a periodic nudge (events can be missed while a tablet sleeps), unlock, the
// pulls and data minimisation (both run by the engine, after each send), silent
// token renewal, and the device revocation check (which carries the fleet report).
import { DEFAULT_SECURITY_SETTINGS } from '@shared/security-defaults';
import type { Storage } from '../storage';
import { RequestError } from '../http/request';
import type { DeviceReport } from '@shared/fleet';
import { deviceStatus, refreshSession } from './backend-api';
import { buildDeviceReport } from './fleet-report';
import { tabletPulls } from './pulls';
import { SyncEngine } from './SyncEngine';
import { httpTransport } from './transport';

const PERIODIC_NUDGE_MS = 30_000;
/** Every 5 minutes online the tablet asks whether it was revoked. */
const DEVICE_CHECK_EVERY_NUDGES = 10;

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
    hasSession: async () => (await storage.device.session()) !== undefined,
    afterSend: () => minimise(storage),
    pulls: tabletPulls(storage),
  });
  const revokedCheck = (): void => {
    void checkDevice(storage).then((status) => {
      if (status === 'revoked') hooks.onDeviceRevoked();
    });
  };
  // After a push run that sent something the fleet report is out of date: the
  // office should see the unsent count fall, not wait for the next periodic check.
  let reportedAfter: number | undefined;
  const unsubscribeEngine = engine.subscribe((status) => {
    if (status.mode !== 'idle' || status.lastSuccessAt === undefined || status.lastSuccessAt === reportedAfter) return;
    reportedAfter = status.lastSuccessAt;
    revokedCheck();
  });
  const onOnline = (): void => {
    engine.trigger({ resetBackoff: engine.current.pauseReason !== 'unauthorized', pullAll: true });
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
      engine.trigger({ resetBackoff: true, pullAll: true });
    } else {
      engine.trigger();
    }
  });
  let disposed = false;
  const begin = (): void => {
    if (disposed) return;
    void engine.start();
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
  const retention = (await storage.device.config())?.security.retentionDaysAfterSync ?? DEFAULT_SECURITY_SETTINGS.retentionDaysAfterSync;
  await storage.records.dropSentContent(retention);
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
    if (error instanceof RequestError && error.reason === 'deviceRevoked') onDeviceRevoked();
    return false;
  }
}

/** Asks the backend whether this tablet is still enrolled; 'unreachable' offline. */
export async function checkDevice(storage: Storage): Promise<'active' | 'revoked' | 'unknown' | 'unreachable' | 'notEnrolled'> {
  const enrollment = await storage.device.enrollment();
  if (!enrollment) return 'notEnrolled';
  try {
    const answer = await statusWithReport(
      enrollment.deviceId,
      enrollment.deviceSecret,
      await buildDeviceReport(storage).catch(() => undefined),
    );
    // A person deactivated by an administrator loses offline access here too.
    for (const userId of answer.deactivatedAccountIds) await storage.vault.removeSlot(userId);
    // The office's warning threshold, so the status bar warns when the fleet view does (kept for offline days).
    if (answer.unsentWarningDays !== undefined) await storage.device.saveUnsentWarningDays(answer.unsentWarningDays);
    return answer.status;
  } catch {
    return 'unreachable';
  }
}

/**
 * The status check with the fleet report. A backend that refuses the report
 * (400: one older than this app, whose schema lacks a field) is asked again
 * without it: the revocation check must never depend on the report.
 */
async function statusWithReport(deviceId: string, deviceSecret: string, report: DeviceReport | undefined) {
  if (report === undefined) return deviceStatus(deviceId, deviceSecret);
  try {
    return await deviceStatus(deviceId, deviceSecret, report);
  } catch (error) {
    if (error instanceof RequestError && error.status === 400) return deviceStatus(deviceId, deviceSecret);
    throw error;
  }
}

export { refreshConfig, pullWithdrawals } from './pulls';
export { SyncEngine } from './SyncEngine';
export type { SyncStatus, SyncMode } from './SyncEngine';
export type { PullFailure, PullName } from './pull-failure';
