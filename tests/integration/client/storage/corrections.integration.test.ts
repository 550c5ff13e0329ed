// Corrections on the tablet: revision n + 1 of the same record, written with
// its outbox entry (and the end of its draft) in one transaction; only the
// latest revision is sent; only the author corrects, and only while the
// content is still on the tablet; consents are never corrected.
import { describe, expect, it } from 'vitest';
import { correctedRecord, newConsentRecord, newConsentRefusalRecord } from '@domain/record-envelope';
import { generateCaseNumber } from '@domain/case-number';
import { CONSENT_TEXT_VERSION, consentTextHash } from '@shared/consent-texts';
import { CorrectionRefusedError } from '@domain/corrections';
import { correctionDraftId } from '@client/features/records/work-items';
import { contentHash } from '@shared/content-hash';
import { TEST_PASSPHRASE, testUser, unlockedTestStorage } from '../../../fixtures/client-db';
import { TEST_DEVICE_ID, homeContactContent, homeContactRecord } from '../../../fixtures/home-contacts';

const context = { deviceId: TEST_DEVICE_ID, now: new Date('2026-11-20T09:00:00Z') };

describe('RecordStore.saveCorrection', () => {
  it('writes revision 2 under the same id with a new hash; only revision 2 waits in the outbox', async () => {
    const { storage, db } = await unlockedTestStorage();
    const first = await homeContactRecord();
    await storage.records.saveRecord(first);
    const second = await correctedRecord(first, homeContactContent({ topics: ['money'] }), context);
    await storage.records.saveCorrection(second);

    expect(second.id).toBe(first.id);
    expect(second.revision).toBe(2);
    expect(second.contentHash).toBe(await contentHash(second.content));
    expect(second.contentHash).not.toBe(first.contentHash);
    const [row] = await storage.records.listRecords();
    expect(row).toMatchObject({ id: first.id, revision: 2, syncState: 'pending' });
    expect(row?.envelope?.content).toMatchObject({ topics: ['money'] });
    expect(await db.outbox.toArray()).toEqual([expect.objectContaining({ recordId: first.id, revision: 2 })]);
    const queued = await storage.records.peekOutbox(10);
    expect(queued.map((item) => [item.record.id, item.record.revision])).toEqual([[first.id, 2]]);
  });

  it('sends a correction of a sent record and removes the correction draft in the same step', async () => {
    const { storage } = await unlockedTestStorage();
    const first = await homeContactRecord();
    await storage.records.saveRecord(first);
    const [sent] = await storage.records.peekOutbox(10);
    if (!sent) throw new Error('nothing queued');
    await storage.records.applyPushResults(
      [sent],
      [{ id: first.id, revision: 1, outcome: 'accepted', status: 200, receivedAt: '2026-11-20T08:16:00.000Z' }],
      '2026-11-20T08:16:00.000Z',
    );
    const draftId = correctionDraftId(first);
    await storage.drafts.save(draftId, { topics: ['money'] });

    await storage.records.saveCorrection(await correctedRecord(first, homeContactContent({ topics: ['money'] }), context), { draftId });
    expect((await storage.records.getRecord(first.id))?.syncState).toBe('pending');
    expect(await storage.records.countOutbox()).toBe(1);
    expect(await storage.drafts.load(draftId)).toBeUndefined();
  });

  it('turns a rejected record into a pending correction without the old rejection', async () => {
    const { storage } = await unlockedTestStorage();
    const first = await homeContactRecord();
    await storage.records.saveRecord(first);
    const [item] = await storage.records.peekOutbox(10);
    if (!item) throw new Error('nothing queued');
    await storage.records.rejectItem(item, { reason: 'revisionConflict', message: 'conflict', issues: [] });
    expect((await storage.records.getRecord(first.id))?.syncState).toBe('rejected');

    await storage.records.saveCorrection(await correctedRecord(first, homeContactContent({ mediatorPresent: true }), context));
    const row = await storage.records.getRecord(first.id);
    expect(row).toMatchObject({ revision: 2, syncState: 'pending' });
    expect(row?.rejection).toBeUndefined();
  });

  it('keeps the row when a sent answer for revision 1 arrives after the correction', async () => {
    const { storage } = await unlockedTestStorage();
    const first = await homeContactRecord();
    await storage.records.saveRecord(first);
    const inFlight = await storage.records.peekOutbox(10);
    await storage.records.saveCorrection(await correctedRecord(first, homeContactContent({ topics: ['money'] }), context));
    await storage.records.applyPushResults(
      inFlight,
      [{ id: first.id, revision: 1, outcome: 'accepted', status: 200, receivedAt: '2026-11-20T08:16:00.000Z' }],
      '2026-11-20T08:16:00.000Z',
    );
    expect(await storage.records.getRecord(first.id)).toMatchObject({ revision: 2, syncState: 'pending' });
    expect((await storage.records.peekOutbox(10)).map((entry) => entry.record.revision)).toEqual([2]);
  });

  it('refuses a correction by someone who did not record it, and changes nothing', async () => {
    const { storage, escrowKey } = await unlockedTestStorage();
    const first = await homeContactRecord();
    await storage.records.saveRecord(first);
    storage.vault.lock();
    await storage.vault.createSlot(testUser({ id: 'staff-test-2', displayName: 'Zweite Fachkraft' }), TEST_PASSPHRASE, escrowKey);
    const attempt = storage.records.saveCorrection(await correctedRecord(first, homeContactContent({ topics: ['money'] }), context));
    await expect(attempt).rejects.toMatchObject({ reason: 'notAuthor' });
    expect((await storage.records.getRecord(first.id))?.revision).toBe(1);
    expect(await storage.records.countOutbox()).toBe(1);
  });

  it('refuses a correction of a content-free stub', async () => {
    const { storage } = await unlockedTestStorage();
    const first = await homeContactRecord();
    await storage.records.saveRecord(first);
    const queued = await storage.records.peekOutbox(10);
    await storage.records.applyPushResults(
      queued,
      [{ id: first.id, revision: 1, outcome: 'accepted', status: 200, receivedAt: '2026-11-20T08:16:00.000Z' }],
      '2026-11-20T08:16:00.000Z',
    );
    expect(await storage.records.dropSentContent(0, new Date('2026-12-01T00:00:00Z'))).toBe(1);
    await expect(storage.records.saveCorrection(await correctedRecord(first, homeContactContent(), context))).rejects.toBeInstanceOf(
      CorrectionRefusedError,
    );
    expect(await storage.records.countOutbox()).toBe(0);
  });

  it('refuses to correct a consent refusal (a family decision is not corrected)', async () => {
    const { storage } = await unlockedTestStorage();
    const refusal = await newConsentRefusalRecord({ setting: 'homeContact', date: '2026-11-20' }, context);
    await storage.records.saveRecord(refusal);
    await expect(storage.records.saveCorrection(await correctedRecord(refusal, refusal.content, context))).rejects.toMatchObject({
      reason: 'notCorrectable',
    });
  });

  it('refuses a stale correction (revision 2 again after revision 2 was saved)', async () => {
    const { storage } = await unlockedTestStorage();
    const first = await homeContactRecord();
    await storage.records.saveRecord(first);
    const second = await correctedRecord(first, homeContactContent({ topics: ['money'] }), context);
    await storage.records.saveCorrection(second);
    const competing = await correctedRecord(first, homeContactContent({ topics: ['health'] }), context);
    await expect(storage.records.saveCorrection(competing)).rejects.toMatchObject({ reason: 'recordChanged' });
    expect((await storage.records.getRecord(first.id))?.envelope?.content).toMatchObject({ topics: ['money'] });
  });
});

describe('withdrawal', () => {
  it("deletes the correction drafts of the case's records, and no other draft", async () => {
    const { storage } = await unlockedTestStorage();
    const caseNumber = generateCaseNumber();
    await storage.records.saveRecord(
      await newConsentRecord(
        {
          scopes: ['documentation'],
          setting: 'homeContact',
          language: 'de',
          textVersion: CONSENT_TEXT_VERSION,
          textHash: await consentTextHash('de'),
          mediatorPresent: false,
          givenAt: context.now.toISOString(),
        },
        caseNumber,
        context,
      ),
    );
    const ofCase = { ...(await homeContactRecord()), caseNumber };
    ofCase.contentHash = await contentHash(ofCase.content);
    const other = await homeContactRecord({ topics: ['money'] });
    await storage.records.saveRecord(ofCase);
    await storage.records.saveRecord(other);
    await storage.drafts.save(correctionDraftId(ofCase), { topics: ['health'] });
    await storage.drafts.save(correctionDraftId(other), { topics: ['housing'] });

    expect(await storage.records.deleteCase(caseNumber)).toBe(2);
    expect(await storage.drafts.load(correctionDraftId(ofCase))).toBeUndefined();
    expect(await storage.drafts.load(correctionDraftId(other))).toEqual({ topics: ['housing'] });
  });
});

describe('DraftStore.list', () => {
  it("lists only the unlocked person's drafts, newest first", async () => {
    const { storage, escrowKey } = await unlockedTestStorage();
    await storage.drafts.save('homeContact:new', { topics: [] });
    storage.vault.lock();
    await storage.vault.createSlot(testUser({ id: 'staff-test-2', displayName: 'Zweite Fachkraft' }), TEST_PASSPHRASE, escrowKey);
    expect(await storage.drafts.list()).toEqual([]);
    await storage.drafts.save('mediation:new', { languages: [] });
    expect((await storage.drafts.list()).map((d) => d.draftId)).toEqual(['mediation:new']);
  });
});
