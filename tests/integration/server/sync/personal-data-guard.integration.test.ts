// The server's personal-data guard (issue 16, finding M1): a record whose free
// text holds a phone number, a name, an address … is refused on its own with
// 422 `personalData` naming the field and the kind of signal; the rest of the
// batch is stored; nothing of the refused record is kept; the audit names the
// field and the kind, never the text. The author's edited revision goes through.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushResponseSchema } from '@shared/protocol';
import { describeEachDatabase } from '../../helpers/databases';
import {
  storedRecordContents,
  buildTestApp,
  countRecords,
  homeContactContent,
  homeContactRecord,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
  type TabletSession,
} from '../../helpers/test-app';

const PHONE = '0171 2345678';

describeEachDatabase('personal-data guard on push', ({ db }) => {
  let app: FastifyInstance;
  let tablet: TabletSession;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    tablet = await signInOnTablet(app, db());
  });
  afterAll(async () => {
    await app.close();
  });

  const auditOf = (recordId: string) =>
    db().query<{ action: string; object_id: string }>(
      "SELECT action, object_id FROM audit_log WHERE object_id LIKE $1 || '%' ORDER BY chain_seq",
      [recordId],
    );

  it('refuses only the record with a phone number in its note, naming the field; the batch goes through', async () => {
    const before = await homeContactRecord(tablet.deviceId, { content: homeContactContent({ note: 'Mutter wünscht Stillberatung' }) });
    const withPhone = await homeContactRecord(tablet.deviceId, {
      content: homeContactContent({ note: `Rückruf erbeten, Handy ${PHONE}` }),
    });
    const after = await homeContactRecord(tablet.deviceId);

    const response = await pushAsTablet(app, tablet, [before, withPhone, after]);
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(PHONE);
    const { results } = pushResponseSchema.parse(response.json());
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(results[1]).toMatchObject({
      id: withPhone.id,
      revision: 1,
      status: 422,
      reason: 'personalData',
      issues: [{ path: 'content.note', message: 'phone' }],
    });
    expect(await countRecords(db(), [before.id, after.id])).toBe(2);
    expect(await countRecords(db(), [withPhone.id])).toBe(0);

    const entries = await auditOf(withPhone.id);
    expect(entries).toEqual([{ action: 'record.refusedPersonalData.phone', object_id: `${withPhone.id}#content.note` }]);
    const anywhere = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE object_id LIKE '%2345678%' OR action LIKE '%2345678%'",
    );
    expect(anywhere[0]?.n).toBe(0);
  });

  it.each([
    ['a name the list knows', 'Ayşe Yılmaz, Tochter Elif', 'givenName'],
    ['a street address', 'wohnt Hauptstraße 12', 'streetAddress'],
    ['an e-mail address', 'schreibt an familie.k@web.de', 'email'],
    ['an IBAN', 'Konto DE89 3704 0044 0532 0130 00', 'iban'],
    ['a date of birth', 'Kind geb. 12.11.2025', 'birthDate'],
    ['an international phone number', 'WhatsApp +963 944 123 456', 'phone'],
  ])('refuses %s', async (_what, note, kind) => {
    const record = await homeContactRecord(tablet.deviceId, { content: homeContactContent({ note }) });
    const response = await pushAsTablet(app, tablet, [record]);
    expect(response.statusCode).toBe(422);
    expect(pushResponseSchema.parse(response.json()).results[0]).toMatchObject({
      reason: 'personalData',
      issues: [{ path: 'content.note', message: kind }],
    });
    expect(await countRecords(db(), [record.id])).toBe(0);
  });

  it('accepts the edited record (revision 2) the author sends after removing the number', async () => {
    const refused = await homeContactRecord(tablet.deviceId, { content: homeContactContent({ note: `Vater: ${PHONE}` }) });
    expect((await pushAsTablet(app, tablet, [refused])).statusCode).toBe(422);
    const edited = await homeContactRecord(tablet.deviceId, {
      id: refused.id,
      revision: 2,
      content: homeContactContent({ note: 'Vater bittet um Rückruf über die Kita' }),
    });
    const response = await pushAsTablet(app, tablet, [edited]);
    expect(response.statusCode).toBe(200);
    expect(pushResponseSchema.parse(response.json()).results[0]).toMatchObject({ id: refused.id, revision: 2, outcome: 'accepted' });
    const stored = (await storedRecordContents(db(), refused.id)).map(({ revision, content }) => ({ revision, note: content['note'] }));
    expect(stored).toEqual([{ revision: 2, note: 'Vater bittet um Rückruf über die Kita' }]);
  });

  it('lets ordinary fieldwork notes through', async () => {
    const notes = ['Mutter in der 8. Lebenswoche, Stillberatung gewünscht', 'Hoffnung auf einen Kitaplatz ab August', 'Treffen um 8:15'];
    const records = await Promise.all(notes.map((note) => homeContactRecord(tablet.deviceId, { content: homeContactContent({ note }) })));
    const response = await pushAsTablet(app, tablet, records);
    expect(pushResponseSchema.parse(response.json()).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
  });
});
