// Consent in the push path (DESIGN.md §3): shipped consent texts only, valid
// check symbols only, nothing about a case without a consent covering it (the
// latest one, stored or earlier in the same batch), withdrawal deletes the case
// and leaves a content-free tombstone, and the withdrawals pull lists them per
// municipality.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, pushResponseSchema, withdrawalsResponseSchema } from '@shared/protocol';
import type { PushResponse, PushResult, Role } from '@shared/protocol';
import { FAMILY_LANGUAGES } from '@shared/languages';
import { createStaffAccount } from '@server/services/staff-accounts';
import { uuidv7 } from '@shared/ids';
import { openRecordContent } from '@server/services/content-seal';
import { describeEachDatabase } from '../../helpers/databases';
import {
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  consentRefusalRecord,
  consentWithdrawalRecord,
  countAllRecords,
  countRecords,
  homeContactRecord,
  login,
  newCaseNumber,
  pushBody,
  seedDemo,
  seedOtherMunicipality,
  signInOnTablet,
} from '../../helpers/test-app';

/** The same number with another check symbol (0 and 1 are both check symbols): well-formed, but the check does not fit. */
function withWrongCheck(caseNumber: string): string {
  const last = caseNumber.slice(-1);
  const other = last === '0' ? '1' : '0';
  return caseNumber.slice(0, -1) + other;
}

/** A record's content as stored: sealed under the server key (services/content-seal.ts), opened here. */
const STORED_COLUMNS = 'id::text AS id, revision, municipality_id, content, sealed_content, seal_key_id';
interface StoredRow {
  id: string;
  revision: number;
  municipality_id: string;
  content: unknown;
  sealed_content: string | null;
  seal_key_id: string | null;
}
function storedContent(row: StoredRow): Record<string, unknown> {
  return openRecordContent({ ...row, municipalityId: row.municipality_id }) as Record<string, unknown>;
}

describeEachDatabase('consent in sync', ({ db }) => {
  let app: FastifyInstance;
  let token: string;
  /** The tablet the fieldworker's session is signed in on: push only from there. */
  let deviceId: string;

  const pushAs = async (sessionToken: string, device: string, records: readonly unknown[]) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: bearer(sessionToken),
      payload: pushBody(device, records),
    });
    return { status: response.statusCode, body: pushResponseSchema.parse(response.json()), raw: response.body };
  };
  const push = (records: readonly unknown[]) => pushAs(token, deviceId, records);
  const outcomes = (results: readonly PushResult[]) => results.map((r) => [r.status, r.reason ?? r.outcome]);
  const caseRows = (caseNumber: string) =>
    db().query<{ id: string; revision: number; kind: string }>(
      'SELECT id::text AS id, revision, kind FROM records WHERE case_number = $1 ORDER BY received_seq',
      [caseNumber],
    );
  const withdrawals = (sessionToken: string, query = '') =>
    app.inject({ method: 'GET', url: `/api/sync/withdrawals${query}`, headers: bearer(sessionToken) });

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    const session = await signInOnTablet(app, db());
    token = session.token;
    deviceId = session.deviceId;
  });
  afterAll(async () => {
    await app.close();
  });

  describe('consent records', () => {
    it('accepts a consent quoting the shipped text in every one of the nine family languages', async () => {
      expect(FAMILY_LANGUAGES).toHaveLength(9);
      const records = await Promise.all(
        FAMILY_LANGUAGES.map(async (language) => consentRecord(deviceId, newCaseNumber(), { content: await consentContent(language) })),
      );
      const { status, body } = await push(records);
      expect(status).toBe(200);
      expect(outcomes(body.results)).toEqual(FAMILY_LANGUAGES.map(() => [200, 'accepted']));
      const rows = await db().query<StoredRow & { case_number: string; kind: string }>(
        `SELECT case_number, kind, ${STORED_COLUMNS} FROM records
          WHERE id::text IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY received_seq`,
        [JSON.stringify(records.map((r) => r.id))],
      );
      expect(rows.map((row) => ({ case_number: row.case_number, kind: row.kind, language: storedContent(row)['language'] }))).toEqual(
        records.map((r) => ({ case_number: r.caseNumber, kind: 'consent', language: r.content.language })),
      );
    });

    it('keeps the district stated at consent, and refuses one the municipality does not have', async () => {
      const stated = await consentRecord(deviceId, newCaseNumber(), { content: await consentContent('de', { district: 'nord' }) });
      const unknown = await consentRecord(deviceId, newCaseNumber(), { content: await consentContent('de', { district: 'atlantis' }) });
      const { body } = await push([stated, unknown]);
      expect(outcomes(body.results)).toEqual([
        [200, 'accepted'],
        [422, 'invalidRecord'],
      ]);
      const rows = await db().query<{ district: string }>(`SELECT content->>'district' AS district FROM records WHERE id::text = $1`, [
        stated.id,
      ]);
      expect(rows).toEqual([{ district: 'nord' }]);
      expect(await countRecords(db(), [unknown.id])).toBe(0);
    });

    it('accepts a consent with a municipality prefix on the case number', async () => {
      const { status } = await push([await consentRecord(deviceId, newCaseNumber('MS'))]);
      expect(status).toBe(200);
    });

    it('refuses texts that were never shipped, empty scopes, unknown languages and wrong check symbols; writes nothing', async () => {
      const caseNumber = newCaseNumber();
      const wrongHash = await consentRecord(deviceId, caseNumber, {
        // A shipped hash, but of another language's text.
        content: await consentContent('de', { textHash: (await consentContent('en')).textHash }),
      });
      const madeUpHash = await consentRecord(deviceId, caseNumber, {
        content: await consentContent('ar', { textHash: 'f'.repeat(64) }),
      });
      const unknownVersion = await consentRecord(deviceId, caseNumber, {
        content: await consentContent('tr', { textVersion: '1999-01' }),
      });
      const emptyScopes = await consentRecord(deviceId, caseNumber, {
        content: await consentContent('de', { scopes: [] }),
      });
      const unknownLanguage = await consentRecord(deviceId, caseNumber, {
        content: { ...(await consentContent('de')), language: 'xx' as 'de' },
      });
      const wrongCheck = await consentRecord(deviceId, withWrongCheck(caseNumber));
      const notCanonical = await consentRecord(deviceId, caseNumber.toLowerCase());
      const contactWrongCheck = await homeContactRecord(deviceId, { caseNumber: withWrongCheck(caseNumber) });
      const all = [wrongHash, madeUpHash, unknownVersion, emptyScopes, unknownLanguage, wrongCheck, notCanonical, contactWrongCheck];

      const before = await countAllRecords(db());
      const { status, body } = await push(all);
      expect(status).toBe(422);
      expect(body.results.map((r) => [r.id, r.status, r.reason])).toEqual(all.map((r) => [r.id, 422, 'invalidRecord']));
      const issues = body.results.map((r) => r.issues);
      const textIssue = [{ path: 'content.textHash', message: 'unknownConsentText' }];
      expect(issues[0]).toEqual(textIssue);
      expect(issues[1]).toEqual(textIssue);
      expect(issues[2]).toEqual(textIssue);
      expect(issues[3]).toEqual([{ path: 'content.scopes', message: 'scopesRequired' }]);
      expect(issues[4]).toEqual([{ path: 'content.language', message: 'unknownLanguage' }]);
      expect(issues[5]).toEqual([{ path: 'caseNumber', message: 'invalidCaseNumber' }]);
      expect(issues[6]).toEqual([{ path: 'caseNumber', message: 'invalidCaseNumber' }]);
      expect(issues[7]).toEqual([{ path: 'caseNumber', message: 'invalidCaseNumber' }]);
      expect(await countAllRecords(db())).toBe(before);
      expect(
        await countRecords(
          db(),
          all.map((r) => r.id),
        ),
      ).toBe(0);
    });
  });

  describe('records naming a case', () => {
    it('refuses a HOME contact naming a case without consent (422 consentMissing), nothing written', async () => {
      const contact = await homeContactRecord(deviceId, { caseNumber: newCaseNumber() });
      const { status, body } = await push([contact]);
      expect(status).toBe(422);
      expect(body.results[0]).toMatchObject({ id: contact.id, outcome: 'rejected', status: 422, reason: 'consentMissing' });
      expect(body.results[0]?.message).toEqual(expect.any(String));
      expect(await countRecords(db(), [contact.id])).toBe(0);
      const audit = await db().query('SELECT 1 FROM audit_log WHERE object_id = $1', [contact.id]);
      expect(audit).toHaveLength(0);
    });

    it('accepts consent and contact in one batch when the consent comes first', async () => {
      const caseNumber = newCaseNumber();
      const consent = await consentRecord(deviceId, caseNumber);
      const contact = await homeContactRecord(deviceId, { caseNumber });
      const { status, body } = await push([consent, contact]);
      expect(status).toBe(200);
      expect(outcomes(body.results)).toEqual([
        [200, 'accepted'],
        [200, 'accepted'],
      ]);
      expect((await caseRows(caseNumber)).map((r) => r.kind)).toEqual(['consent', 'homeContact']);
    });

    it('judges records in batch order: a contact before its consent is refused, the consent accepted', async () => {
      const caseNumber = newCaseNumber();
      const contact = await homeContactRecord(deviceId, { caseNumber });
      const consent = await consentRecord(deviceId, caseNumber);
      const { status, body } = await push([contact, consent]);
      expect(status).toBe(200);
      expect(outcomes(body.results)).toEqual([
        [422, 'consentMissing'],
        [200, 'accepted'],
      ]);
      expect((await caseRows(caseNumber)).map((r) => r.kind)).toEqual(['consent']);
      // Pushed again once the consent is stored, the same contact is accepted.
      expect(outcomes((await push([contact])).body.results)).toEqual([[200, 'accepted']]);
    });

    it('accepts a contact under a consent stored by an earlier push', async () => {
      const caseNumber = newCaseNumber();
      expect((await push([await consentRecord(deviceId, caseNumber)])).status).toBe(200);
      const { status } = await push([await homeContactRecord(deviceId, { caseNumber })]);
      expect(status).toBe(200);
    });

    it('refuses a contact when the consent lacks the documentation scope', async () => {
      const caseNumber = newCaseNumber();
      const consent = await consentRecord(deviceId, caseNumber, {
        content: await consentContent('fa', { scopes: ['referral', 'statistics'] }),
      });
      const contact = await homeContactRecord(deviceId, { caseNumber });
      const { body } = await push([consent, contact]);
      expect(outcomes(body.results)).toEqual([
        [200, 'accepted'],
        [422, 'consentMissing'],
      ]);
      expect(await countRecords(db(), [contact.id])).toBe(0);
    });

    it('goes by the latest consent revision, stored or in the same batch', async () => {
      const caseNumber = newCaseNumber();
      const first = await consentRecord(deviceId, caseNumber);
      expect((await push([first])).status).toBe(200);
      // Revision 2 drops documentation: from then on contacts are refused.
      const narrowed = await consentRecord(deviceId, caseNumber, {
        id: first.id,
        revision: 2,
        content: await consentContent('de', { scopes: ['statistics'] }),
      });
      const refused = await homeContactRecord(deviceId, { caseNumber });
      expect(outcomes((await push([narrowed, refused])).body.results)).toEqual([
        [200, 'accepted'],
        [422, 'consentMissing'],
      ]);
      expect(outcomes((await push([await homeContactRecord(deviceId, { caseNumber })])).body.results)).toEqual([[422, 'consentMissing']]);
      // Revision 3 grants it again, in the same batch as the contact.
      const widened = await consentRecord(deviceId, caseNumber, { id: first.id, revision: 3 });
      const accepted = await homeContactRecord(deviceId, { caseNumber });
      expect(outcomes((await push([widened, accepted])).body.results)).toEqual([
        [200, 'accepted'],
        [200, 'accepted'],
      ]);
    });

    it('does not let a consent of another municipality cover a case', async () => {
      const other = await seedOtherMunicipality(db());
      const { token: otherToken, deviceId: otherDevice } = await signInOnTablet(app, db(), other);
      const caseNumber = newCaseNumber();
      expect((await pushAs(otherToken, otherDevice, [await consentRecord(otherDevice, caseNumber)])).status).toBe(200);
      const { body } = await push([await homeContactRecord(deviceId, { caseNumber })]);
      expect(outcomes(body.results)).toEqual([[422, 'consentMissing']]);
    });

    it('keeps anonymous HOME contacts (no case number) free of consent checks', async () => {
      const { status } = await push([await homeContactRecord(deviceId)]);
      expect(status).toBe(200);
    });
  });

  describe('refusals', () => {
    it('stores a refusal as an anonymous count and refuses one naming a case', async () => {
      const refusal = await consentRefusalRecord(deviceId);
      const named = { ...(await consentRefusalRecord(deviceId)), caseNumber: newCaseNumber() };
      const { status, body } = await push([refusal, named]);
      expect(status).toBe(200);
      expect(outcomes(body.results)).toEqual([
        [200, 'accepted'],
        [422, 'invalidRecord'],
      ]);
      expect(body.results[1]?.issues?.map((i) => i.path)).toEqual(['caseNumber']);
      const rows = await db().query('SELECT kind, case_number, content FROM records WHERE id = $1', [refusal.id]);
      expect(rows).toEqual([{ kind: 'consentRefusal', case_number: null, content: refusal.content }]);
      expect(await countRecords(db(), [named.id])).toBe(0);
    });
  });

  describe('withdrawal', () => {
    it('deletes every row of the case, leaves a content-free tombstone and refuses the case from then on', async () => {
      const caseNumber = newCaseNumber();
      const untouched = newCaseNumber();
      const consent = await consentRecord(deviceId, caseNumber);
      const consentRevision = await consentRecord(deviceId, caseNumber, {
        id: consent.id,
        revision: 2,
        content: await consentContent('uk', { scopes: ['documentation', 'referral'] }),
      });
      const contacts = [await homeContactRecord(deviceId, { caseNumber }), await homeContactRecord(deviceId, { caseNumber })];
      const otherCase = [await consentRecord(deviceId, untouched), await homeContactRecord(deviceId, { caseNumber: untouched })];
      expect((await push([consent, consentRevision, ...contacts, ...otherCase])).status).toBe(200);
      expect(await caseRows(caseNumber)).toHaveLength(4);
      const untouchedBefore = await db().query('SELECT * FROM records WHERE case_number = $1 ORDER BY id, revision', [untouched]);

      const withdrawal = await consentWithdrawalRecord(deviceId, caseNumber);
      const first = await push([withdrawal]);
      expect(first.status).toBe(200);
      expect(first.body.results).toEqual([
        { id: withdrawal.id, revision: 1, outcome: 'accepted', status: 200, receivedAt: expect.any(String) as string },
      ]);

      // Only the withdrawal record is left of the case; it holds withdrawnAt and nothing else.
      expect(await caseRows(caseNumber)).toEqual([{ id: withdrawal.id, revision: 1, kind: 'consentWithdrawal' }]);
      const [stored] = await db().query<StoredRow>(`SELECT ${STORED_COLUMNS} FROM records WHERE id = $1`, [withdrawal.id]);
      expect(stored && storedContent(stored)).toEqual({ withdrawnAt: withdrawal.content.withdrawnAt });
      expect(await countRecords(db(), [consent.id, ...contacts.map((c) => c.id)])).toBe(0);
      expect(await db().query('SELECT * FROM records WHERE case_number = $1 ORDER BY id, revision', [untouched])).toEqual(untouchedBefore);

      const tombstones = await db().query('SELECT * FROM case_tombstones WHERE case_number = $1', [caseNumber]);
      expect(tombstones).toHaveLength(1);
      expect(Object.keys(tombstones[0] ?? {}).sort()).toEqual(['case_number', 'municipality_id', 'withdrawal_record_id', 'withdrawn_at']);
      expect(tombstones[0]).toMatchObject({ municipality_id: 'demo-stadt', case_number: caseNumber, withdrawal_record_id: withdrawal.id });
      const audit = await db().query<{ action: string; object_id: string }>(
        `SELECT action, object_id FROM audit_log WHERE action = 'case.withdrawn' AND object_id = $1`,
        [withdrawal.id],
      );
      expect(audit).toEqual([{ action: 'case.withdrawn', object_id: withdrawal.id }]);

      // The identical push again: the same answer, one tombstone, one audit entry.
      const again = await push([withdrawal]);
      expect(again.status).toBe(200);
      expect(again.body.results).toEqual(first.body.results);
      expect(await db().query('SELECT 1 FROM case_tombstones WHERE case_number = $1', [caseNumber])).toHaveLength(1);
      expect(await db().query(`SELECT 1 FROM audit_log WHERE action = 'case.withdrawn' AND object_id = $1`, [withdrawal.id])).toHaveLength(
        1,
      );

      // Anything later for the case: 409 caseWithdrawn, nothing written.
      const later = [
        await homeContactRecord(deviceId, { caseNumber }),
        await consentRecord(deviceId, caseNumber),
        await consentWithdrawalRecord(deviceId, caseNumber),
      ];
      const refused = await push(later);
      expect(refused.status).toBe(409);
      expect(outcomes(refused.body.results)).toEqual(later.map(() => [409, 'caseWithdrawn']));
      expect(await caseRows(caseNumber)).toHaveLength(1);
      // Other cases carry on.
      expect((await push([await homeContactRecord(deviceId, { caseNumber: untouched })])).status).toBe(200);
    });

    it('applies a withdrawal within a batch: earlier records are accepted, then deleted; later ones refused', async () => {
      const caseNumber = newCaseNumber();
      const consent = await consentRecord(deviceId, caseNumber);
      const contact = await homeContactRecord(deviceId, { caseNumber });
      const withdrawal = await consentWithdrawalRecord(deviceId, caseNumber);
      const after = await homeContactRecord(deviceId, { caseNumber });
      const { status, body } = await push([consent, contact, withdrawal, after]);
      expect(status).toBe(200);
      expect(outcomes(body.results)).toEqual([
        [200, 'accepted'],
        [200, 'accepted'],
        [200, 'accepted'],
        [409, 'caseWithdrawn'],
      ]);
      expect(await caseRows(caseNumber)).toEqual([{ id: withdrawal.id, revision: 1, kind: 'consentWithdrawal' }]);
      expect(await db().query('SELECT 1 FROM case_tombstones WHERE case_number = $1', [caseNumber])).toHaveLength(1);
    });

    it('accepts a withdrawal of a case the server has no consent for yet (the tablet may hold it)', async () => {
      const caseNumber = newCaseNumber();
      expect((await push([await consentWithdrawalRecord(deviceId, caseNumber)])).status).toBe(200);
      const { body } = await push([await consentRecord(deviceId, caseNumber)]);
      expect(outcomes(body.results)).toEqual([[409, 'caseWithdrawn']]);
    });

    it('withdraws a case in its own municipality only', async () => {
      const other = await seedOtherMunicipality(db());
      const { token: otherToken, deviceId: otherDevice } = await signInOnTablet(app, db(), other);
      const caseNumber = newCaseNumber();
      const theirs = [await consentRecord(otherDevice, caseNumber), await homeContactRecord(otherDevice, { caseNumber })];
      expect((await pushAs(otherToken, otherDevice, theirs)).status).toBe(200);
      expect((await push([await consentWithdrawalRecord(deviceId, caseNumber)])).status).toBe(200);
      expect(
        await countRecords(
          db(),
          theirs.map((r) => r.id),
        ),
      ).toBe(2);
      expect((await pushAs(otherToken, otherDevice, [await homeContactRecord(otherDevice, { caseNumber })])).status).toBe(200);

      // Nor does another municipality's tombstone show here: no consent is missing, not caseWithdrawn.
      const theirWithdrawn = newCaseNumber();
      expect((await pushAs(otherToken, otherDevice, [await consentWithdrawalRecord(otherDevice, theirWithdrawn)])).status).toBe(200);
      const contact = await push([await homeContactRecord(deviceId, { caseNumber: theirWithdrawn })]);
      expect(outcomes(contact.body.results)).toEqual([[422, 'consentMissing']]);
      expect((await push([await consentRecord(deviceId, theirWithdrawn)])).status).toBe(200);
    });
  });

  describe('GET /api/sync/withdrawals', () => {
    it('lists the municipality’s withdrawals oldest first, respects since, and never shows another municipality’s', async () => {
      const other = await seedOtherMunicipality(db());
      const { token: otherToken, deviceId: otherDevice } = await signInOnTablet(app, db(), other);
      const otherCase = newCaseNumber();
      expect((await pushAs(otherToken, otherDevice, [await consentWithdrawalRecord(otherDevice, otherCase)])).status).toBe(200);

      const start = new Date().toISOString();
      const firstCase = newCaseNumber();
      const secondCase = newCaseNumber();
      expect((await push([await consentWithdrawalRecord(deviceId, firstCase)])).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await push([await consentWithdrawalRecord(deviceId, secondCase)])).status).toBe(200);

      const all = await withdrawals(token);
      expect(all.statusCode).toBe(200);
      const list = withdrawalsResponseSchema.parse(all.json()).withdrawals;
      const numbers = list.map((w) => w.caseNumber);
      expect(numbers).toContain(firstCase);
      expect(numbers).toContain(secondCase);
      expect(numbers.indexOf(firstCase)).toBeLessThan(numbers.indexOf(secondCase));
      expect(numbers).not.toContain(otherCase);
      expect(all.body).not.toContain(other.municipalityId);
      const times = list.map((w) => Date.parse(w.withdrawnAt));
      expect([...times].sort((a, b) => a - b)).toEqual(times);

      const since = await withdrawals(token, `?since=${encodeURIComponent(start)}`);
      expect(since.statusCode).toBe(200);
      expect(withdrawalsResponseSchema.parse(since.json()).withdrawals.map((w) => w.caseNumber)).toEqual([firstCase, secondCase]);

      const firstAt = list.find((w) => w.caseNumber === firstCase)?.withdrawnAt ?? '';
      const afterFirst = await withdrawals(token, `?since=${encodeURIComponent(firstAt)}`);
      const afterNumbers = withdrawalsResponseSchema.parse(afterFirst.json()).withdrawals.map((w) => w.caseNumber);
      expect(afterNumbers).toContain(secondCase);
      expect(afterNumbers).not.toContain(otherCase);
      // With an offset, too (`+` must be percent-encoded in a query string).
      const withOffset = await withdrawals(token, `?since=${encodeURIComponent('2000-01-01T01:00:00+01:00')}`);
      expect(withOffset.statusCode).toBe(200);

      const future = await withdrawals(token, `?since=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
      expect(withdrawalsResponseSchema.parse(future.json()).withdrawals).toEqual([]);

      // The other municipality sees its own withdrawal and none of Demo-Stadt's.
      const theirs = withdrawalsResponseSchema.parse((await withdrawals(otherToken)).json()).withdrawals;
      expect(theirs.map((w) => w.caseNumber)).toEqual([otherCase]);
    });

    it('answers 400 invalidRequest for a bad since, 401 without a session, 403 for partner or admin', async () => {
      for (const query of ['?since=yesterday', '?since=2026-13-01T00:00:00Z', '?since=', '?until=2026-01-01T00:00:00Z']) {
        const response = await withdrawals(token, query);
        expect(response.statusCode, query).toBe(400);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('invalidRequest');
        expect(response.body).not.toContain('yesterday');
      }
      const anonymous = await app.inject({ method: 'GET', url: '/api/sync/withdrawals' });
      expect(anonymous.statusCode).toBe(401);
      // A fieldworker signed in without a tablet (a plain browser): 403, no case numbers.
      const unbound = await withdrawals((await login(app)).token);
      expect(unbound.statusCode).toBe(403);
      expect(errorEnvelopeSchema.parse(unbound.json()).error.reason).toBe('forbidden');

      const suffix = uuidv7().slice(-8);
      const cases: { roles: Role[]; status: number }[] = [
        { roles: ['partner'], status: 403 },
        { roles: ['admin'], status: 403 },
        { roles: ['approver'], status: 200 },
        { roles: ['coordinator'], status: 200 },
      ];
      for (const [index, { roles, status }] of cases.entries()) {
        const username = `withdrawals.${index}.${suffix}`;
        const password = `withdrawals-${suffix}-pw`;
        await createStaffAccount(db(), {
          municipalityId: 'demo-stadt',
          organisationId: 'home-projekt-demo',
          username,
          displayName: 'Rollenprobe',
          password,
          roles,
        });
        // On a tablet of their own: the 403 is about the role (partner and admin get no binding there).
        const session = await signInOnTablet(app, db(), { username, password }, { unbound: status === 403 });
        const response = await withdrawals(session.token);
        expect(response.statusCode, roles.join()).toBe(status);
      }
    });

    it('is in the OpenAPI document', async () => {
      const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
        paths: Record<string, Record<string, unknown>>;
      }>();
      expect(Object.keys(document.paths['/api/sync/withdrawals'] ?? {})).toEqual(['get']);
    });
  });

  describe('concurrency', () => {
    it('never keeps a record of a case whose withdrawal is pushed at the same time', async () => {
      const caseNumber = newCaseNumber();
      expect((await push([await consentRecord(deviceId, caseNumber)])).status).toBe(200);
      const contacts = await Promise.all(Array.from({ length: 6 }, () => homeContactRecord(deviceId, { caseNumber })));
      const withdrawal = await consentWithdrawalRecord(deviceId, caseNumber);
      const responses = await Promise.all([
        ...contacts.slice(0, 3).map((c) => push([c])),
        push([withdrawal]),
        ...contacts.slice(3).map((c) => push([c])),
      ]);
      for (const response of responses) expect([200, 409]).toContain(response.status);
      expect(await caseRows(caseNumber)).toEqual([{ id: withdrawal.id, revision: 1, kind: 'consentWithdrawal' }]);
      const answered: PushResponse['results'] = responses.flatMap((r) => r.body.results);
      expect(answered.every((r) => r.status === 200 || r.reason === 'caseWithdrawn')).toBe(true);
    });
  });
});
