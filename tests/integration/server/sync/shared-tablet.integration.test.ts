// A tablet is shared (DESIGN.md §5): whoever is signed in on a tablet sends the
// records of every colleague enrolled on it, and the server stores each as its
// AUTHOR's — proven by the author's signature with the author's key enrolled for
// that same tablet — never as the pusher's. A colleague's record with a forged
// or foreign signature, from another tablet, or of a deactivated author is
// refused with a reason, audited, and nothing is stored.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStaffAccount } from '@server/services/staff-accounts';
import { DEMO_ORGANISATION_ID } from '@server/db/demo-seed';
import type { EnrollDeviceResponse } from '@shared/staff-api';
import type { PushResult } from '@shared/protocol';
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_APPROVER,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  enrollTablet,
  homeContactContent,
  homeContactRecord,
  loginOnTablet,
  pushAsTablet,
  seedDemo,
  type Credentials,
} from '../../helpers/test-app';
import { newSigner, signAsAuthor, type TestSigner } from '../../../fixtures/four-eyes';

interface OnTablet {
  token: string;
  deviceId: string;
}

describeEachDatabase('shared tablet: records pushed on behalf of their author', ({ db }) => {
  let app: FastifyInstance;
  let ward: EnrollDeviceResponse;
  /** Colleague A saved records and locked; B is signed in on the same tablet. */
  let a: OnTablet;
  let b: OnTablet;
  let aKey: TestSigner;

  const accountId = async (username: string): Promise<string> => {
    const [row] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [username]);
    if (!row) throw new Error(`no account ${username}`);
    return row.id;
  };
  const signIn = async (device: EnrollDeviceResponse, account: Credentials): Promise<OnTablet> => ({
    token: (await loginOnTablet(app, device, account)).token,
    deviceId: device.device.deviceId,
  });
  const enrollKey = async (session: OnTablet, username: string): Promise<TestSigner> => {
    const signer = await newSigner(await accountId(username));
    const response = await app.inject({
      method: 'POST',
      url: '/api/staff/keys',
      headers: bearer(session.token),
      payload: { deviceId: session.deviceId, publicKey: signer.publicKey },
    });
    expect(response.statusCode).toBe(201);
    return signer;
  };
  const pushOne = async (session: OnTablet, record: unknown): Promise<PushResult> => {
    const response = await pushAsTablet(app, session, [record]);
    const [result] = response.json<{ results: PushResult[] }>().results;
    if (!result) throw new Error('no push result');
    return result;
  };
  const storedAuthor = async (id: string): Promise<string | undefined> =>
    (await db().query<{ author_id: string }>('SELECT author_id FROM records WHERE id = $1', [id]))[0]?.author_id;
  const audited = async (id: string) =>
    db().query<{ action: string; actor_id: string | null }>('SELECT action, actor_id FROM audit_log WHERE object_id = $1 ORDER BY id', [
      id,
    ]);

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    ward = await enrollTablet(db(), DEMO_FIELDWORKER.username, { label: 'Station 3' });
    a = await signIn(ward, DEMO_FIELDWORKER);
    b = await signIn(ward, DEMO_APPROVER);
    aKey = await enrollKey(a, DEMO_FIELDWORKER.username);
  });
  afterAll(async () => {
    await app.close();
  });

  it("stores a colleague's signed record as the colleague's and audits who pushed it for whom", async () => {
    const record = await signAsAuthor(await homeContactRecord(ward.device.deviceId), aKey);
    expect(await pushOne(b, record)).toMatchObject({ outcome: 'accepted', status: 200 });
    expect(await storedAuthor(record.id)).toBe(aKey.accountId);
    expect(await audited(record.id)).toEqual([{ action: 'record.receivedOnBehalf', actor_id: await accountId(DEMO_APPROVER.username) }]);
    // A retry by the author herself gets the same answer and changes nothing.
    expect(await pushOne(a, record)).toMatchObject({ outcome: 'accepted' });
    expect(await storedAuthor(record.id)).toBe(aKey.accountId);
  });

  it("accepts the author's correction sent by a colleague, and refuses an unsigned one (it would be the colleague's)", async () => {
    const first = await signAsAuthor(await homeContactRecord(ward.device.deviceId), aKey);
    expect(await pushOne(a, first)).toMatchObject({ outcome: 'accepted' });
    const content = homeContactContent({ topics: ['health'] });
    const unsigned = { ...first, revision: 2, content, contentHash: await contentHash(content) };
    delete (unsigned as { authorSignature?: unknown }).authorSignature;
    // Without the author's signature the pusher would be the author: not a correction of A's record.
    expect(await pushOne(b, unsigned)).toMatchObject({ outcome: 'rejected', reason: 'revisionConflict' });
    const signed = await signAsAuthor(unsigned, aKey);
    expect(await pushOne(b, signed)).toMatchObject({ outcome: 'accepted' });
    const rows = await db().query<{ revision: number; author_id: string }>(
      'SELECT revision, author_id FROM records WHERE id = $1 ORDER BY revision',
      [first.id],
    );
    expect(rows).toEqual([
      { revision: 1, author_id: aKey.accountId },
      { revision: 2, author_id: aKey.accountId },
    ]);
  });

  it('refuses a forged signature: a key the author never enrolled, or content changed after signing', async () => {
    const impostor = await newSigner(aKey.accountId); // claims to be A, with a key B made up
    const forged = await signAsAuthor(await homeContactRecord(ward.device.deviceId), impostor);
    expect(await pushOne(b, forged)).toMatchObject({
      outcome: 'rejected',
      status: 422,
      reason: 'unknownKey',
      issues: [{ path: 'authorSignature.keyFingerprint', message: 'keyNotEnrolledOnThisTablet' }],
    });

    const signed = await signAsAuthor(await homeContactRecord(ward.device.deviceId), aKey);
    const content = homeContactContent({ topics: ['health'] });
    const tampered = { ...signed, content, contentHash: await contentHash(content) };
    expect(await pushOne(b, tampered)).toMatchObject({
      outcome: 'rejected',
      status: 422,
      reason: 'invalidSignature',
      issues: [{ path: 'authorSignature.signature', message: 'signatureDoesNotVerify' }],
    });

    // Someone who does not exist in this municipality.
    const stranger = await signAsAuthor(await homeContactRecord(ward.device.deviceId), await newSigner('no-such-account'));
    expect(await pushOne(b, stranger)).toMatchObject({ outcome: 'rejected', reason: 'unknownKey' });

    for (const record of [forged, tampered, stranger]) expect(await storedAuthor(record.id)).toBeUndefined();
    const pusher = await accountId(DEMO_APPROVER.username);
    expect(await audited(forged.id)).toEqual([{ action: 'security.push.unknownKey', actor_id: pusher }]);
    expect(await audited(tampered.id)).toEqual([{ action: 'security.push.invalidSignature', actor_id: pusher }]);
  });

  it("refuses a record signed with the author's key of ANOTHER tablet", async () => {
    const other = await enrollTablet(db(), DEMO_FIELDWORKER.username, { label: 'Station 4' });
    const onOther = await signIn(other, DEMO_APPROVER);
    // A's key is enrolled for the ward tablet only; the record names the other tablet.
    const record = await signAsAuthor(await homeContactRecord(other.device.deviceId), aKey);
    expect(await pushOne(onOther, record)).toMatchObject({
      outcome: 'rejected',
      reason: 'unknownKey',
      issues: [{ path: 'authorSignature.keyFingerprint', message: 'keyNotEnrolledOnThisTablet' }],
    });
    // And the ward tablet's record cannot be pushed from the other tablet at all.
    const wardRecord = await signAsAuthor(await homeContactRecord(ward.device.deviceId), aKey);
    const response = await pushAsTablet(app, onOther, [wardRecord]);
    expect(response.json<{ results: PushResult[] }>().results[0]).toMatchObject({ outcome: 'rejected', reason: 'invalidRecord' });
    expect(await storedAuthor(record.id)).toBeUndefined();
    expect(await storedAuthor(wardRecord.id)).toBeUndefined();
  });

  it('refuses the record of a deactivated author, and of one who lost every tablet role', async () => {
    const colleague: Credentials = { username: `hebamme.${uuidv7().slice(-8)}`, password: 'colleague-password-1' };
    const colleagueId = await createStaffAccount(db(), {
      municipalityId: 'demo-stadt',
      organisationId: DEMO_ORGANISATION_ID,
      username: colleague.username,
      displayName: 'M. Beispiel',
      password: colleague.password,
      roles: ['fieldworker'],
    });
    const key = await enrollKey(await signIn(ward, colleague), colleague.username);
    const saved = await signAsAuthor(await homeContactRecord(ward.device.deviceId), key);
    const savedToo = await signAsAuthor(await homeContactRecord(ward.device.deviceId), key);

    await db().query('UPDATE staff_accounts SET roles = ARRAY[]::text[] WHERE id = $1', [colleagueId]);
    expect(await pushOne(b, saved)).toMatchObject({ outcome: 'rejected', reason: 'authorNotAllowed' });

    await db().query(`UPDATE staff_accounts SET roles = ARRAY['fieldworker'], active = false WHERE id = $1`, [colleagueId]);
    expect(await pushOne(b, savedToo)).toMatchObject({
      outcome: 'rejected',
      status: 422,
      reason: 'authorNotAllowed',
      issues: [{ path: 'authorSignature.signerId', message: 'authorNotAllowed' }],
    });
    expect(await storedAuthor(saved.id)).toBeUndefined();
    expect(await storedAuthor(savedToo.id)).toBeUndefined();

    // Reactivated, the same record goes through as the colleague's.
    await db().query('UPDATE staff_accounts SET active = true WHERE id = $1', [colleagueId]);
    expect(await pushOne(b, savedToo)).toMatchObject({ outcome: 'accepted' });
    expect(await storedAuthor(savedToo.id)).toBe(colleagueId);
  });
});
