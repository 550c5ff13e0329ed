// A consent withdrawal erases a case at once only when made by the organisation that recorded the
// consent or by a coordinator (finding M5). A withdrawal of another organisation's case is stored
// (the family's statement is never refused) as a request: nothing is deleted until an approver or
// coordinator of the responsible organisation confirms it — then the case is gone everywhere.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushResponseSchema, withdrawalsResponseSchema } from '@shared/protocol';
import { partnerReferralListSchema } from '@shared/referral-api';
import { withdrawalConfirmedSchema, withdrawalRequestListSchema } from '@shared/withdrawal-api';
import type { SyncRecord } from '@shared/records/sync-record';
import { createStaffAccount } from '@server/services/staff-accounts';
import { DEMO_MUNICIPALITY_ID, DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_APPROVER,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  consentWithdrawalRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  setReferralSecondCheck,
  signInOnTablet,
  type Credentials,
  type TabletSession,
} from '../../helpers/test-app';
import { PARTNER_OFFER, referralRecord, welcomeVisitRecord } from '../../../fixtures/referral-records';

const KLINIK = 'klinik-test';
const KLINIK_FIELDWORKER: Credentials = { username: 'klinik.field', password: 'klinik-field-2026-pw' };
const KLINIK_APPROVER: Credentials = { username: 'klinik.approver', password: 'klinik-approve-2026-pw' };

describeEachDatabase('withdrawal requests', ({ db }) => {
  let app: FastifyInstance;
  let home: TabletSession;
  let klinik: TabletSession;

  const push = async (session: TabletSession, records: readonly SyncRecord[]) => {
    const response = await pushAsTablet(app, session, records);
    expect(response.statusCode, response.body).toBe(200);
    return pushResponseSchema.parse(response.json()).results.map((r) => r.outcome);
  };
  /** A case of `session`'s organisation: consent, welcome visit and a referral the partner sees. */
  const caseOf = async (session: TabletSession): Promise<string> => {
    const caseNumber = newCaseNumber();
    const visit = await welcomeVisitRecord(session.deviceId, caseNumber);
    expect(
      await push(session, [
        await consentRecord(session.deviceId, caseNumber, {
          content: await consentContent('de', { scopes: ['documentation', 'referral'] }),
        }),
        visit,
        await referralRecord(session.deviceId, caseNumber, { sourceRecordId: visit.id, offerIds: [PARTNER_OFFER] }),
      ]),
    ).toEqual(['accepted', 'accepted', 'accepted']);
    return caseNumber;
  };
  const rowsOf = async (caseNumber: string) => {
    const [records] = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM records WHERE case_number = $1 AND kind <> 'consentWithdrawal'",
      [caseNumber],
    );
    const [referrals] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM referrals WHERE case_number = $1', [caseNumber]);
    const [tombstones] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM case_tombstones WHERE case_number = $1', [
      caseNumber,
    ]);
    return { records: records?.n, referrals: referrals?.n, tombstones: tombstones?.n };
  };
  const partnerSees = async (caseNumber: string): Promise<number> => {
    const partner = await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    const response = await app.inject({
      method: 'POST',
      url: '/api/partner/referrals/lookup',
      headers: bearer(partner.token),
      payload: { caseNumber },
    });
    return partnerReferralListSchema.parse(response.json()).referrals.length;
  };
  const list = async (credentials: Credentials) => {
    const { token } = await login(app, credentials.username, credentials.password);
    const response = await app.inject({ method: 'GET', url: '/api/withdrawal-requests', headers: bearer(token) });
    return { status: response.statusCode, body: response.body };
  };
  const confirm = async (credentials: Credentials, withdrawalId: string) => {
    const { token } = await login(app, credentials.username, credentials.password);
    return app.inject({ method: 'POST', url: `/api/withdrawal-requests/${withdrawalId}/confirm`, headers: bearer(token) });
  };
  const auditOf = async (objectId: string): Promise<string[]> =>
    (await db().query<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id', [objectId])).map(
      (r) => r.action,
    );
  const pulledWithdrawals = async (session: TabletSession): Promise<string[]> => {
    const response = await app.inject({ method: 'GET', url: '/api/sync/withdrawals', headers: bearer(session.token) });
    return withdrawalsResponseSchema.parse(response.json()).withdrawals.map((w) => w.caseNumber);
  };

  beforeAll(async () => {
    await seedDemo(db());
    await setReferralSecondCheck(db(), false);
    app = buildTestApp(db(), { loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    await db().query("INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $2, 'Geburtsklinik (Test)', 'clinic')", [
      KLINIK,
      DEMO_MUNICIPALITY_ID,
    ]);
    for (const [account, roles] of [
      [KLINIK_FIELDWORKER, ['fieldworker']],
      [KLINIK_APPROVER, ['approver']],
    ] as const) {
      await createStaffAccount(db(), {
        municipalityId: DEMO_MUNICIPALITY_ID,
        organisationId: KLINIK,
        username: account.username,
        displayName: account.username,
        password: account.password,
        roles: [...roles],
      });
    }
    home = await signInOnTablet(app, db(), DEMO_FIELDWORKER);
    klinik = await signInOnTablet(app, db(), KLINIK_FIELDWORKER);
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps another organisation’s case whole while its withdrawal waits, and erases it everywhere once that organisation confirms', async () => {
    const caseNumber = await caseOf(home);
    const before = await rowsOf(caseNumber);
    expect(before).toEqual({ records: 3, referrals: 1, tombstones: 0 });

    // The clinic's fieldworker records the family's withdrawal: accepted (never refused), but nothing is deleted.
    const withdrawal = await consentWithdrawalRecord(klinik.deviceId, caseNumber);
    expect(await push(klinik, [withdrawal])).toEqual(['accepted']);
    expect(await rowsOf(caseNumber)).toEqual(before);
    expect(await partnerSees(caseNumber)).toBe(1);
    expect(await pulledWithdrawals(home)).not.toContain(caseNumber);
    expect(await auditOf(withdrawal.id)).toContain('case.withdrawalRequested');

    // Shown to the responsible organisation (and the municipality's coordinators), not to the clinic's approver.
    const shown = await list(DEMO_APPROVER);
    expect(shown.status).toBe(200);
    expect(withdrawalRequestListSchema.parse(JSON.parse(shown.body)).requests).toContainEqual(
      expect.objectContaining({ withdrawalId: withdrawal.id, caseNumber, requestingOrganisation: 'Geburtsklinik (Test)' }),
    );
    expect(JSON.parse((await list(DEMO_COORDINATOR)).body)).toMatchObject({ requests: [expect.objectContaining({ caseNumber })] });
    expect(withdrawalRequestListSchema.parse(JSON.parse((await list(KLINIK_APPROVER)).body)).requests).toEqual([]);
    expect((await list(DEMO_FIELDWORKER)).status).toBe(403);

    // The clinic cannot confirm its own request: 403 with the reason, audited, nothing changed.
    const refused = await confirm(KLINIK_APPROVER, withdrawal.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('notResponsibleOrganisation');
    expect(await rowsOf(caseNumber)).toEqual(before);
    expect(await auditOf(withdrawal.id)).toContain('case.withdrawalConfirmRefused');

    // The responsible organisation's approver confirms: gone on the server, for the partner, and pulled by tablets.
    const confirmed = await confirm(DEMO_APPROVER, withdrawal.id);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    withdrawalConfirmedSchema.parse(confirmed.json());
    expect(await rowsOf(caseNumber)).toEqual({ records: 0, referrals: 0, tombstones: 1 });
    expect(await partnerSees(caseNumber)).toBe(0);
    expect(await pulledWithdrawals(home)).toContain(caseNumber);
    expect(await auditOf(withdrawal.id)).toEqual(expect.arrayContaining(['case.withdrawalConfirmed', 'case.withdrawn']));
    expect(withdrawalRequestListSchema.parse(JSON.parse((await list(DEMO_APPROVER)).body)).requests).toEqual([]);
    // Confirmed once: a second confirmation finds nothing to confirm.
    expect((await confirm(DEMO_APPROVER, withdrawal.id)).statusCode).toBe(404);
  });

  it('takes effect at once when the organisation that recorded the consent withdraws', async () => {
    const caseNumber = await caseOf(klinik);
    expect(await push(klinik, [await consentWithdrawalRecord(klinik.deviceId, caseNumber)])).toEqual(['accepted']);
    expect(await rowsOf(caseNumber)).toEqual({ records: 0, referrals: 0, tombstones: 1 });
  });

  it('takes effect at once when a coordinator of the municipality withdraws another organisation’s case', async () => {
    const caseNumber = await caseOf(klinik);
    const coordinator = await signInOnTablet(app, db(), DEMO_COORDINATOR);
    const withdrawal = await consentWithdrawalRecord(coordinator.deviceId, caseNumber);
    expect(await push(coordinator, [withdrawal])).toEqual(['accepted']);
    expect(await rowsOf(caseNumber)).toEqual({ records: 0, referrals: 0, tombstones: 1 });
    expect(await auditOf(withdrawal.id)).toContain('case.withdrawn');
  });
});
