// Autosave of one open form's draft: debounced on change, immediate on flush
// (before an app update reloads), and switched off for good once the form was
// saved or cancelled — so a late timer can never resurrect a saved form as a draft.
import type { DraftStore } from '../storage/draft-store';
import { registerFormFlush } from '../pwa/form-guard';

export class DraftAutosave {
  private enabled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly drafts: DraftStore,
    readonly draftId: string,
    private readonly delayMs = 250,
  ) {}

  /** Loads the stored draft (if any) and starts autosaving. */
  async restore(): Promise<unknown> {
    const draft = await this.drafts.load(this.draftId);
    this.enabled = true;
    return draft;
  }

  schedule(values: () => unknown): void {
    if (!this.enabled) return;
    this.clearTimer();
    this.timer = setTimeout(() => void this.saveNow(values), this.delayMs);
  }

  async saveNow(values: () => unknown): Promise<void> {
    this.clearTimer();
    if (!this.enabled) return;
    // A write that fails (e.g. the disk is full) leaves the previous draft as it was; it must not
    // poison the chain, or every later save — and stop() before saving the record — would throw too.
    this.pending = this.pending.then(() => (this.enabled ? this.drafts.save(this.draftId, values()) : undefined)).catch(() => undefined);
    await this.pending;
  }

  /** Registers with the update guard; returns the unregister function. */
  guard(values: () => unknown): () => void {
    return registerFormFlush(() => this.saveNow(values));
  }

  /** Stops autosaving and waits for a save in flight (call before saving the record). */
  async stop(): Promise<void> {
    this.enabled = false;
    this.clearTimer();
    await this.pending;
  }

  /** Re-enables autosave after a failed save, so the user's input stays protected. */
  resume(): void {
    this.enabled = true;
  }

  async discard(): Promise<void> {
    await this.stop();
    await this.drafts.discard(this.draftId);
  }

  dispose(): void {
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
