// The sync engine over a real (fake-indexeddb) tablet database and a scripted
// transport: what is accepted becomes "sent", what is refused becomes
// "rejected" with its reason, failures back off and retry, nothing is lost.
// The pulls run in the same loop: a failed one is visible in the status and retried.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Storage } from '@client/storage';
import { SyncEngine, type Pull } from '@client/sync/SyncEngine';
import { syncReviews } from '@client/sync/review-sync';
import type { PullFailure } from '@client/sync/pull-failure';
import type { PushTransport } from '@client/sync/transport';
import { RequestError } from '@client/http/request';
import type { ErrorReason, PushRequest, PushResponse, PushResult } from '@shared/protocol';
import type { SyncRecord } from '@shared/records/sync-record';
import { openTestStorage, TEST_PASSPHRASE, testUser, unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';

const SERVER_TIME = '2026-11-20T09:00:00.000Z';
let storages: Storage[] = [];

async function newStorage(): Promise<Storage> {
  const { storage } = await unlockedTestStorage();
  storages.push(storage);
  return storage;
}

afterEach(() => {
  for (const s of storages) s.close();
  storages = [];
  vi.unstubAllGlobals();
});

function accept(record: Record<string, unknown>): PushResult {
  return { id: record.id as string, revision: record.revision as number, outcome: 'accepted', status: 200, receivedAt: SERVER_TIME };
}

/** A push step: the server's per-record answer, or (thrown) a RequestError. */
type Step = (request: PushRequest) => PushResponse;

/** A transport that answers each push with the next scripted behaviour and records what it was sent. */
function scripted(...steps: Step[]): PushTransport & { requests: PushRequest[] } {
  const requests: PushRequest[] = [];
  return {
    requests,
    push(request) {
      requests.push(request);
      const step = steps.shift() ?? acceptAll;
      return Promise.resolve().then(() => step(request));
    },
  };
}

const acceptAll = (request: PushRequest): PushResponse => ({ serverTime: SERVER_TIME, results: request.records.map(accept) });

/** A failed request: with the API's error envelope when a reason is given, else a bare status (a proxy's page). */
function refused(status: number, reason?: ErrorReason, message = 'refused'): RequestError {
  return reason === undefined
    ? new RequestError(status === 429 ? 'rateLimited' : 'internal', { status })
    : new RequestError(reason, { status, envelope: { reason, message } });
}

const failWith =
  (error: RequestError): Step =>
  () => {
    throw error;
  };

interface ManualTimers {
  setTimer: (fn: () => Promise<unknown>, ms: number) => unknown;
  clearTimer: (h: unknown) => void;
  delays: number[];
  /** Runs the pending retry; resolves when the round it started has finished. */
  fire: () => Promise<unknown>;
}

function manualTimers(): ManualTimers {
  let pending: (() => Promise<unknown>) | undefined;
  const delays: number[] = [];
  return {
    delays,
    setTimer(fn, ms) {
      delays.push(ms);
      pending = fn;
      return 1;
    },
    clearTimer() {
      pending = undefined;
    },
    async fire() {
      const fn = pending;
      pending = undefined;
      await fn?.();
    },
  };
}

function engineFor(
  storage: Storage,
  transport: PushTransport,
  extra: Partial<ConstructorParameters<typeof SyncEngine>[0]> = {},
): SyncEngine {
  return new SyncEngine({
    records: storage.records,
    transport,
    deviceId: () => storage.device.deviceId(),
    isOnline: () => true,
    random: () => 0.5,
    ...extra,
  });
}

async function saveContacts(storage: Storage, n: number): Promise<SyncRecord[]> {
  const out: SyncRecord[] = [];
  for (let i = 0; i < n; i++) {
    const record = await homeContactRecord({ topics: i % 2 ? ['health'] : ['money'] }, { now: new Date(Date.UTC(2026, 10, 20, 8, i)) });
    await storage.records.saveRecord(record);
    out.push(record);
  }
  return out;
}

describe('SyncEngine', () => {
  it('sends queued records and marks them sent with the server time', async () => {
    const storage = await newStorage();
    const [record] = await saveContacts(storage, 1);
    const transport = scripted(acceptAll);
    const engine = engineFor(storage, transport);
    const status = await engine.start();
    expect(status.mode).toBe('idle');
    expect(transport.requests).toHaveLength(1);
    // What is sent is the saved record, signed by its author as it was saved.
    const anyString: unknown = expect.any(String);
    expect(transport.requests[0]?.records[0]).toEqual({
      ...record,
      authorSignature: { reviewId: anyString, signerId: 'staff-test-1', keyFingerprint: anyString, signature: anyString },
    });
    const [row] = await storage.records.listRecords();
    expect(row).toMatchObject({ syncState: 'sent', sentAt: SERVER_TIME });
    expect(await storage.records.countOutbox()).toBe(0);
  });

  it('does not push while offline, and pushes when triggered online', async () => {
    const storage = await newStorage();
    await saveContacts(storage, 2);
    let online = false;
    const transport = scripted(acceptAll);
    const engine = engineFor(storage, transport, { isOnline: () => online });
    expect((await engine.start()).mode).toBe('offline');
    expect(transport.requests).toHaveLength(0);
    online = true;
    expect((await engine.syncNow({ resetBackoff: true })).mode).toBe('idle');
    expect(await storage.records.countBySyncState('sent')).toBe(2);
  });

  it('marks a record the server refuses as rejected with its reason and still sends the others', async () => {
    const storage = await newStorage();
    const records = await saveContacts(storage, 3);
    const bad = records[1];
    const transport = scripted((request) => ({
      serverTime: SERVER_TIME,
      results: request.records.map((r) =>
        r.id === bad?.id
          ? {
              id: r.id as string,
              revision: 1,
              outcome: 'rejected',
              status: 422,
              reason: 'invalidRecord',
              message: 'site unknown',
              issues: [{ path: 'content.site', message: 'unknown site' }],
            }
          : accept(r),
      ),
    }));
    const engine = engineFor(storage, transport);
    await engine.start();
    const rows = await storage.records.listRecords();
    expect(rows.filter((r) => r.syncState === 'sent')).toHaveLength(2);
    const rejected = rows.find((r) => r.id === bad?.id);
    expect(rejected).toMatchObject({ syncState: 'rejected', rejection: { reason: 'invalidRecord', issues: [{ path: 'content.site' }] } });
    expect(await storage.records.countOutbox()).toBe(0); // the queue is not blocked
  });

  it('retries 5xx and network failures with growing, jittered delays and keeps the order', async () => {
    const storage = await newStorage();
    const records = await saveContacts(storage, 3);
    const timers = manualTimers();
    const transport = scripted(
      failWith(refused(503)),
      failWith(new RequestError('network')),
      failWith(refused(500, 'internal', 'boom')),
      acceptAll,
    );
    const engine = engineFor(storage, transport, { ...timers, backoff: { baseMs: 1000, maxMs: 60_000 } });
    expect((await engine.start()).mode).toBe('error');
    await timers.fire();
    await timers.fire();
    await timers.fire();
    expect(engine.current.mode).toBe('idle');
    expect(timers.delays).toEqual([750, 1500, 3000]); // random 0.5 → ¾ of base·2ⁿ
    expect(transport.requests).toHaveLength(4);
    for (const request of transport.requests) {
      expect(request.records.map((r) => r.id)).toEqual(records.map((r) => r.id)); // same batch, same order
    }
    expect(await storage.records.countBySyncState('sent')).toBe(3);
  });

  it('stays away as long as an overloaded backend asks (Retry-After) and backs off as usual after that', async () => {
    const storage = await newStorage();
    await saveContacts(storage, 2);
    const timers = manualTimers();
    const overloaded = new RequestError('unavailable', {
      status: 503,
      envelope: { reason: 'unavailable', message: 'busy' },
      retryAfterMs: 30_000,
    });
    const transport = scripted(failWith(overloaded), failWith(refused(503)), acceptAll);
    const engine = engineFor(storage, transport, { ...timers, backoff: { baseMs: 1000, maxMs: 60_000 } });
    expect((await engine.start()).mode).toBe('error');
    await timers.fire();
    await timers.fire();
    expect(engine.current.mode).toBe('idle');
    expect(timers.delays).toEqual([30_000, 1500]); // the server's 30 s, not the backoff's 750 ms
    expect(await storage.records.countBySyncState('sent')).toBe(2);
  });

  it('pauses on 401 without losing anything, and resumes after a new sign-in', async () => {
    const storage = await newStorage();
    await saveContacts(storage, 2);
    const transport = scripted(failWith(refused(401, 'unauthorized', 'expired')), acceptAll);
    const engine = engineFor(storage, transport);
    const paused = await engine.start();
    expect(paused).toMatchObject({ mode: 'paused', pauseReason: 'unauthorized' });
    await engine.syncNow(); // ordinary nudges do not hammer the server while paused
    expect(transport.requests).toHaveLength(1);
    expect(await storage.records.countOutbox()).toBe(2);
    expect((await engine.syncNow({ resetBackoff: true })).mode).toBe('idle'); // signed in again
    expect(await storage.records.countBySyncState('sent')).toBe(2);
  });

  it('pauses with clientTooOld on 426 so the app can offer its update', async () => {
    const storage = await newStorage();
    await saveContacts(storage, 1);
    const engine = engineFor(storage, scripted(failWith(refused(426, 'clientTooOld', 'update'))));
    expect(await engine.start()).toMatchObject({ mode: 'paused', pauseReason: 'clientTooOld' });
    expect(await storage.records.countOutbox()).toBe(1);
  });

  it('pauses on a 403 for the whole request and rejects nothing: the queue waits for the coordinator', async () => {
    const storage = await newStorage();
    await saveContacts(storage, 3);
    const engine = engineFor(storage, scripted(failWith(refused(403, 'forbidden', 'not a tablet session'))));
    expect(await engine.start()).toMatchObject({ mode: 'paused', pauseReason: 'refused' });
    expect(await storage.records.countOutbox()).toBe(3);
    expect(await storage.records.countBySyncState('rejected')).toBe(0);
  });

  it('pauses instead of hanging when the tablet is locked in the middle of a batch', async () => {
    const storage = await newStorage();
    const [record] = await saveContacts(storage, 1);
    const engine = engineFor(
      storage,
      {
        push: () => {
          storage.vault.lock(); // locked while the request was in flight
          return Promise.resolve({
            serverTime: SERVER_TIME,
            results: [{ id: record?.id ?? '', revision: 1, outcome: 'rejected', status: 422, reason: 'invalidRecord', message: 'x' }],
          });
        },
      },
      { isLocked: () => !storage.vault.isUnlocked },
    );
    expect(await engine.start()).toMatchObject({ mode: 'paused', pauseReason: 'locked' });
    expect(await storage.records.countOutbox()).toBe(1); // nothing lost: retried after the next unlock
  });

  it('finds the one record that makes the server refuse a whole batch and rejects only it', async () => {
    const storage = await newStorage();
    const records = await saveContacts(storage, 4);
    const poison = records[2]?.id;
    const transport: PushTransport & { requests: PushRequest[] } = {
      requests: [],
      push(request) {
        this.requests.push(request);
        if (request.records.some((r) => r.id === poison)) {
          return Promise.reject(refused(413, 'payloadTooLarge', 'too large'));
        }
        return Promise.resolve(acceptAll(request));
      },
    };
    const engine = engineFor(storage, transport);
    expect((await engine.start()).mode).toBe('idle');
    const rows = await storage.records.listRecords();
    expect(rows.find((r) => r.id === poison)).toMatchObject({ syncState: 'rejected', rejection: { reason: 'payloadTooLarge' } });
    expect(rows.filter((r) => r.syncState === 'sent')).toHaveLength(3);
  });

  it('resumes after a reload: a new engine over the same database sends what the old one could not', async () => {
    const { storage: before, idb, db } = await unlockedTestStorage('resume-test');
    await saveContacts(before, 2);
    const failing = engineFor(before, scripted(failWith(new RequestError('network'))), manualTimers());
    await failing.start();
    failing.stop();
    before.close();
    db.close();

    const { storage: after } = openTestStorage('resume-test', idb);
    storages.push(after);
    const transport = scripted(acceptAll);
    const engine = engineFor(after, transport, { isLocked: () => !after.vault.isUnlocked });
    expect(await engine.start()).toMatchObject({ mode: 'paused', pauseReason: 'locked' }); // nothing leaves a locked tablet
    expect(transport.requests).toHaveLength(0);
    expect((await after.vault.unlock('staff-test-1', TEST_PASSPHRASE, 10)).kind).toBe('unlocked');
    expect((await engine.syncNow({ resetBackoff: true })).mode).toBe('idle');
    expect(await after.records.countBySyncState('sent')).toBe(2);
  });
});

/** A pull that answers with the next scripted outcome (undefined: success) and counts its runs. */
function scriptedPull(name: Pull['name'], when: Pull['when'], ...outcomes: (PullFailure | undefined)[]): Pull & { runs: number } {
  const pull = {
    name,
    when,
    runs: 0,
    run: () => {
      pull.runs += 1;
      return Promise.resolve(outcomes.shift());
    },
  };
  return pull;
}

async function signedIn(storage: Storage): Promise<void> {
  await storage.device.saveSession({
    token: 'access-token',
    expiresAt: '2099-01-01T00:00:00.000Z',
    refreshToken: 'refresh-token',
    refreshExpiresAt: '2099-01-01T00:00:00.000Z',
    user: testUser(),
  });
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('SyncEngine pulls', () => {
  it('shows a failed decisions pull as pullError, retries it with backoff, and clears it with lastPulledAt once it succeeds', async () => {
    const storage = await newStorage();
    await signedIn(storage);
    const answers = [
      () => Promise.resolve(json(503, { error: { reason: 'internal', message: 'down' } })),
      () => Promise.resolve(json(200, { serverTime: SERVER_TIME, decisions: [] })),
    ];
    const fetchMock = vi.fn(() => answers.shift()?.() ?? Promise.reject(new TypeError('no more answers')));
    vi.stubGlobal('fetch', fetchMock);
    const timers = manualTimers();
    let now = 1_000_000;
    const engine = engineFor(storage, scripted(), {
      ...timers,
      now: () => now,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      hasSession: () => Promise.resolve(true),
      pulls: [{ name: 'reviews', when: 'afterEverySend', run: () => syncReviews(storage) }],
    });
    const failed = await engine.start();
    // The push side is fine (nothing to send); the approval has not arrived, and the status says why.
    expect(failed).toMatchObject({ mode: 'idle', pullError: { pull: 'reviews', reason: 'internal', status: 503 } });
    expect(failed.lastPulledAt).toBeUndefined();
    expect(fetchMock).toHaveBeenCalledWith('/api/reviews/decisions', expect.objectContaining({ method: 'GET' }));
    expect(timers.delays).toEqual([750]);

    // A nudge before the retry is due does not pull again.
    now += 100;
    await engine.syncNow();
    expect(fetchMock).toHaveBeenCalledTimes(1);

    now += 1_000;
    await timers.fire();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(engine.current.pullError).toBeUndefined();
    expect(engine.current).toMatchObject({ mode: 'idle', lastPulledAt: now });
  });

  it('grows the delay while a pull keeps failing and keeps the last success time through failures', async () => {
    const storage = await newStorage();
    const timers = manualTimers();
    let now = 5_000;
    const network: PullFailure = { pull: 'withdrawals', reason: 'network', status: 0 };
    const pull = scriptedPull('withdrawals', 'afterEverySend', undefined, network, network, undefined);
    const engine = engineFor(storage, scripted(), { ...timers, now: () => now, backoff: { baseMs: 1000, maxMs: 60_000 }, pulls: [pull] });
    expect(await engine.start()).toMatchObject({ mode: 'idle', lastPulledAt: 5_000 });
    now = 6_000;
    expect(await engine.syncNow()).toMatchObject({ lastPulledAt: 5_000, pullError: network });
    now = 7_000;
    await timers.fire();
    expect(engine.current).toMatchObject({ lastPulledAt: 5_000, pullError: network });
    now = 10_000;
    await timers.fire();
    expect(timers.delays).toEqual([750, 1500]);
    expect(engine.current).toMatchObject({ lastPulledAt: 10_000 });
    expect(engine.current.pullError).toBeUndefined();
    expect(pull.runs).toBe(4);
  });

  it('runs the on-connect pulls at start and when asked, the others after every send, and a failed one until it succeeds', async () => {
    const storage = await newStorage();
    const config = scriptedPull('config', 'onConnect', undefined, { pull: 'config', reason: 'timeout', status: 0 }, undefined);
    const states = scriptedPull('referralStates', 'afterEverySend');
    const timers = manualTimers();
    let now = 0;
    const engine = engineFor(storage, scripted(), { ...timers, now: () => now, pulls: [config, states] });
    await engine.start();
    await engine.syncNow();
    expect([config.runs, states.runs]).toEqual([1, 2]);
    await engine.syncNow({ pullAll: true });
    expect(engine.current.pullError).toEqual({ pull: 'config', reason: 'timeout', status: 0 });
    now = 60_000;
    await timers.fire(); // retried although nobody asked again
    expect([config.runs, states.runs]).toEqual([3, 4]);
    expect(engine.current.pullError).toBeUndefined();
    await engine.syncNow();
    expect([config.runs, states.runs]).toEqual([3, 5]);
  });

  it('pulls only after the outbox is empty, and waits while locked, offline or signed out', async () => {
    const storage = await newStorage();
    await saveContacts(storage, 2);
    const pull = scriptedPull('withdrawals', 'afterEverySend');
    let online = false;
    let session = true;
    const transport = scripted();
    const order: string[] = [];
    const engine = engineFor(
      storage,
      {
        push: (request) => {
          order.push('push');
          return transport.push(request);
        },
      },
      {
        isOnline: () => online,
        isLocked: () => !storage.vault.isUnlocked,
        hasSession: () => Promise.resolve(session),
        pulls: [
          {
            ...pull,
            run: () => {
              order.push('pull');
              return pull.run();
            },
          },
        ],
      },
    );
    expect((await engine.start()).mode).toBe('offline');
    expect(pull.runs).toBe(0);

    storage.vault.lock();
    online = true;
    expect(await engine.syncNow({ resetBackoff: true })).toMatchObject({ mode: 'paused', pauseReason: 'locked' });
    expect(pull.runs).toBe(0);
    expect(order).toEqual([]);

    expect((await storage.vault.unlock('staff-test-1', TEST_PASSPHRASE, 10)).kind).toBe('unlocked');
    session = false;
    expect((await engine.syncNow({ resetBackoff: true })).mode).toBe('idle');
    expect(order).toEqual(['push']); // sent, but nobody signed in: nothing to pull
    session = true;
    const status = await engine.syncNow();
    expect(order).toEqual(['push', 'pull']);
    expect(status.lastPulledAt).toBeTypeOf('number');
  });

  it('renews the session once when a pull meets a 401, then pulls again', async () => {
    const storage = await newStorage();
    const pull = scriptedPull('offers', 'onConnect', { pull: 'offers', reason: 'unauthorized', status: 401 }, undefined);
    let renewals = 0;
    const engine = engineFor(storage, scripted(), {
      pulls: [pull],
      refreshSession: () => {
        renewals += 1;
        return Promise.resolve(true);
      },
    });
    const status = await engine.start();
    expect(renewals).toBe(1);
    expect(pull.runs).toBe(2);
    expect(status.pullError).toBeUndefined();
    expect(status.lastPulledAt).toBeTypeOf('number');
  });
});
