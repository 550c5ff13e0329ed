// What the first screen (welcome or lock) needs to know: is this tablet set up?
// One small read of the tablet's own database, no network, so an offline
// restart shows its lock screen as soon as the service worker has served the app.
import type { Storage } from '../storage';

export interface StartState {
  /** The enrolled tablet's id once its data key exists; null shows the welcome screen. */
  deviceId: string | null;
}

export async function readStartState(storage: Storage): Promise<StartState> {
  const [enrollment, provisioned] = await Promise.all([storage.device.enrollment(), storage.vault.isProvisioned()]);
  return { deviceId: provisioned ? (enrollment?.deviceId ?? null) : null };
}
