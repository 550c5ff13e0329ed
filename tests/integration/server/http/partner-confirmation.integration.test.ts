// Confirmation without an account, over HTTP: the coordinator issues an offer's
// partner key (shown once, kept hashed, rotatable); a partner confirms on the
// public page with slip code + partner key, once; wrong codes, wrong keys, used
// codes and codes of closed referrals are refused, audited and change nothing;
// a guessing run is throttled long before it could find a code; the reason
// rules hold for the public page, the partner view and the coordinator.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema, pushResponseSchema } from '@shared/protocol';
import { issuedPartnerKeySchema, partnerKeyStatusListSchema, partnerReferralSchema, publicConfirmationSchema } from '@shared/referral-api';
import { generateSlipCode } from '@domain/slip-code';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { referralId } from '@server/services/referral-projection';
import { DEFAULT_CONFIRMATION_LIMITS } from '@server/services/confirmation-limits';
import { PARTNER_OFFER, UNLINKED_OFFER, referralRecord, welcomeVisitRecord } from '../../../fixtures/referral-records';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
  testClock,
  setReferralSecondCheck,
} from '../../helpers/test-app';
import type { TabletSession } from '../../helpers/test-app';

const HOUR = 3_600_000;

describeEachDatabase('confirmation without an account', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();
  let tablet: TabletSession;
  const keys = new Map<string, string>();

  const coordinatorToken = async () => (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
  const issueKey = async (offerId: string) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/office/offers/${offerId}/partner-key`,
      headers: bearer(await coordinatorToken()),
    });
    expect(response.statusCode, response.body).toBe(200);
    const issued = issuedPartnerKeySchema.parse(response.json());
    keys.set(offerId, issued.partnerKey);
    return issued.partnerKey;
  };
  const key = (offerId: string): string => keys.get(offerId) ?? '';
  /** The public page's calls, from a given client address. */
  const lookup = (slipCode: string, partnerKey: string, address = '192.0.2.1') =>
    app.inject({ method: 'POST', url: '/api/public/confirmation/lookup', remoteAddress: address, payload: { slipCode, partnerKey } });
  const confirm = (slipCode: string, partnerKey: string, state: string, reason: string | null, address = '192.0.2.1') =>
    app.inject({
      method: 'POST',
      url: '/api/public/confirmation',
      remoteAddress: address,
      payload: { slipCode, partnerKey, state, reason },
    });
  /** A referral of a fresh case to `offerId`, with the slip code the tablet drew for it. */
  const referred = async (offerId: string = PARTNER_OFFER) => {
    const caseNumber = newCaseNumber();
    const slipCode = generateSlipCode();
    const consent = await consentRecord(tablet.deviceId, caseNumber, {
      content: await consentContent('de', { scopes: ['documentation', 'referral'] }),
    });
    const visit = await welcomeVisitRecord(tablet.deviceId, caseNumber);
    const referral = await referralRecord(
      tablet.deviceId,
      caseNumber,
      { sourceRecordId: visit.id, offerIds: [offerId] },
      { slipCodes: [{ offerId, code: slipCode }] },
    );
    const response = await pushAsTablet(app, tablet, [consent, visit, referral]);
    expect(pushResponseSchema.parse(response.json()).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    return { caseNumber, slipCode, id: referralId(referral.id, offerId) };
  };
  const stateOf = async (id: string) =>
    (
      await db().query<{ state: string; reason: string | null; used: boolean }>(
        'SELECT state, state_reason AS reason, slip_code_used_at IS NOT NULL AS used FROM referrals WHERE id = $1',
        [id],
      )
    )[0];
  const auditOf = async (objectId: string) =>
    (
      await db().query<{ action: string; actor: string | null }>(
        'SELECT action, actor_id AS actor FROM audit_log WHERE object_id = $1 ORDER BY id',
        [objectId],
      )
    ).map((row) => row.action);
  const issuesOf = (body: string) => errorEnvelopeSchema.parse(JSON.parse(body)).error.issues;

  beforeAll(async () => {
    await seedDemo(db());
    // After the referral's own second check (tested in referral-four-eyes.integration.test.ts).
    await setReferralSecondCheck(db(), false);
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    tablet = await signInOnTablet(app, db());
    await issueKey(PARTNER_OFFER);
    await issueKey(UNLINKED_OFFER);
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps only the hash of a partner key, shows it once, and rotating it retires the old one', async () => {
    const [row] = await db().query<{ hash: string; key_id: string }>(
      'SELECT partner_key_hash AS hash, partner_key_id AS key_id FROM offers WHERE id = $1',
      [PARTNER_OFFER],
    );
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key(PARTNER_OFFER).slice(5));
    const token = await coordinatorToken();
    const status = await app.inject({ method: 'GET', url: '/api/office/offers/partner-keys', headers: bearer(token) });
    expect(status.body).not.toContain(key(PARTNER_OFFER).slice(5));
    const listed = partnerKeyStatusListSchema.parse(status.json()).keys.find((k) => k.offerId === PARTNER_OFFER);
    expect(listed?.keyId).toBe(key(PARTNER_OFFER).slice(0, 4));
    // Only the coordinator issues keys.
    const partner = await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    expect(
      (await app.inject({ method: 'POST', url: `/api/office/offers/${PARTNER_OFFER}/partner-key`, headers: bearer(partner.token) }))
        .statusCode,
    ).toBe(403);

    const { slipCode } = await referred();
    const old = key(PARTNER_OFFER);
    expect((await lookup(slipCode, old, '192.0.2.10')).statusCode).toBe(200);
    await issueKey(PARTNER_OFFER);
    expect((await lookup(slipCode, old, '192.0.2.10')).statusCode).toBe(403);
    expect((await lookup(slipCode, key(PARTNER_OFFER), '192.0.2.10')).statusCode).toBe(200);
    // A retired key's id names no offer any more: counted by the throttle, not filed under any municipality.
    expect(await auditOf(PARTNER_OFFER)).toEqual(['offer.partnerKeyIssued', 'offer.partnerKeyIssued']);
  });

  it('confirms with the right slip code and partner key exactly once, showing only offer and date', async () => {
    const { caseNumber, slipCode, id } = await referred();
    const shown = await lookup(slipCode, key(PARTNER_OFFER), '192.0.2.20');
    expect(shown.statusCode, shown.body).toBe(200);
    expect(publicConfirmationSchema.parse(shown.json())).toEqual({
      offerName: expect.any(String) as string,
      referredOn: new Date(clock.now()).toISOString().slice(0, 10),
      state: 'handedOver',
      reason: null,
    });
    expect(shown.body).not.toContain(caseNumber);
    expect(shown.body).not.toContain(id);

    const done = await confirm(slipCode, key(PARTNER_OFFER), 'contacted', 'appointmentMade', '192.0.2.20');
    expect(done.statusCode, done.body).toBe(200);
    expect(publicConfirmationSchema.parse(done.json())).toMatchObject({ state: 'contacted', reason: 'appointmentMade' });
    expect(await stateOf(id)).toEqual({ state: 'contacted', reason: 'appointmentMade', used: true });
    const history = await db().query<{ state: string; reason: string | null; changed_by: string | null }>(
      'SELECT state, reason, changed_by FROM referral_state_changes WHERE referral_id = $1 ORDER BY id',
      [id],
    );
    expect(history.at(-1)).toEqual({ state: 'contacted', reason: 'appointmentMade', changed_by: null });

    // The same code again, for anything: refused, audited, nothing changed.
    const again = await confirm(slipCode, key(PARTNER_OFFER), 'started', null, '192.0.2.20');
    expect(again.statusCode).toBe(409);
    expect(issuesOf(again.body)).toEqual([{ path: 'slipCode', message: 'slipCodeUsed' }]);
    expect((await lookup(slipCode, key(PARTNER_OFFER), '192.0.2.20')).statusCode).toBe(409);
    expect(await stateOf(id)).toEqual({ state: 'contacted', reason: 'appointmentMade', used: true });
    expect(await auditOf(id)).toEqual([
      'referral.viewed',
      'referral.contacted',
      'referral.confirmedWithPartnerKey',
      'referral.confirmationRefused',
      'referral.confirmationRefused',
    ]);
  });

  it('refuses a wrong code, a wrong key and another offer’s key alike, audits each and changes nothing', async () => {
    const { slipCode, id } = await referred();
    const before = await stateOf(id);
    const address = '192.0.2.30';
    const wrongCode = await confirm(generateSlipCode(), key(PARTNER_OFFER), 'contacted', null, address);
    expect(wrongCode.statusCode).toBe(403);
    // Same key id, wrong secret.
    const rightId = key(PARTNER_OFFER).slice(0, 5);
    const wrongSecret = `${rightId}${key(PARTNER_OFFER).slice(5) === 'ZZZZ-ZZZZ-ZZZZ' ? 'YYYY-YYYY-YYYY' : 'ZZZZ-ZZZZ-ZZZZ'}`;
    const wrongKey = await confirm(slipCode, wrongSecret, 'contacted', null, address);
    expect(wrongKey.statusCode).toBe(403);
    // The key of another offer does not open this offer's slip code.
    const otherOffer = await confirm(slipCode, key(UNLINKED_OFFER), 'contacted', null, address);
    expect(otherOffer.statusCode).toBe(403);
    // The page does not say which of the two was wrong.
    expect(wrongCode.json()).toEqual(wrongKey.json());
    expect(await stateOf(id)).toEqual(before);
    expect(before).toEqual({ state: 'handedOver', reason: null, used: false });
    const audit = await db().query<{ action: string; object_id: string }>(
      "SELECT action, object_id FROM audit_log WHERE action LIKE 'security.confirmation.%' ORDER BY id DESC LIMIT 3",
    );
    expect(audit.map((a) => [a.action, a.object_id]).reverse()).toEqual([
      ['security.confirmation.wrongCode', PARTNER_OFFER],
      ['security.confirmation.wrongKey', PARTNER_OFFER],
      ['security.confirmation.wrongCode', UNLINKED_OFFER],
    ]);
    // A malformed code or key never reaches the service.
    expect((await lookup('ABCD', key(PARTNER_OFFER), address)).statusCode).toBe(400);
    // The right pair still works afterwards.
    expect((await confirm(slipCode, key(PARTNER_OFFER), 'started', null, address)).statusCode).toBe(200);
  });

  it('lets no code work once its referral reached a final state elsewhere', async () => {
    const { slipCode, id } = await referred();
    const partner = await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    const declined = await app.inject({
      method: 'POST',
      url: `/api/partner/referrals/${id}/state`,
      headers: bearer(partner.token),
      payload: { state: 'declined', reason: 'noCapacity' },
    });
    expect(declined.statusCode, declined.body).toBe(200);
    const closed = await lookup(slipCode, key(PARTNER_OFFER), '192.0.2.40');
    expect(closed.statusCode).toBe(409);
    expect(issuesOf(closed.body)).toEqual([{ path: 'slipCode', message: 'referralClosed' }]);
    expect((await confirm(slipCode, key(PARTNER_OFFER), 'contacted', null, '192.0.2.40')).statusCode).toBe(409);
    expect(await stateOf(id)).toEqual({ state: 'declined', reason: 'noCapacity', used: false });
    expect((await auditOf(id)).filter((a) => a === 'referral.confirmationRefused')).toHaveLength(2);
  });

  it('holds the reason rules on the public page, in the partner view and for the coordinator', async () => {
    const address = '192.0.2.50';
    const { slipCode, id } = await referred();
    // Declined needs a reason; a reason must fit its state. Refused with the rule, audited, code not used up.
    const missing = await confirm(slipCode, key(PARTNER_OFFER), 'declined', null, address);
    expect(missing.statusCode).toBe(400);
    expect(issuesOf(missing.body)).toEqual([{ path: 'reason', message: 'reasonRequired' }]);
    const unfit = await confirm(slipCode, key(PARTNER_OFFER), 'started', 'gotHelp', address);
    expect(unfit.statusCode).toBe(400);
    expect(issuesOf(unfit.body)).toEqual([{ path: 'reason', message: 'reasonNotForState' }]);
    expect(await stateOf(id)).toEqual({ state: 'handedOver', reason: null, used: false });
    expect((await auditOf(id)).filter((a) => a === 'referral.refusedReason')).toHaveLength(2);
    const noCapacity = await confirm(slipCode, key(PARTNER_OFFER), 'declined', 'noCapacity', address);
    expect(noCapacity.statusCode, noCapacity.body).toBe(200);
    expect(await stateOf(id)).toEqual({ state: 'declined', reason: 'noCapacity', used: true });

    // The partner with an account: the same rules.
    const second = await referred();
    const partner = await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    const mark = (state: string, reason?: string) =>
      app.inject({
        method: 'POST',
        url: `/api/partner/referrals/${second.id}/state`,
        headers: bearer(partner.token),
        payload: reason === undefined ? { state } : { state, reason },
      });
    const bare = await mark('declined');
    expect(bare.statusCode).toBe(400);
    expect(issuesOf(bare.body)).toEqual([{ path: 'reason', message: 'reasonRequired' }]);
    expect((await mark('contacted', 'notEligible')).statusCode).toBe(400);
    expect((await mark('declined', 'nonsense')).statusCode).toBe(400);
    expect(await stateOf(second.id)).toEqual({ state: 'handedOver', reason: null, used: false });
    const ok = await mark('contacted', 'appointmentMade');
    expect(ok.statusCode, ok.body).toBe(200);
    const shown = partnerReferralSchema.parse(ok.json());
    expect(shown.reason).toBe('appointmentMade');
    expect(shown.history.at(-1)).toMatchObject({ state: 'contacted', reason: 'appointmentMade' });
    expect((await auditOf(second.id)).filter((a) => a === 'referral.refusedReason')).toHaveLength(2);

    // The coordinator's follow-up: no response, with what the call found.
    const third = await referred();
    clock.advance(7 * 7 * 24 * HOUR);
    const token = await coordinatorToken();
    const coordinator = (reason: string) =>
      app.inject({
        method: 'POST',
        url: `/api/office/referrals/${third.id}/state`,
        headers: bearer(token),
        payload: { state: 'noResponse', reason },
      });
    expect((await coordinator('noCapacity')).statusCode).toBe(400);
    const marked = await coordinator('couldNotContact');
    expect(marked.statusCode, marked.body).toBe(200);
    expect(await stateOf(third.id)).toEqual({ state: 'noResponse', reason: 'couldNotContact', used: false });
    // A no-response referral is still open: the family may come late, the slip still works.
    expect((await lookup(third.slipCode, key(PARTNER_OFFER), address)).statusCode).toBe(200);
    tablet = await signInOnTablet(app, db());
  });

  it('stops a guessing run long before it could plausibly find a code', async () => {
    // Open slip codes for the offer the guesser holds the partner key of.
    const open = await Promise.all([referred(UNLINKED_OFFER), referred(UNLINKED_OFFER), referred(UNLINKED_OFFER)]);
    const limits = DEFAULT_CONFIRMATION_LIMITS;
    const partnerKey = key(UNLINKED_OFFER);
    // One address: after its limit every further attempt is refused without being checked — even the right code.
    let checked = 0;
    for (let i = 0; i < limits.address.maxFailures + 5; i += 1) {
      const response = await lookup(generateSlipCode(), partnerKey, '198.51.100.1');
      if (response.statusCode !== 429) checked += 1;
      else expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(checked).toBe(limits.address.maxFailures);
    expect((await lookup(open[0].slipCode, partnerKey, '198.51.100.1')).statusCode).toBe(429);

    // Many addresses: the key's own limit holds across all of them for the day.
    let spread = 0;
    for (let i = 0; i < limits.key.maxFailures + 10; i += 1) {
      const response = await lookup(generateSlipCode(), partnerKey, `203.0.113.${i + 1}`);
      if (response.statusCode !== 429) spread += 1;
    }
    expect(checked + spread).toBe(limits.key.maxFailures);
    // Expected hits of everything checked in a day: failures × open codes / 32^8 — here ≈ 5e-11.
    expect((limits.key.maxFailures * open.length) / 32 ** 8).toBeLessThan(1e-9);
    const throttled = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'security.confirmation.throttled' AND object_id = $1",
      [UNLINKED_OFFER],
    );
    expect(throttled[0]?.n).toBeGreaterThan(0);
    // Nothing was changed by the run; the right pair from a fresh address waits for the key's window too.
    for (const referral of open) expect(await stateOf(referral.id)).toEqual({ state: 'handedOver', reason: null, used: false });
    expect((await lookup(open[0].slipCode, partnerKey, '198.51.100.99')).statusCode).toBe(429);
    // A day later the partner confirms as usual.
    clock.advance(24 * HOUR + 1);
    expect((await lookup(open[0].slipCode, partnerKey, '198.51.100.99')).statusCode).toBe(200);
  });
});
