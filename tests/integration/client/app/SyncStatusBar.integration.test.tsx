// @vitest-environment jsdom
// The sync status bar over a real tablet database and a real engine: it never
// says "everything sent" while entries wait, it names a failed pull and why,
// and it shows when the tablet last pulled.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { AppContext } from '@client/app/AppContext';
import { SyncStatusBar } from '@client/app/SyncStatusBar';
import { initI18n } from '@client/i18n';
import type { Storage } from '@client/storage';
import { SyncEngine, type Pull } from '@client/sync/SyncEngine';
import type { PullFailure } from '@client/sync/pull-failure';
import type { PushRequest } from '@shared/protocol';
import { testUser, unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';
import common from '../../../../locales/de/common.json';

const storages: Storage[] = [];

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  for (const s of storages.splice(0)) s.close();
});

const acceptAll = {
  push: (request: PushRequest) =>
    Promise.resolve({
      serverTime: '2026-11-20T09:00:00.000Z',
      results: request.records.map((r) => ({
        id: r.id as string,
        revision: r.revision as number,
        outcome: 'accepted' as const,
        status: 200 as const,
      })),
    }),
};

const returnAll = {
  push: (request: PushRequest) =>
    Promise.resolve({
      serverTime: '2026-11-20T09:00:00.000Z',
      results: request.records.map((r) => ({
        id: r.id as string,
        revision: r.revision as number,
        outcome: 'rejected' as const,
        status: 422 as const,
        reason: 'personalData' as const,
        issues: [{ path: 'content.note', message: 'phone' }],
      })),
    }),
};

function pullOnce(outcome: PullFailure | undefined): Pull {
  return { name: 'reviews', when: 'afterEverySend', run: () => Promise.resolve(outcome) };
}

async function showBar(
  options: { pulls?: Pull[]; othersWaiting?: boolean; savedAt?: Date; transport?: typeof returnAll } = {},
): Promise<{ storage: Storage; sync: SyncEngine }> {
  const { storage } = await unlockedTestStorage();
  storages.push(storage);
  await storage.records.saveRecord(
    await homeContactRecord({ topics: ['health'] }),
    options.savedAt === undefined ? {} : { now: options.savedAt },
  );
  const sync = new SyncEngine({
    // A colleague's entry is not this person's to send: the engine sees an empty queue.
    records:
      options.othersWaiting === true
        ? {
            peekOutbox: () => Promise.resolve([]),
            applyPushResults: (...args) => storage.records.applyPushResults(...args),
            rejectItem: (...args) => storage.records.rejectItem(...args),
          }
        : storage.records,
    transport: options.transport ?? acceptAll,
    deviceId: () => storage.device.deviceId(),
    isOnline: () => true,
    pulls: options.pulls ?? [],
  });
  render(
    <AppContext.Provider value={{ storage, sync }}>
      <SyncStatusBar onRenew={() => undefined} />
    </AppContext.Provider>,
  );
  await sync.start();
  return { storage, sync };
}

describe('SyncStatusBar', () => {
  it('says everything is sent only when nothing waits', async () => {
    await showBar();
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toBe(common.sync.mode.idle);
    });
  });

  it('says how many entries the server did not accept (returned for personal data), not just "everything sent"', async () => {
    await showBar({ transport: returnAll });
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toBe(
        `${common.sync.notAccepted_one.replace('{{count}}', '1')} · ${common.sync.mode.idle}`,
      );
    });
  });

  it('does not say "everything sent" while a colleague’s entries wait', async () => {
    await showBar({ othersWaiting: true });
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toBe(
        `${common.sync.pending_one.replace('{{count}}', '1')} · ${common.sync.mode.idleOthersPending.replace('{{names}}', 'Test Fachkraft')}`,
      );
    });
  });

  it('on a shared tablet says whose entries wait and who must sign in, then sends them for the colleague', async () => {
    const { storage, escrowKey } = await unlockedTestStorage();
    storages.push(storage);
    // Colleague A saves and locks; the server does not know A's signing key yet.
    await storage.records.saveRecord(await homeContactRecord({ topics: ['health'] }));
    storage.vault.lock();
    await storage.vault.createSlot(testUser({ id: 'staff-2', displayName: 'M. Beispiel' }), 'zweite person hier', escrowKey);
    const pushed: unknown[] = [];
    const sync = new SyncEngine({
      records: storage.records,
      transport: {
        push: (request) => {
          pushed.push(...request.records);
          return acceptAll.push(request);
        },
      },
      deviceId: () => storage.device.deviceId(),
      isOnline: () => true,
    });
    render(
      <AppContext.Provider value={{ storage, sync }}>
        <SyncStatusBar onRenew={() => undefined} />
      </AppContext.Provider>,
    );
    await sync.start();
    const waiting = common.sync.mode.idleOthersPending.replace('{{names}}', 'Test Fachkraft');
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toBe(
        `${common.sync.pending_one.replace('{{count}}', '1')} · Test Fachkraft: 1 · ${waiting}`,
      );
    });
    expect(pushed).toHaveLength(0);

    // A's key is enrolled (A signed in once online): B's session sends A's record, signed by A.
    await storage.vault.markSigningKeyEnrolled('staff-test-1');
    await sync.syncNow({ resetBackoff: true });
    expect(pushed).toMatchObject([{ authorSignature: { signerId: 'staff-test-1' } }]);
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toBe(common.sync.mode.idle);
    });
  });

  it('warns, with what to do, once an entry has waited as long as the office is warned about (3 days)', async () => {
    const DAY_MS = 86_400_000;
    await showBar({ othersWaiting: true, savedAt: new Date(Date.now() - 4 * DAY_MS) });
    const warning = await screen.findByTestId('unsent-overdue');
    expect(warning.textContent).toBe(`${common.sync.overdue_other.replace('{{count}}', '4')} ${common.sync.overdueWhat}`);
    expect(warning.getAttribute('role')).toBe('alert');
    cleanup();

    // Two days: the status bar counts it, but no alarm yet.
    await showBar({ othersWaiting: true, savedAt: new Date(Date.now() - 2 * DAY_MS) });
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toContain(common.sync.pending_one.replace('{{count}}', '1'));
    });
    expect(screen.queryByTestId('unsent-overdue')).toBeNull();
    cleanup();

    // Where the backend says an entry is overdue only after five days, four days are no alarm either.
    const { storage } = await showBar({ othersWaiting: true, savedAt: new Date(Date.now() - 4 * DAY_MS) });
    await storage.device.saveUnsentWarningDays(5);
    cleanup();
    render(
      <AppContext.Provider
        value={{
          storage,
          sync: new SyncEngine({
            records: storage.records,
            transport: acceptAll,
            deviceId: () => storage.device.deviceId(),
            isOnline: () => false,
          }),
        }}
      >
        <SyncStatusBar onRenew={() => undefined} />
      </AppContext.Provider>,
    );
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toContain(common.sync.pending_one.replace('{{count}}', '1'));
    });
    expect(screen.queryByTestId('unsent-overdue')).toBeNull();
  });

  it('names the pull that failed and why, so a missing approval is explained', async () => {
    await showBar({ pulls: [pullOnce({ pull: 'reviews', reason: 'timeout', status: 0 })] });
    const expected = common.sync.pull.failed
      .replace('{{what}}', common.sync.pull.what.reviews)
      .replace('{{why}}', common.sync.pull.why.unreachable);
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toBe(`${common.sync.mode.idle} · ${expected}`);
    });
  });

  it('shows the time of the last successful pull', async () => {
    const { sync } = await showBar({ pulls: [pullOnce(undefined)] });
    const pulledAt = sync.current.lastPulledAt;
    expect(pulledAt).toBeTypeOf('number');
    const time = new Intl.DateTimeFormat('de', { timeStyle: 'short' }).format(new Date(pulledAt ?? 0));
    await waitFor(() => {
      expect(screen.getByTestId('sync-status').textContent).toBe(
        `${common.sync.mode.idle} · ${common.sync.pull.lastPulled.replace('{{time}}', time)}`,
      );
    });
  });
});
