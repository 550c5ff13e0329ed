// Pulls the states of the referrals made on this tablet (contacted, started,
// …) so staff see whether a family took up an offer. Always the full list
// (small: referrals made here): a withdrawn case's referrals are gone on the
// server and so disappear here at the next pull. Stored sealed; offline or on
// any failure the last pulled states stay.
import type { Storage } from '../storage';
import { fetchReferralStates } from './backend-api';

export async function pullReferralStates(storage: Storage): Promise<void> {
  const session = await storage.device.session();
  if (!session || !navigator.onLine || !storage.vault.isUnlocked) return;
  try {
    const response = await fetchReferralStates(session.token);
    await storage.device.saveReferralStates(response.referrals);
  } catch {
    // Offline, expired or not a tablet session: keep what we have.
  }
}
