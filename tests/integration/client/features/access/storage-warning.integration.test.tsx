// @vitest-environment jsdom
// The lock screen's storage warning (walkthrough finding 28): the browser may
// evict a profile whose storage it did not promise to keep, and only unsent
// work is lost then. So the warning appears only while something unsent is on
// the tablet and storage is not persistent, and it says what to do.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { initI18n } from '@client/i18n';
import { UnsyncedSummary } from '@client/features/access/UnsyncedSummary';
import type { Storage } from '@client/storage';

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
});

function fakeStorage(unsent: number, pendingReviews = 0): Storage {
  return {
    onChange: () => () => undefined,
    records: {
      unsyncedSummary: () => Promise.resolve({ count: unsent, oldestEnqueuedAt: unsent > 0 ? Date.now() - 86_400_000 : null }),
      unsentByPerson: () => Promise.resolve([]),
    },
    reviews: { countPending: () => Promise.resolve(pendingReviews) },
  } as unknown as Storage;
}

function browserStorage(persisted: boolean): void {
  Object.defineProperty(navigator, 'storage', {
    configurable: true,
    value: {
      persisted: () => Promise.resolve(persisted),
      persist: () => Promise.resolve(persisted),
      estimate: () => Promise.resolve({ usage: 1_000, quota: 1_000_000 }),
    },
  });
}

describe('storage warning on the lock screen', () => {
  it('warns with what to do while unsent entries sit in storage the browser may evict', async () => {
    browserStorage(false);
    render(<UnsyncedSummary storage={fakeStorage(3)} />);
    const warning = await screen.findByTestId('storage-status');
    expect(warning.textContent).toContain('die 3 nicht gesendeten Einträge löschen');
    expect(warning.textContent).toContain('Was tun: das Tablet mit dem Netz verbinden und entsperren');
  });

  it('counts second checks waiting here as work at risk', async () => {
    browserStorage(false);
    render(<UnsyncedSummary storage={fakeStorage(0, 1)} />);
    expect((await screen.findByTestId('storage-status')).textContent).toContain('den 1 nicht gesendeten Eintrag');
  });

  it('says nothing about storage when everything is sent, or when storage is persistent', async () => {
    browserStorage(false);
    render(<UnsyncedSummary storage={fakeStorage(0)} />);
    expect((await screen.findByTestId('unsynced-summary')).textContent).toContain('gesendet');
    // Let the storage status read settle before looking for the warning.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('storage-status')).toBeNull();
    cleanup();

    browserStorage(true);
    render(<UnsyncedSummary storage={fakeStorage(3)} />);
    expect((await screen.findByTestId('unsynced-summary')).textContent).toContain('3');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('storage-status')).toBeNull();
  });
});
