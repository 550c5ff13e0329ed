// Who could make the second check of a record right here, on this tablet:
// another person (not the author) with the approver role in the author's
// organisation, whose key slot is on this tablet and whose signing key the
// server knows (their approval must verify there too). Without one, the
// record is checked remotely, from another tablet, after it is sent.
import type { Storage } from '../../storage';

export interface LocalApprover {
  userId: string;
  displayName: string;
}

export async function localApprovers(storage: Storage, authorId: string): Promise<LocalApprover[]> {
  const author = await storage.vault.slot(authorId);
  const organisationId = author?.organisationId ?? storage.vault.unlockedUser?.organisationId;
  const approvers: LocalApprover[] = [];
  for (const summary of await storage.vault.listSlots()) {
    if (summary.userId === authorId) continue;
    const slot = await storage.vault.slot(summary.userId);
    if (!slot?.roles.includes('approver') || slot.organisationId !== organisationId || !slot.signingKeyEnrolled) continue;
    approvers.push({ userId: slot.userId, displayName: slot.displayName });
  }
  return approvers;
}
