// Which records offer "Correct", and how draft ids name their form: a
// correction draft is per record; unknown ids (from another app version) are ignored.
import { describe, expect, it } from 'vitest';
import { canCorrect, correctionDraftId, parseDraftId } from '@client/features/records/work-items';
import type { StoredRecord } from '@client/storage';
import { ANY_OWNER } from '@client/storage/record-store';
import { homeContactRecord } from '../../../fixtures/home-contacts';
import { newConsentRefusalRecord } from '@domain/record-envelope';

const context = { deviceId: '01900000-0000-7000-8000-000000000001', now: new Date('2026-11-20T08:00:00Z') };

async function stored(overrides: Partial<StoredRecord> = {}): Promise<StoredRecord> {
  const envelope = await homeContactRecord();
  return {
    id: envelope.id,
    kind: envelope.kind,
    revision: 1,
    syncState: 'sent',
    ownerId: 'me',
    createdAt: envelope.createdAt,
    updatedAt: envelope.createdAt,
    envelope,
    reviewState: 'notRequired',
    ...overrides,
  };
}

describe('canCorrect', () => {
  it('lets the author correct a record whose content is on the tablet, whatever its sync state', async () => {
    expect(canCorrect(await stored(), 'me')).toBe(true);
    expect(canCorrect(await stored({ syncState: 'rejected' }), 'me')).toBe(true);
    expect(canCorrect(await stored({ syncState: 'pending' }), 'me')).toBe(true);
  });

  it('refuses other people, nobody signed in, content-free stubs, withdrawals anyone may send, and consent kinds', async () => {
    expect(canCorrect(await stored(), 'someone-else')).toBe(false);
    expect(canCorrect(await stored(), undefined)).toBe(false);
    expect(canCorrect(await stored({ envelope: null }), 'me')).toBe(false);
    expect(canCorrect(await stored({ ownerId: ANY_OWNER }), ANY_OWNER)).toBe(false);
    const refusal = await newConsentRefusalRecord({ setting: 'homeContact', date: '2026-11-20' }, context);
    expect(canCorrect(await stored({ kind: 'consentRefusal', envelope: refusal }), 'me')).toBe(false);
  });
});

describe('draft ids', () => {
  it('reads new-record drafts and per-record correction drafts back', async () => {
    expect(parseDraftId('homeContact:new', 't')).toEqual({ type: 'new', form: 'homeContact', draftId: 'homeContact:new', updatedAt: 't' });
    const record = await homeContactRecord();
    const id = correctionDraftId(record);
    expect(parseDraftId(id, 't')).toEqual({ type: 'correction', kind: 'homeContact', recordId: record.id, draftId: id, updatedAt: 't' });
    expect(correctionDraftId(await homeContactRecord({ topics: ['money'] }))).not.toBe(id);
  });

  it('ignores ids no form of this version writes', () => {
    expect(parseDraftId('consent:correct:abc', 't')).toBeUndefined();
    expect(parseDraftId('homeContact:correct:', 't')).toBeUndefined();
    expect(parseDraftId('somethingElse', 't')).toBeUndefined();
  });
});
