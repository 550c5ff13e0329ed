// Wires the sync engine to the browser: online/offline events, a periodic
// nudge (events can be missed while a tablet sleeps), and the config pull.
import type { Storage } from '../storage';
import { fetchDeviceConfig } from './backend-api';
import { SyncEngine } from './SyncEngine';
import { httpTransport } from './transport';

const PERIODIC_NUDGE_MS = 30_000;

export function startSync(storage: Storage): { engine: SyncEngine; dispose: () => void } {
  const engine = new SyncEngine({
    records: storage.records,
    transport: httpTransport({ token: async () => (await storage.device.session())?.token }),
    deviceId: () => storage.device.deviceId(),
    isOnline: () => navigator.onLine,
  });
  const onOnline = (): void => {
    engine.trigger({ resetBackoff: engine.current.mode !== 'paused' });
    void refreshConfig(storage);
  };
  const onOffline = (): void => {
    engine.trigger();
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  const nudge = setInterval(() => {
    if (engine.current.mode === 'idle' || engine.current.mode === 'offline') engine.trigger();
  }, PERIODIC_NUDGE_MS);
  engine.start();
  void refreshConfig(storage);
  return {
    engine,
    dispose() {
      engine.stop();
      clearInterval(nudge);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    },
  };
}

/** Pulls the municipality's configuration; offline the cached copy stays in use. */
export async function refreshConfig(storage: Storage): Promise<void> {
  const session = await storage.device.session();
  if (!session || !navigator.onLine) return;
  try {
    await storage.device.saveConfig(await fetchDeviceConfig(session.token));
  } catch {
    // Offline or server unreachable: keep the cached configuration.
  }
}

export { SyncEngine } from './SyncEngine';
export type { SyncStatus, SyncMode } from './SyncEngine';
