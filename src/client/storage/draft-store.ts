// Autosaved form drafts, sealed like records and kept per person: a
// half-filled form survives a reload, a crash, a lock and an app update.
import type { LotseDatabase } from './LotseDatabase';
import type { Vault } from './vault';

export class DraftStore {
  constructor(
    private readonly db: LotseDatabase,
    private readonly vault: Vault,
  ) {}

  private key(draftId: string): string | undefined {
    const owner = this.vault.unlockedUser?.userId;
    return owner === undefined ? undefined : `${owner}:${draftId}`;
  }

  async load(draftId: string): Promise<unknown> {
    const key = this.key(draftId);
    if (key === undefined) return undefined;
    const entry = await this.db.drafts.get(key);
    if (!entry?.sealed) return undefined;
    return this.vault.open('drafts', key, 1, entry.sealed);
  }

  async save(draftId: string, values: unknown): Promise<void> {
    const key = this.key(draftId);
    if (key === undefined) return; // locked: the lock flushed the draft before it closed the vault
    await this.db.drafts.put({ formId: key, sealed: await this.vault.seal('drafts', key, 1, values), updatedAt: new Date().toISOString() });
  }

  /** The unlocked person's drafts (form ids and when they last changed), newest first; content stays sealed. */
  async list(): Promise<{ draftId: string; updatedAt: string }[]> {
    const prefix = this.key('');
    if (prefix === undefined) return [];
    const entries = await this.db.drafts.where('formId').startsWith(prefix).toArray();
    return entries
      .filter((entry) => entry.sealed !== undefined)
      .map((entry) => ({ draftId: entry.formId.slice(prefix.length), updatedAt: entry.updatedAt }))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async discard(draftId: string): Promise<void> {
    const key = this.key(draftId);
    if (key !== undefined) await this.db.drafts.delete(key);
  }
}
