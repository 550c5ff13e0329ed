// Four-eyes reviews over the network: sends the approvals and send-backs made
// on this tablet, and pulls the decisions on records this tablet sent (so the
// author sees "approved", or what to correct). The engine runs it after each
// send cycle, while someone is unlocked (reviews are sealed) and online; a
// failure is handed back (the sync status shows it) and caught up next cycle.
import type { Storage } from '../storage';
import { fetchReviewDecisions, submitReviews } from './backend-api';
import { attemptPull, type PullFailure } from './pull-failure';
import { sessionToken } from './session-token';

export async function syncReviews(storage: Storage): Promise<PullFailure | undefined> {
  return attemptPull('reviews', async () => {
    const token = await sessionToken(storage);
    const pending = await storage.reviews.pendingReviews();
    if (pending.length > 0) {
      const answer = await submitReviews(token, await storage.device.deviceId(), pending);
      await storage.reviews.applyResults(answer.results);
    }
    const decisions = await fetchReviewDecisions(token, await storage.reviews.decisionsCursor());
    for (const notice of decisions.decisions) await storage.reviews.applyDecision(notice);
    // The cursor is the newest decision seen (database time, inclusive next time: re-applying is harmless).
    const newest = decisions.decisions.at(-1)?.receivedAt;
    if (newest !== undefined) await storage.reviews.setDecisionsCursor(newest);
  });
}
