// Autosaved form drafts: a half-filled form survives a reload, a crash and an
// app update (the update prompt flushes the draft before it reloads).
import type { LotseDatabase } from './LotseDatabase';

export class DraftStore {
  constructor(private readonly db: LotseDatabase) {}

  async load(formId: string): Promise<unknown> {
    return (await this.db.drafts.get(formId))?.values;
  }

  async save(formId: string, values: unknown): Promise<void> {
    await this.db.drafts.put({ formId, values, updatedAt: new Date().toISOString() });
  }

  async discard(formId: string): Promise<void> {
    await this.db.drafts.delete(formId);
  }
}
