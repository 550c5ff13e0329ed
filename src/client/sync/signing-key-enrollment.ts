// Enrolls the unlocked person's public signing key with the backend once
// (needed for four-eyes approval, not for recording). Retried at each unlock
// while online until it succeeds; concurrent callers share one request.
import type { Storage } from '../storage';
import { enrollSigningKey } from './backend-api';

const inFlight = new Map<string, Promise<void>>();

export async function ensureSigningKeyEnrolled(storage: Storage, deviceId: string): Promise<void> {
  const userId = storage.vault.unlockedUser?.userId;
  if (userId === undefined || !navigator.onLine) return;
  const slot = await storage.vault.slot(userId);
  const session = await storage.device.session();
  if (!slot || slot.signingKeyEnrolled || !session) return;
  const running = inFlight.get(userId);
  if (running) return running;
  const attempt = enrollSigningKey(session.token, deviceId, slot.signingPublicKey)
    .then(() => storage.vault.markSigningKeyEnrolled(userId))
    .catch(() => undefined)
    .finally(() => inFlight.delete(userId));
  inFlight.set(userId, attempt);
  return attempt;
}
