// @vitest-environment jsdom
// Start-up order: with `deferStart` the sync wiring does nothing — no push, no
// data minimisation, no pulls — until the app calls `begin` (after its first
// screen); without it everything starts at once, as before.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Storage } from '@client/storage';
import { startSync } from '@client/sync';
import { unlockedTestStorage } from '../../../fixtures/client-db';

const cleanups: (() => void)[] = [];
afterEach(async () => {
  // Newest first (sync before its database), after the pulls that follow a minimisation have run.
  await new Promise((r) => setTimeout(r, 300));
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

async function tabletStorage(): Promise<{ storage: Storage; minimised: ReturnType<typeof vi.fn> }> {
  const { storage } = await unlockedTestStorage();
  const minimised = vi.fn();
  const drop = storage.records.dropSentContent.bind(storage.records);
  vi.spyOn(storage.records, 'dropSentContent').mockImplementation(async (...args) => {
    minimised();
    return drop(...args);
  });
  cleanups.push(() => {
    storage.close();
  });
  return { storage, minimised };
}

/** Lets pending IndexedDB work and promise chains run. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('startSync', () => {
  it('waits for begin before the first push and the data minimisation', async () => {
    const { storage, minimised } = await tabletStorage();
    let begin: (() => void) | undefined;
    const { engine, dispose } = startSync(storage, {
      onDeviceRevoked: () => undefined,
      deferStart: (fn) => {
        begin = fn;
      },
    });
    cleanups.push(dispose);
    await settle();
    expect(minimised).not.toHaveBeenCalled();
    engine.trigger(); // a trigger before begin (e.g. "online") is ignored: the engine is not started
    await settle();
    expect(minimised).not.toHaveBeenCalled();
    expect(begin).toBeDefined();
    begin?.();
    await vi.waitFor(() => {
      expect(minimised).toHaveBeenCalled();
    });
  });

  it('starts at once without deferStart', async () => {
    const { storage, minimised } = await tabletStorage();
    const { dispose } = startSync(storage, { onDeviceRevoked: () => undefined });
    cleanups.push(dispose);
    await vi.waitFor(() => {
      expect(minimised).toHaveBeenCalled();
    });
  });

  it('never starts when disposed before begin', async () => {
    const { storage, minimised } = await tabletStorage();
    let begin: (() => void) | undefined;
    const { dispose } = startSync(storage, {
      onDeviceRevoked: () => undefined,
      deferStart: (fn) => {
        begin = fn;
      },
    });
    cleanups.push(dispose);
    dispose();
    begin?.();
    await settle();
    expect(minimised).not.toHaveBeenCalled();
  });
});
