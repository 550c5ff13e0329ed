// The lost-tablet report (GET /api/devices/:deviceId/exposure): which case numbers could be on a
// tablet and why, from what the server knows; only for the office roles of its own municipality;
// the view is audited; another tablet's cases never appear.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tabletExposureSchema, type TabletExposure } from '@shared/lost-tablet';
import { uuidv7 } from '@shared/ids';
import { audit } from '@server/services/audit';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_APPROVER,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentRecord,
  homeContactRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  seedOtherMunicipality,
  signInOnTablet,
  type TabletSession,
} from '../../helpers/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;

describeEachDatabase('lost-tablet report', ({ db }) => {
  let app: FastifyInstance;
  let tablet: TabletSession;
  let approverTablet: TabletSession;
  let coordinatorToken: string;
  const consented = newCaseNumber();
  const awaiting = newCaseNumber();
  const old = newCaseNumber();
  const referred = newCaseNumber();
  const pulled = newCaseNumber();
  const elsewhere = newCaseNumber();

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    await app.ready();
    tablet = await signInOnTablet(app, db(), DEMO_FIELDWORKER, { label: 'Tablet Nord 3' });
    approverTablet = await signInOnTablet(app, db(), DEMO_APPROVER, { label: 'Tablet Prüfung' });
    coordinatorToken = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;

    const consent = await consentRecord(tablet.deviceId, consented);
    const consentAwaiting = await consentRecord(tablet.deviceId, awaiting);
    const contact = await homeContactRecord(tablet.deviceId, { caseNumber: awaiting });
    const consentOld = await consentRecord(tablet.deviceId, old);
    const oldContact = await homeContactRecord(tablet.deviceId, { caseNumber: old });
    const consentReferred = await consentRecord(tablet.deviceId, referred);
    const referredContact = await homeContactRecord(tablet.deviceId, { caseNumber: referred });
    const pushed = await pushAsTablet(app, tablet, [
      consent,
      consentAwaiting,
      contact,
      consentOld,
      oldContact,
      consentReferred,
      referredContact,
    ]);
    expect(pushed.statusCode, pushed.body).toBe(200);
    // As the server keeps them: one record still waits for its second check; the rest are old, their
    // content gone from the tablet; the consents are what the tablet keeps whatever their age.
    await db().query('UPDATE records SET needs_second_check = true WHERE id = $1', [contact.id]);
    const longAgo = new Date(Date.now() - 90 * DAY_MS);
    await db().query('UPDATE records SET received_at = $2 WHERE id = ANY($1::uuid[])', [
      [oldContact.id, referredContact.id, consentOld.id, consentReferred.id],
      longAgo,
    ]);
    await db().query(
      `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, created_by, created_at, state, state_changed_at)
       SELECT $1, 'demo-stadt', $2, o.id, o.type, $3, $4, $5, 'handedOver', $5 FROM offers o WHERE o.municipality_id = 'demo-stadt' LIMIT 1`,
      [uuidv7(), referred, referredContact.id, tablet.user.id, longAgo],
    );
    // Another tablet's case: never in this tablet's report, but in the approver's tablet's as shown for a check.
    const other = await signInOnTablet(app, db(), DEMO_FIELDWORKER, { label: 'Tablet Süd 1' });
    const otherConsent = await consentRecord(other.deviceId, elsewhere);
    const otherPulled = await consentRecord(other.deviceId, pulled);
    expect((await pushAsTablet(app, other, [otherConsent, otherPulled])).statusCode).toBe(200);
    // The queue read's entry as services/review-service.ts writes it (format asserted in reviews.integration.test.ts).
    await audit(db(), {
      municipalityId: 'demo-stadt',
      actorId: approverTablet.user.id,
      action: 'read.reviewQueue',
      objectId: `${otherPulled.id}#1@${approverTablet.deviceId}`,
    });
  });
  afterAll(async () => {
    await app.close();
  });

  const report = async (deviceId: string, token = coordinatorToken) =>
    app.inject({ method: 'GET', url: `/api/devices/${deviceId}/exposure`, headers: bearer(token) });

  it('lists the case numbers that could be on the tablet, each with why, and its last contact', async () => {
    const response = await report(tablet.deviceId);
    expect(response.statusCode, response.body).toBe(200);
    const body: TabletExposure = tabletExposureSchema.parse(response.json());
    expect(body.device).toMatchObject({ deviceId: tablet.deviceId, label: 'Tablet Nord 3', revokedAt: null });
    const reasons = Object.fromEntries(body.cases.map((c) => [c.caseNumber, c.reasons]));
    expect(reasons).toEqual({
      [consented]: ['consent', 'withinRetention'],
      [awaiting]: ['consent', 'awaitingCheck', 'withinRetention'],
      [old]: ['consent'],
      [referred]: ['consent', 'referral'],
    });
    expect(body.lastContactAt).not.toBeNull();
    expect(body.lastPushAt).not.toBeNull();
    expect(body.signedInStaff.map((s) => s.displayName)).toHaveLength(1);
    expect(body.windowDays).toBeGreaterThanOrEqual(14);

    const approverView = tabletExposureSchema.parse((await report(approverTablet.deviceId)).json());
    expect(approverView.cases).toEqual([{ caseNumber: pulled, reasons: ['pulledForCheck'], lastAt: expect.any(String) as string }]);
  });

  it('audits the view with the tablet, never a case number', async () => {
    await report(tablet.deviceId);
    const [entry] = await db().query<{ action: string; object_id: string }>(
      "SELECT action, object_id FROM audit_log WHERE action = 'read.tabletExposure' ORDER BY id DESC LIMIT 1",
    );
    expect(entry).toEqual({ action: 'read.tabletExposure', object_id: tablet.deviceId });
  });

  it('is for coordinators and admins of the tablet’s municipality only', async () => {
    expect((await report(tablet.deviceId, tablet.token)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/api/devices/${tablet.deviceId}/exposure` })).statusCode).toBe(401);
    expect((await report(uuidv7())).statusCode).toBe(404);
    expect((await report('not-a-uuid')).statusCode).toBe(400);
    const other = await seedOtherMunicipality(db());
    const foreigner = await signInOnTablet(app, db(), { username: other.username, password: other.password });
    const [coordinator] = await db().query<{ id: string }>(
      "UPDATE staff_accounts SET roles = ARRAY['fieldworker', 'coordinator'] WHERE username = $1 RETURNING id",
      [other.username],
    );
    expect(coordinator).toBeDefined();
    const foreignToken = (await login(app, other.username, other.password)).token;
    expect((await report(tablet.deviceId, foreignToken)).statusCode).toBe(404);
    expect((await report(foreigner.deviceId, foreignToken)).statusCode).toBe(200);
  });
});
