// The tablet's pulls, each as one function that stores a valid answer and
// hands back its failure: the municipality's configuration, offer catalogue
// and questionnaire (on connect), consent withdrawals, reviews and referral
// states (after every send cycle). The engine runs them (SyncEngine.ts); each
// store is replaced only by a valid answer, so on a failure the cached copy
// stays in use.
import type { Storage } from '../storage';
import { fetchDeviceConfig, fetchOfferCatalog, fetchQuestionnaire, fetchWithdrawals } from './backend-api';
import { attemptPull, type PullFailure } from './pull-failure';
import { pullReferralStates } from './referral-states';
import { syncReviews } from './review-sync';
import { sessionToken } from './session-token';
import type { Pull } from './SyncEngine';

export async function pullConfig(storage: Storage): Promise<PullFailure | undefined> {
  return attemptPull('config', async () => {
    await storage.device.saveConfig(await fetchDeviceConfig(await sessionToken(storage)));
  });
}

/** The catalogue needs a session signed in on this enrolled tablet (else 403), the config does not. */
export async function pullOffers(storage: Storage): Promise<PullFailure | undefined> {
  return attemptPull('offers', async () => {
    const catalog = await fetchOfferCatalog(await sessionToken(storage));
    // An unchanged catalogue is not written again (no needless change notifications).
    if ((await storage.device.offers())?.version !== catalog.version) await storage.device.saveOffers(catalog);
  });
}

/** The screening questionnaire: used only if it passes the check here too (else the last good one stays). */
export async function pullQuestionnaire(storage: Storage): Promise<PullFailure | undefined> {
  return attemptPull('questionnaire', async () => {
    const answer = await fetchQuestionnaire(await sessionToken(storage));
    await storage.questionnaires.accept(answer.questionnaire);
  });
}

/**
 * Applies consent withdrawals made on other tablets or in the office: the
 * case's content is deleted here too. Needs the vault unlocked (to find the
 * case's sealed records).
 */
export async function pullWithdrawals(storage: Storage): Promise<PullFailure | undefined> {
  return attemptPull('withdrawals', async () => {
    const response = await fetchWithdrawals(await sessionToken(storage), await storage.device.withdrawalsPulledAt());
    for (const { caseNumber } of response.withdrawals) await storage.records.deleteCase(caseNumber);
    // The cursor is the newest withdrawal actually seen (database time), never
    // this server's clock: a withdrawal committed just after the query, or a
    // clock running ahead of the database, must not be skipped.
    const newest = response.withdrawals.at(-1)?.withdrawnAt;
    if (newest !== undefined) await storage.device.saveWithdrawalsPulledAt(newest);
  });
}

/**
 * Pulls configuration, catalogue and questionnaire at once, outside the
 * engine (first sign-in, before the work area starts). The three are
 * independent; the failures are handed back, the engine pulls again at unlock.
 */
export async function refreshConfig(storage: Storage): Promise<PullFailure[]> {
  if (!navigator.onLine || !(await storage.device.session())) return [];
  const outcomes = await Promise.all([pullConfig(storage), pullOffers(storage), pullQuestionnaire(storage)]);
  return outcomes.filter((failure) => failure !== undefined);
}

/** The pulls the engine runs for this tablet, in order. */
export function tabletPulls(storage: Storage): readonly Pull[] {
  return [
    { name: 'config', when: 'onConnect', run: () => pullConfig(storage) },
    { name: 'offers', when: 'onConnect', run: () => pullOffers(storage) },
    { name: 'questionnaire', when: 'onConnect', run: () => pullQuestionnaire(storage) },
    { name: 'withdrawals', when: 'afterEverySend', run: () => pullWithdrawals(storage) },
    { name: 'reviews', when: 'afterEverySend', run: () => syncReviews(storage) },
    { name: 'referralStates', when: 'afterEverySend', run: () => pullReferralStates(storage) },
  ];
}
