// @vitest-environment jsdom
// The same-tablet second check is offered only when someone else who may
// approve (an approver of the author's organisation, with a signing key the
// server knows) is set up on this tablet; otherwise the record says it will be
// checked from another tablet — no dead end on an offline ward.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { ReviewStatus } from '@client/features/approval/ReviewStatus';
import { initI18n } from '@client/i18n';
import type { Storage, StoredRecord } from '@client/storage';
import { testUser, unlockedTestStorage } from '../../../../fixtures/client-db';
import { homeContactRecord } from '../../../../fixtures/home-contacts';
import { renderWithServices } from '../../../../fixtures/render-with-services';
import approval from '../../../../../locales/de/approval.json';

const storages: Storage[] = [];
beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  for (const s of storages.splice(0)) s.close();
});

async function awaitingRecord(): Promise<StoredRecord> {
  const envelope = await homeContactRecord({ topics: ['health'] });
  return {
    id: envelope.id,
    kind: envelope.kind,
    revision: 1,
    syncState: 'pending',
    ownerId: 'staff-test-1',
    createdAt: envelope.createdAt,
    updatedAt: envelope.createdAt,
    envelope,
    reviewState: 'awaiting',
  };
}

describe('ReviewStatus on a shared tablet', () => {
  it('says "checked remotely" until another approver with an enrolled key is set up here, then offers the check here', async () => {
    const { storage, escrowKey } = await unlockedTestStorage();
    storages.push(storage);
    // An approver of ANOTHER organisation, and one of the author's whose key the server does not know yet.
    await storage.vault.createSlot(
      testUser({ id: 'elsewhere', displayName: 'Andere Org', roles: ['approver'], organisationId: 'x' }),
      'andere organisation',
      escrowKey,
    );
    await storage.vault.createSlot(
      testUser({ id: 'approver-1', displayName: 'Freigabe', roles: ['approver'] }),
      'freigabe passphrase',
      escrowKey,
    );
    await storage.vault.markSigningKeyEnrolled('elsewhere');
    renderWithServices(storage, <ReviewStatus record={await awaitingRecord()} onSecondCheck={() => undefined} />);

    expect((await screen.findByTestId('checked-remotely')).textContent).toBe(approval.checkedRemotely);
    expect(screen.queryByRole('button', { name: approval.checkHere })).toBeNull();

    await storage.vault.markSigningKeyEnrolled('approver-1');
    cleanup();
    renderWithServices(storage, <ReviewStatus record={await awaitingRecord()} onSecondCheck={() => undefined} />);
    await screen.findByRole('button', { name: approval.checkHere });
    await waitFor(() => {
      expect(screen.queryByTestId('checked-remotely')).toBeNull();
    });
  });

  it('does not offer the author as her own second checker', async () => {
    const { storage } = await unlockedTestStorage(undefined, testUser({ roles: ['fieldworker', 'approver'] }));
    storages.push(storage);
    await storage.vault.markSigningKeyEnrolled('staff-test-1');
    renderWithServices(storage, <ReviewStatus record={await awaitingRecord()} onSecondCheck={() => undefined} />);
    await screen.findByTestId('checked-remotely');
    expect(screen.queryByRole('button', { name: approval.checkHere })).toBeNull();
  });
});
