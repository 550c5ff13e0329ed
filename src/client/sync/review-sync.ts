// Four-eyes reviews over the network: sends the approvals and send-backs made
// on this tablet, and pulls the decisions on records this tablet sent (so the
// author sees "approved", or what to correct). Runs after each send cycle, while
// someone is unlocked (reviews are sealed) and online; anything missed is
// caught up at the next cycle.
import type { Storage } from '../storage';
import { fetchReviewDecisions, submitReviews } from './backend-api';

export async function syncReviews(storage: Storage): Promise<void> {
  const session = await storage.device.session();
  if (!session || !navigator.onLine || !storage.vault.isUnlocked) return;
  try {
    const pending = await storage.reviews.pendingReviews();
    if (pending.length > 0) {
      const answer = await submitReviews(session.token, await storage.device.deviceId(), pending);
      await storage.reviews.applyResults(answer.results);
    }
    const decisions = await fetchReviewDecisions(session.token, await storage.reviews.decisionsCursor());
    for (const notice of decisions.decisions) await storage.reviews.applyDecision(notice);
    // The cursor is the newest decision seen (database time, inclusive next time: re-applying is harmless).
    const newest = decisions.decisions.at(-1)?.receivedAt;
    if (newest !== undefined) await storage.reviews.setDecisionsCursor(newest);
  } catch {
    // Offline or expired: the next cycle catches up.
  }
}
