// A note with a phone number, tablet → server → tablet, without a browser: the
// real sync engine over fake-indexeddb pushes to the real server; the server
// returns that record alone (personalData, naming the note), the tablet keeps it
// with its content, the author's edited revision goes through, nothing is lost.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SyncEngine } from '@client/sync/SyncEngine';
import { httpTransport } from '@client/sync/transport';
import { correctedRecord } from '@domain/record-envelope';
import { testUser, unlockedTestStorage } from '../fixtures/client-db';
import { homeContactRecord } from '../fixtures/home-contacts';
import { describeEachDatabase } from './helpers/databases';
import {
  DEMO_FIELDWORKER,
  buildTestApp,
  countRecords,
  listenOnLoopback,
  seedDemo,
  signInOnTablet,
  storedRecordContents,
} from './helpers/test-app';

const NOTE_WITH_PHONE = 'Mutter bittet um Rückruf, Handy 0176 12345678';
const EDITED_NOTE = 'Mutter bittet um Rückruf über die Kita';

describeEachDatabase('personal data round trip', ({ db }) => {
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    baseUrl = await listenOnLoopback(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it('returns only the record with a phone number, keeps it on the tablet, and takes the edited revision', async () => {
    const [account] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [DEMO_FIELDWORKER.username]);
    const { storage } = await unlockedTestStorage(undefined, testUser({ id: account?.id ?? '' }));
    const deviceId = await storage.device.deviceId();
    const { token } = await signInOnTablet(app, db(), undefined, { deviceId });
    const clean = await homeContactRecord({ note: 'Stillberatung gewünscht' }, { deviceId });
    const withPhone = await homeContactRecord({ note: NOTE_WITH_PHONE }, { deviceId });
    await storage.records.saveRecord(clean);
    await storage.records.saveRecord(withPhone);

    const engine = new SyncEngine({
      records: storage.records,
      transport: httpTransport({ baseUrl, token: () => Promise.resolve(token) }),
      deviceId: () => storage.device.deviceId(),
      isOnline: () => true,
    });
    expect((await engine.start()).mode).toBe('idle');

    expect(await countRecords(db(), [clean.id])).toBe(1);
    expect(await countRecords(db(), [withPhone.id])).toBe(0);
    expect(await storage.records.getRecord(clean.id)).toMatchObject({ syncState: 'sent' });
    const returned = await storage.records.getRecord(withPhone.id);
    expect(returned).toMatchObject({
      syncState: 'rejected',
      rejection: { reason: 'personalData', issues: [{ path: 'content.note', message: 'phone' }] },
    });
    // Nothing lost: the note as written is still on the tablet, for the author to edit.
    expect(returned?.envelope?.content).toMatchObject({ note: NOTE_WITH_PHONE });
    expect(JSON.stringify(returned?.rejection)).not.toContain('12345678');

    // The author edits the note and saves a correction (revision 2), which the next sync sends.
    if (returned?.envelope?.kind !== 'homeContact') throw new Error('the returned record is no HOME contact');
    await storage.records.saveCorrection(
      await correctedRecord(returned.envelope, { ...returned.envelope.content, note: EDITED_NOTE }, { deviceId, now: new Date() }),
    );
    expect(await storage.records.getRecord(withPhone.id)).toMatchObject({ syncState: 'pending', revision: 2 });
    expect((await engine.syncNow()).mode).toBe('idle');

    expect(await storage.records.getRecord(withPhone.id)).toMatchObject({ syncState: 'sent', revision: 2 });
    const stored = (await storedRecordContents(db(), withPhone.id)).map(({ revision, content }) => ({ revision, note: content['note'] }));
    expect(stored).toEqual([{ revision: 2, note: EDITED_NOTE }]);
    storage.close();
  });
});
