// Corrections on the server: a correction is revision n + 1 of the same record.
// The tablet sends only its latest revision, so n + 1 is taken without n; a
// "correction" by another person, or one that changes the kind, is refused
// as a revision conflict and nothing is stored.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushResponseSchema } from '@shared/protocol';
import { contentHash } from '@shared/content-hash';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_APPROVER,
  buildTestApp,
  countRecords,
  homeContactContent,
  homeContactRecord,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
  type TabletSession,
} from '../../helpers/test-app';

describeEachDatabase('corrections', ({ db }) => {
  let app: FastifyInstance;
  let author: TabletSession;
  let other: TabletSession;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    author = await signInOnTablet(app, db());
    other = await signInOnTablet(app, db(), DEMO_APPROVER);
  });
  afterAll(async () => {
    await app.close();
  });

  const revisions = async (id: string) =>
    db().query<{ revision: number; content_hash: string }>('SELECT revision, content_hash FROM records WHERE id = $1 ORDER BY revision', [
      id,
    ]);

  it('accepts revision 2 whose revision 1 never reached the server', async () => {
    const first = await homeContactRecord(author.deviceId);
    const second = await homeContactRecord(author.deviceId, {
      id: first.id,
      revision: 2,
      content: homeContactContent({ topics: ['money'] }),
    });
    const response = await pushAsTablet(app, author, [second]);
    expect(response.statusCode).toBe(200);
    expect(pushResponseSchema.parse(response.json()).results[0]).toMatchObject({ id: first.id, revision: 2, outcome: 'accepted' });
    expect(await revisions(first.id)).toEqual([{ revision: 2, content_hash: second.contentHash }]);
  });

  it("accepts the author's revision 2 after revision 1, keeping both", async () => {
    const first = await homeContactRecord(author.deviceId);
    expect((await pushAsTablet(app, author, [first])).statusCode).toBe(200);
    const second = await homeContactRecord(author.deviceId, {
      id: first.id,
      revision: 2,
      content: homeContactContent({ mediatorPresent: true }),
    });
    expect((await pushAsTablet(app, author, [second])).statusCode).toBe(200);
    expect((await revisions(first.id)).map((row) => row.revision)).toEqual([1, 2]);
  });

  it("refuses a correction of someone else's record with 409 revisionConflict, storing nothing", async () => {
    const first = await homeContactRecord(author.deviceId);
    expect((await pushAsTablet(app, author, [first])).statusCode).toBe(200);
    const hijack = await homeContactRecord(other.deviceId, {
      id: first.id,
      revision: 2,
      content: homeContactContent({ topics: ['money'] }),
    });
    const response = await pushAsTablet(app, other, [hijack]);
    expect(response.statusCode).toBe(409);
    expect(pushResponseSchema.parse(response.json()).results[0]).toMatchObject({
      id: first.id,
      revision: 2,
      outcome: 'rejected',
      reason: 'revisionConflict',
    });
    expect(await countRecords(db(), [first.id])).toBe(1);
  });

  it('refuses a correction that changes the kind of the record', async () => {
    const first = await homeContactRecord(author.deviceId);
    expect((await pushAsTablet(app, author, [first])).statusCode).toBe(200);
    const refusalContent = { setting: 'homeContact', date: '2026-11-20' };
    const changedKind = {
      ...(await homeContactRecord(author.deviceId, { id: first.id, revision: 2 })),
      kind: 'consentRefusal',
      content: refusalContent,
      contentHash: await contentHash(refusalContent),
    };
    const response = await pushAsTablet(app, author, [changedKind]);
    expect(response.statusCode).toBe(409);
    expect(await revisions(first.id)).toEqual([{ revision: 1, content_hash: first.contentHash }]);
  });

  describe('retry', () => {
    it('answers a retried correction like the first push', async () => {
      const first = await homeContactRecord(author.deviceId);
      const second = await homeContactRecord(author.deviceId, {
        id: first.id,
        revision: 2,
        content: homeContactContent({ topics: ['money'] }),
      });
      const once = pushResponseSchema.parse((await pushAsTablet(app, author, [first, second])).json());
      const again = pushResponseSchema.parse((await pushAsTablet(app, author, [second])).json());
      expect(again.results[0]?.receivedAt).toBe(once.results[1]?.receivedAt);
      expect(await countRecords(db(), [first.id])).toBe(2);
    });
  });
});
