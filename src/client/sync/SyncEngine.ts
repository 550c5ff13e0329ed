// The tablet's one sync loop (DESIGN.md §5): pushes the outbox, then runs the
// pulls, with one set of preconditions (unlocked, online, a session), one
// backoff and one status. Push: one batch in flight at a time, oldest first;
// per-record answers settle entries (accepted → sent, rejected → visible with
// reason); 5xx, network errors and timeouts back off with jitter and retry; 401
// renews the session once, then pauses until the user signs in again; 426
// pauses until the app is updated. Pull: after the outbox is empty, each due
// pull runs; a failure is kept in the status (`pullError`), retried with
// backoff, and never drops what was pulled before. Nothing is ever dropped
// here: the outbox lives in IndexedDB, so a reload simply starts again where it stopped.
//
//   syncNow/trigger ─► locked? ─► paused(locked)      offline? ─► offline
//         │                └─► push batches until the outbox is empty ─► idle
//         │                         └─ failure ─► error / paused, retry timer
//         └──────────────────────────► after-send step ─► due pulls ─► lastPulledAt | pullError + retry timer
import { SYNC_PROTOCOL_VERSION, MAX_PUSH_BATCH, type PushResponse } from '@shared/protocol';
import type { OutboxItem, RecordStore } from '../storage/record-store';
import { VaultLockedError } from '../storage/vault';
import { RequestError } from '../http/request';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import type { PullFailure, PullName } from './pull-failure';
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
  /** When every due pull last succeeded (so what the tablet shows was current then). */
  lastPulledAt?: number;
  /** The first pull that failed in the last round; cleared by a round without failures. */
  pullError?: PullFailure;
}

/**
 * One pull the engine runs. 'afterEverySend': after every run that emptied the
 * outbox (what others change: withdrawals, decisions, referral states);
 * 'onConnect': when the tablet comes online or is unlocked (configuration,
 * catalogue, questionnaire), and again until it succeeds. `run` hands back
 * its failure instead of throwing.
 */
export interface Pull {
  name: PullName;
  when: 'afterEverySend' | 'onConnect';
  run: () => Promise<PullFailure | undefined>;
}

export interface SyncOptions {
  /** A person acted (signed in, unlocked, tapped "send now"): forget the backoff, leave a pause. */
  resetBackoff?: boolean;
  /** Also run the 'onConnect' pulls (online again, unlocked). */
  pullAll?: boolean;
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
  /** Whether someone is signed in; without a session there is nothing to pull. */
  hasSession?: () => Promise<boolean>;
  /** Runs each time the outbox is empty, before the pulls (data minimisation). */
  afterSend?: () => Promise<void>;
  pulls?: readonly Pull[];
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  batchSize?: number;
  /** `fn` resolves when the retry it starts has settled. */
  setTimer?: (fn: () => Promise<unknown>, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class SyncEngine {
  private status: SyncStatus = { mode: 'idle', failures: 0 };
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private running = false;
  private runPromise: Promise<SyncStatus> | undefined;
  private again = false;
  private renewedThisRun = false;
  private stopped = true;
  private timer: unknown;
  /** 'onConnect' pulls asked for and not yet done (a failed one stays). */
  private readonly requestedPulls = new Set<PullName>();
  /** Consecutive rounds with a failed pull, and when the next round may run. */
  private pullFailures = 0;
  private pullRetryAt: number | undefined;
  /** Shrinks when the server refuses a whole batch (e.g. too large) to find the culprit. */
  private batchSize: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly policy: BackoffPolicy;
  private readonly setTimer: (fn: () => Promise<unknown>, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly deps: SyncEngineDeps) {
    this.batchSize = deps.batchSize ?? MAX_PUSH_BATCH;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.policy = deps.backoff ?? DEFAULT_BACKOFF;
    this.setTimer =
      deps.setTimer ??
      ((fn, ms) =>
        setTimeout(() => {
          void fn();
        }, ms));
    this.clearTimer =
      deps.clearTimer ??
      ((h) => {
        clearTimeout(h as ReturnType<typeof setTimeout>);
      });
  }

  get current(): SyncStatus {
    return this.status;
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  /** Starts the loop; resolves like `syncNow` once the first round (which runs every pull) is done. */
  start(): Promise<SyncStatus> {
    this.stopped = false;
    return this.syncNow({ pullAll: true });
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
  }

  /** Sync now (new record saved, network back, user asked, session renewed); does not wait. */
  trigger(options: SyncOptions = {}): void {
    void this.syncNow(options);
  }

  /**
   * Sync now and resolve with the status once the loop has nothing more to do
   * (a retry waiting on its timer counts as done). A call during a run joins it
   * and makes it go round once more.
   */
  syncNow(options: SyncOptions = {}): Promise<SyncStatus> {
    if (this.stopped) return Promise.resolve(this.status);
    if (options.pullAll === true) {
      for (const pull of this.deps.pulls ?? []) if (pull.when === 'onConnect') this.requestedPulls.add(pull.name);
    }
    if (options.resetBackoff === true) {
      this.pullFailures = 0;
      this.pullRetryAt = undefined;
      this.update({ failures: 0 });
    }
    if (this.status.mode === 'paused' && options.resetBackoff !== true) return Promise.resolve(this.status);
    this.cancelTimer();
    if (this.running) {
      this.again = true;
      return this.runPromise ?? Promise.resolve(this.status);
    }
    this.runPromise = this.run();
    return this.runPromise;
  }

  private async run(): Promise<SyncStatus> {
    this.running = true;
    this.renewedThisRun = false;
    try {
      this.again = false;
      do {
        try {
          if (await this.pushUntilEmpty()) {
            await this.deps.afterSend?.();
            await this.pullDue();
          }
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
    return this.status;
  }

  /** Whether a trigger arrived while a run was in progress (and clears it). */
  private takeAgain(): boolean {
    const again = this.again;
    this.again = false;
    return again;
  }

  /** The preconditions of every request, in one place; false (and the status says why) when the loop must wait. */
  private mayConnect(): boolean {
    if (this.stopped) return false;
    if (this.deps.isLocked?.() === true) {
      this.pause('locked');
      return false;
    }
    if (!this.deps.isOnline()) {
      this.set({ mode: 'offline', failures: this.status.failures, ...this.keepPulled() });
      return false;
    }
    return true;
  }

  /** True when the outbox is empty (so the pulls may run). */
  private async pushUntilEmpty(): Promise<boolean> {
    for (;;) {
      if (!this.mayConnect()) return false;
      const items = await this.deps.records.peekOutbox(this.batchSize);
      if (items.length === 0) {
        this.batchSize = this.deps.batchSize ?? MAX_PUSH_BATCH;
        this.set({ mode: 'idle', failures: 0, ...this.keepLastSuccess() });
        return true;
      }
      this.set({ mode: 'pushing', failures: this.status.failures, ...this.keepLastSuccess() });
      let proceed: boolean;
      try {
        const response = await this.deps.transport.push({
          protocolVersion: SYNC_PROTOCOL_VERSION,
          deviceId: await this.deps.deviceId(),
          records: items.map((i) => i.record as unknown as Record<string, unknown>),
        });
        proceed = await this.settle(items, response);
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        proceed = await this.handleFailure(items, error);
      }
      if (!proceed) return false;
    }
  }

  /** Runs the pulls that are due, in order; a failed one is kept in the status and retried with backoff. */
  private async pullDue(): Promise<void> {
    const due = (this.deps.pulls ?? []).filter((pull) => pull.when === 'afterEverySend' || this.requestedPulls.has(pull.name));
    if (due.length === 0) return;
    // Backing off after a failed round: the retry waits for its time (this run
    // may have been a nudge that cancelled the timer, so it is set again).
    if (this.pullRetryAt !== undefined && this.now() < this.pullRetryAt) {
      this.schedule(this.pullRetryAt - this.now());
      return;
    }
    if (this.deps.hasSession !== undefined && !(await this.deps.hasSession())) return;
    let first: PullFailure | undefined;
    for (const pull of due) {
      if (!this.mayConnect()) return; // what is left stays due
      const failure = await this.attemptPull(pull);
      if (failure?.reason === 'locked') {
        this.pause('locked');
        return;
      }
      if (failure === undefined) this.requestedPulls.delete(pull.name);
      first ??= failure;
    }
    if (first === undefined) {
      this.pullFailures = 0;
      this.pullRetryAt = undefined;
      const { pullError: _cleared, ...rest } = this.status;
      this.set({ ...rest, lastPulledAt: this.now() });
      return;
    }
    this.pullFailures += 1;
    const delay = backoffDelay(this.pullFailures, this.policy, this.random);
    this.pullRetryAt = this.now() + delay;
    this.update({ pullError: first });
    this.schedule(delay);
  }

  /** One pull; on a 401 the session is renewed once per run and the pull tried again. */
  private async attemptPull(pull: Pull): Promise<PullFailure | undefined> {
    const failure = await pull.run();
    if (failure?.reason === 'unauthorized' && (await this.renewOnce())) return pull.run();
    return failure;
  }

  /** One silent renewal per run; if that fails a person has to sign in again. */
  private async renewOnce(): Promise<boolean> {
    if (this.renewedThisRun || this.deps.refreshSession === undefined) return false;
    this.renewedThisRun = true;
    return this.deps.refreshSession();
  }

  /** The server answered record by record. Returns true when the loop may continue with the next batch. */
  private async settle(items: OutboxItem[], response: PushResponse): Promise<boolean> {
    const { settled } = await this.deps.records.applyPushResults(items, response.results, response.serverTime);
    if (settled === 0) return this.fail();
    this.set({ mode: 'pushing', failures: 0, lastSuccessAt: this.now(), ...this.keepPulled() });
    return true;
  }

  /** The push got no per-record answer. Returns true when the loop may continue. */
  private async handleFailure(items: OutboxItem[], error: RequestError): Promise<boolean> {
    const { status } = error;
    // No answer, or not the API's answer on a success status: nothing is known, so retry.
    if (status === 0 || error.reason === 'invalidResponse') return this.fail();
    if (status === 401) return (await this.renewOnce()) ? true : this.pause('unauthorized');
    if (status === 426) return this.pause('clientTooOld');
    // An overloaded backend says how long to stay away (Retry-After): never sooner than that.
    if (status === 408 || status === 429 || status >= 500) return this.fail(error.retryAfterMs);
    // Only a request-level 400 (malformed) or 413 (too large) can be caused by
    // one record; anything else refuses the tablet or person as a whole, so
    // the queue waits, visibly, rather than rejecting every record in turn.
    const { envelope } = error;
    if ((status !== 400 && status !== 413) || envelope === undefined) return this.pause('refused');
    // Halve the batch until the one record that causes it is alone, then mark
    // exactly that record rejected.
    const [only, ...more] = items;
    if (only === undefined || more.length > 0) {
      this.batchSize = Math.max(1, Math.floor(items.length / 2));
      return true;
    }
    await this.deps.records.rejectItem(only, { reason: envelope.reason, message: envelope.message, issues: envelope.issues ?? [] });
    return true;
  }

  private fail(atLeastMs = 0): boolean {
    const failures = this.status.failures + 1;
    const delay = Math.max(backoffDelay(failures, this.policy, this.random), atLeastMs);
    const nextAttemptAt = this.now() + delay;
    this.set({ mode: this.deps.isOnline() ? 'error' : 'offline', failures, nextAttemptAt, ...this.keepLastSuccess() });
    this.schedule(delay);
    return false;
  }

  private schedule(delay: number): void {
    this.cancelTimer();
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      return this.syncNow();
    }, delay);
  }

  private pause(reason: PauseReason): boolean {
    this.set({ mode: 'paused', pauseReason: reason, failures: this.status.failures, ...this.keepLastSuccess() });
    return false;
  }

  private keepLastSuccess(): Pick<SyncStatus, 'lastSuccessAt' | 'lastPulledAt' | 'pullError'> {
    return { ...(this.status.lastSuccessAt === undefined ? {} : { lastSuccessAt: this.status.lastSuccessAt }), ...this.keepPulled() };
  }

  /** The pull side of the status outlives every change on the push side. */
  private keepPulled(): Pick<SyncStatus, 'lastPulledAt' | 'pullError'> {
    const { lastPulledAt, pullError } = this.status;
    return { ...(lastPulledAt === undefined ? {} : { lastPulledAt }), ...(pullError === undefined ? {} : { pullError }) };
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
