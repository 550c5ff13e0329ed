// Drains the outbox to the backend (DESIGN.md §5). One batch in flight at a
// time, oldest first; per-record answers settle entries (accepted → sent,
// rejected → visible with reason); 5xx and network errors back off with jitter
// and retry; 401 pauses until the user signs in again; 426 pauses until the app
// is updated. Nothing is ever dropped here: the outbox lives in IndexedDB, so a
// reload simply starts the engine again where it stopped.
import { SYNC_PROTOCOL_VERSION, MAX_PUSH_BATCH } from '../../shared/protocol';
import type { OutboxItem, RecordStore } from '../storage/record-store';
import { VaultLockedError } from '../storage/vault';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import type { PushTransport } from './transport';

export type SyncMode = 'idle' | 'pushing' | 'offline' | 'paused' | 'error';
/**
 * unauthorized: sign in again; clientTooOld: update the app; locked: unlock;
 * refused: the server refuses this tablet or person as a whole (403, or an
 * answer that is not the API's) — nothing is rejected, the queue waits.
 */
export type PauseReason = 'unauthorized' | 'clientTooOld' | 'locked' | 'refused';

export interface SyncStatus {
  mode: SyncMode;
  pauseReason?: PauseReason;
  /** Consecutive failed attempts; reset by any answered push. */
  failures: number;
  nextAttemptAt?: number;
  lastSuccessAt?: number;
}

export interface SyncEngineDeps {
  records: Pick<RecordStore, 'peekOutbox' | 'applyPushResults' | 'rejectItem'>;
  transport: PushTransport;
  deviceId: () => Promise<string>;
  isOnline: () => boolean;
  /** Locked vault: nothing can be decrypted or sent until someone unlocks. */
  isLocked?: () => boolean;
  /** Renews the access token after a 401; false when a password sign-in is needed. */
  refreshSession?: () => Promise<boolean>;
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  batchSize?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class SyncEngine {
  private status: SyncStatus = { mode: 'idle', failures: 0 };
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private running = false;
  private again = false;
  private renewedThisRun = false;
  private stopped = true;
  private timer: unknown;
  /** Shrinks when the server refuses a whole batch (e.g. too large) to find the culprit. */
  private batchSize: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly policy: BackoffPolicy;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly deps: SyncEngineDeps) {
    this.batchSize = deps.batchSize ?? MAX_PUSH_BATCH;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.policy = deps.backoff ?? DEFAULT_BACKOFF;
    this.setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = deps.clearTimer ?? ((h) => { clearTimeout(h as ReturnType<typeof setTimeout>); });
  }

  get current(): SyncStatus {
    return this.status;
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    this.trigger();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  /** Push now (new record saved, network back, user asked, session renewed). */
  trigger(options: { resetBackoff?: boolean } = {}): void {
    if (this.stopped) return;
    if (options.resetBackoff) this.update({ failures: 0 });
    if (this.status.mode === 'paused' && !options.resetBackoff) return;
    this.cancelTimer();
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  /** Resolves when the engine has nothing more to do right now (used by tests and the sync button). */
  async drain(): Promise<SyncStatus> {
    while (this.running) await new Promise((r) => setTimeout(r, 5));
    return this.status;
  }

  private async run(): Promise<void> {
    this.running = true;
    this.renewedThisRun = false;
    try {
      this.again = false;
      do {
        try {
          await this.pushUntilEmpty();
        } catch (error) {
          // Never stuck in "pushing": locked mid-batch waits for the unlock,
          // anything else (e.g. storage full) backs off and retries.
          if (error instanceof VaultLockedError) this.pause('locked');
          else this.fail();
        }
      } while (this.takeAgain() && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  /** Whether a trigger arrived while a run was in progress (and clears it). */
  private takeAgain(): boolean {
    const again = this.again;
    this.again = false;
    return again;
  }

  private async pushUntilEmpty(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      if (this.deps.isLocked?.() === true) {
        this.pause('locked');
        return;
      }
      if (!this.deps.isOnline()) {
        this.set({ mode: 'offline', failures: this.status.failures });
        return;
      }
      const items = await this.deps.records.peekOutbox(this.batchSize);
      if (items.length === 0) {
        this.batchSize = this.deps.batchSize ?? MAX_PUSH_BATCH;
        this.set({ mode: 'idle', failures: 0, ...this.keepLastSuccess() });
        return;
      }
      this.set({ mode: 'pushing', failures: this.status.failures, ...this.keepLastSuccess() });
      const outcome = await this.deps.transport.push({
        protocolVersion: SYNC_PROTOCOL_VERSION,
        deviceId: await this.deps.deviceId(),
        records: items.map((i) => i.record as unknown as Record<string, unknown>),
      });
      const proceed = await this.handle(items, outcome);
      if (!proceed) return;
    }
  }

  /** Returns true when the loop may continue with the next batch. */
  private async handle(items: OutboxItem[], outcome: Awaited<ReturnType<PushTransport['push']>>): Promise<boolean> {
    if (outcome.kind === 'answered') {
      const { settled } = await this.deps.records.applyPushResults(items, outcome.response.results, outcome.response.serverTime);
      if (settled === 0) return this.fail();
      this.set({ mode: 'pushing', failures: 0, lastSuccessAt: this.now() });
      return true;
    }
    if (outcome.kind === 'network') return this.fail();
    const { status } = outcome;
    if (status === 401) {
      // One silent renewal per run; if that fails a person has to sign in again.
      if (!this.renewedThisRun && this.deps.refreshSession && (await this.deps.refreshSession())) {
        this.renewedThisRun = true;
        return true;
      }
      return this.pause('unauthorized');
    }
    if (status === 426) return this.pause('clientTooOld');
    if (status === 408 || status === 429 || status >= 500) return this.fail();
    // Only a request-level 400 (malformed) or 413 (too large) can be caused by
    // one record; anything else refuses the tablet or person as a whole, so
    // the queue waits, visibly, rather than rejecting every record in turn.
    if ((status !== 400 && status !== 413) || outcome.error === undefined) return this.pause('refused');
    // Halve the batch until the one record that causes it is alone, then mark
    // exactly that record rejected.
    const [only, ...more] = items;
    if (only === undefined || more.length > 0) {
      this.batchSize = Math.max(1, Math.floor(items.length / 2));
      return true;
    }
    await this.deps.records.rejectItem(only, {
      reason: outcome.error.reason,
      message: outcome.error.message,
      issues: outcome.error.issues ?? [],
    });
    return true;
  }

  private fail(): boolean {
    const failures = this.status.failures + 1;
    const delay = backoffDelay(failures, this.policy, this.random);
    const nextAttemptAt = this.now() + delay;
    this.set({ mode: this.deps.isOnline() ? 'error' : 'offline', failures, nextAttemptAt, ...this.keepLastSuccess() });
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      this.trigger();
    }, delay);
    return false;
  }

  private pause(reason: PauseReason): boolean {
    this.set({ mode: 'paused', pauseReason: reason, failures: this.status.failures, ...this.keepLastSuccess() });
    return false;
  }

  private keepLastSuccess(): Pick<SyncStatus, 'lastSuccessAt'> {
    return this.status.lastSuccessAt === undefined ? {} : { lastSuccessAt: this.status.lastSuccessAt };
  }

  private update(patch: Partial<SyncStatus>): void {
    this.set({ ...this.status, ...patch });
  }

  private set(status: SyncStatus): void {
    this.status = status;
    for (const l of this.listeners) l(status);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clearTimer(this.timer);
      this.timer = undefined;
    }
  }
}
