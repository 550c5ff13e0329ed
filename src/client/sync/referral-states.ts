// Pulls the states of the referrals made on this tablet (contacted, started,
// …) so staff see whether a family took up an offer. Always the full list
// (small: referrals made here): a withdrawn case's referrals are gone on the
// server and so disappear here at the next pull. Stored sealed; on a failure
// the last pulled states stay and the failure is handed back.
import type { Storage } from '../storage';
import { fetchReferralStates } from './backend-api';
import { attemptPull, type PullFailure } from './pull-failure';
import { sessionToken } from './session-token';

export async function pullReferralStates(storage: Storage): Promise<PullFailure | undefined> {
  return attemptPull('referralStates', async () => {
    const response = await fetchReferralStates(await sessionToken(storage));
    await storage.device.saveReferralStates(response.referrals);
  });
}
