// Dropping the content of sent records works through a list of the sent rows
// that still hold content, so thousands of content-free stubs are not read at
// every sync; a record sent after the list exists is still dropped in time,
// and a tablet from before the list builds it with one scan.
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '@client/storage';
import { unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';
import { testDeviceConfig } from '../../../fixtures/render-with-services';
import {
  newConsentRecord,
  newConsentWithdrawalRecord,
  newHomeContactRecord,
  newReferralRecord,
  newWelcomeVisitRecord,
} from '@domain/record-envelope';
import { homeContactContent } from '../../../fixtures/home-contacts';
import { consentContent, newCaseNumber } from '../../helpers/test-app';

const SERVER_TIME = '2026-11-20T09:00:00.000Z';
let storages: Storage[] = [];
afterEach(() => {
  for (const s of storages) s.close();
  storages = [];
});

async function sendAll(storage: Storage): Promise<void> {
  const items = await storage.records.peekOutbox(500);
  await storage.records.applyPushResults(
    items,
    items.map((i) => ({
      id: i.record.id,
      revision: i.record.revision,
      outcome: 'accepted' as const,
      status: 200,
      receivedAt: SERVER_TIME,
    })),
    SERVER_TIME,
  );
}

async function saveContacts(storage: Storage, n: number, minute: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await storage.records.saveRecord(await homeContactRecord({}, { now: new Date(Date.UTC(2026, 10, 20, 8, minute + i)) }));
}

describe('retention of sent content', () => {
  it('drops each sent record’s content once, also for records sent after the first drop', async () => {
    const { storage, db } = await unlockedTestStorage();
    storages.push(storage);
    await saveContacts(storage, 3, 0);
    await sendAll(storage);
    const day = new Date('2026-11-20T12:00:00Z');
    expect(await storage.records.dropSentContent(1, day)).toBe(0); // retention not over: all three kept, listed
    expect(((await db.meta.get('sentWithContent'))?.value as string[]).length).toBe(3);

    await saveContacts(storage, 2, 10);
    await sendAll(storage); // noted on the existing list
    expect(((await db.meta.get('sentWithContent'))?.value as string[]).length).toBe(5);
    expect(await storage.records.dropSentContent(0, day)).toBe(5);
    expect((await db.meta.get('sentWithContent'))?.value).toEqual([]);
    expect(await storage.records.dropSentContent(0, day)).toBe(0);
    const rows = await db.records.toArray();
    expect(rows.every((r) => r.sealed === undefined && r.contentRemovedAt !== undefined)).toBe(true);
  });

  it('builds the list with one scan on a tablet that has none', async () => {
    const { storage, db } = await unlockedTestStorage();
    storages.push(storage);
    await saveContacts(storage, 2, 0);
    await sendAll(storage);
    await db.meta.delete('sentWithContent'); // as on a tablet from before the list
    await saveContacts(storage, 1, 5);
    await sendAll(storage);
    expect(await storage.records.dropSentContent(0, new Date('2026-11-20T12:00:00Z'))).toBe(3);
  });

  it('keeps a sent welcome visit that recommends offers until a referral is made from it', async () => {
    const { storage } = await unlockedTestStorage();
    storages.push(storage);
    // No second check configured here: only the referral rule keeps the content.
    await storage.device.saveConfig(testDeviceConfig({ fourEyes: { kinds: [], forReferrals: false, linkedAccounts: [] } }));
    const caseNumber = newCaseNumber();
    const context = { deviceId: await storage.device.deviceId(), now: new Date('2026-11-20T08:00:00Z') };
    await storage.records.saveRecord(
      await newConsentRecord(
        await consentContent('de', { setting: 'welcomeVisit', scopes: ['documentation', 'referral'] }),
        caseNumber,
        context,
      ),
    );
    const visit = await newWelcomeVisitRecord(
      {
        outcome: 'visited',
        visitDate: '2026-11-20',
        weekOfLife: 3,
        firstChild: true,
        topics: [],
        itemsHandedOver: [],
        offersRecommended: ['familienhebamme'],
        followUpWished: false,
      },
      caseNumber,
      context,
    );
    await storage.records.saveRecord(visit);
    await sendAll(storage);
    const later = new Date('2026-11-21T12:00:00Z');
    await storage.records.dropSentContent(0, later);
    expect((await storage.records.getRecord(visit.id))?.envelope).not.toBeNull();
    // The home lists it under referrals to follow up until the referral is made.
    expect((await storage.records.getRecord(visit.id))?.referralPending).toBe(true);

    await storage.records.saveRecord(
      await newReferralRecord(
        { sourceRecordId: visit.id, offerIds: ['familienhebammen-demo'], language: 'de', slipHandedOver: true },
        caseNumber,
        context,
      ),
    );
    expect((await storage.records.getRecord(visit.id))?.referralPending).toBeUndefined();
    await storage.records.dropSentContent(0, later);
    expect((await storage.records.getRecord(visit.id))?.envelope).toBeNull();
  });

  it('keeps kind, date and case number of a sent record once its content is gone, sealed; a withdrawal deletes the stub too', async () => {
    const { storage, db } = await unlockedTestStorage();
    storages.push(storage);
    const context = { deviceId: await storage.device.deviceId(), now: new Date('2026-11-20T08:00:00Z') };
    const caseNumber = newCaseNumber();
    await storage.records.saveRecord(await newConsentRecord(await consentContent('de'), caseNumber, context));
    await storage.records.saveRecord(await newHomeContactRecord(homeContactContent(), context, caseNumber));
    await storage.records.saveRecord(await homeContactRecord()); // anonymous
    await sendAll(storage);
    expect(await storage.records.dropSentContent(0, new Date('2026-11-21T12:00:00Z'))).toBeGreaterThan(0);

    const listed = await storage.records.listRecords();
    const stubs = listed.filter((row) => row.kind === 'homeContact');
    expect(stubs).toHaveLength(2);
    expect(stubs.every((row) => row.envelope === null)).toBe(true); // the content is gone ...
    expect(stubs.map((row) => row.caseNumber).sort()).toEqual([caseNumber, null].sort()); // ... whose it was is not
    // Not in clear: only sealed boxes hold the case number.
    expect(JSON.stringify(await db.records.toArray())).not.toContain(caseNumber);
    // The case view still lists the sent contact of the case (as a stub), not the anonymous one.
    const ofCase = await storage.records.recordsForCase(caseNumber);
    expect(ofCase.map((row) => row.kind).sort()).toEqual(['consent', 'homeContact']);
    expect(ofCase.find((row) => row.kind === 'homeContact')?.envelope).toBeNull();

    await storage.records.withdrawCase(await newConsentWithdrawalRecord({ withdrawnAt: '2026-11-22T10:00:00.000Z' }, caseNumber, context));
    const left = await storage.records.listRecords();
    expect(left.filter((row) => row.kind === 'homeContact').map((row) => row.caseNumber)).toEqual([null]);
    expect(left.some((row) => row.kind === 'consent')).toBe(false);
  });
});
