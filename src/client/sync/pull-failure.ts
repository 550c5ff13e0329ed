// What can go wrong when the tablet pulls from the backend, as a value: which
// pull failed and why. The engine shows it in the sync status and retries;
// nothing that was pulled before is lost by a failure (each store is replaced
// only by a valid answer).
import { RequestError, type RequestFailureReason } from '../http/request';
import { VaultLockedError } from '../storage/vault';

/** The pulls, in the order the engine runs them. */
export const PULL_NAMES = ['config', 'offers', 'questionnaire', 'withdrawals', 'reviews', 'referralStates'] as const;
export type PullName = (typeof PULL_NAMES)[number];

/**
 * A RequestError's reason, or: 'locked' (the vault was locked mid-pull; the
 * pull waits for the next unlock), 'storage' (the answer could not be stored
 * on the tablet).
 */
export type PullFailureReason = RequestFailureReason | 'locked' | 'storage';

export interface PullFailure {
  pull: PullName;
  reason: PullFailureReason;
  /** The HTTP status, 0 when no answer arrived or the failure was on the tablet. */
  status: number;
}

export function pullFailure(pull: PullName, error: unknown): PullFailure {
  if (error instanceof RequestError) return { pull, reason: error.reason, status: error.status };
  if (error instanceof VaultLockedError) return { pull, reason: 'locked', status: 0 };
  return { pull, reason: 'storage', status: 0 };
}

/** Runs one pull and hands back its failure (undefined: it succeeded); it never throws. */
export async function attemptPull(pull: PullName, run: () => Promise<void>): Promise<PullFailure | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return pullFailure(pull, error);
  }
}
