// Referrals end to end over HTTP: a referral record pushed from a tablet
// becomes referral rows; a partner sees only referrals to its own
// organisation's offers and nothing recorded about the family; the state
// machine is enforced; the coordinator's follow-up list and catalogue
// maintenance works (its file import: offer-file.integration.test.ts); a consent withdrawal removes
// the case's referrals and leaves the tombstone.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { offerCatalogResponseSchema } from '@shared/offers';
import { errorEnvelopeSchema, pushResponseSchema } from '@shared/protocol';
import {
  followUpListSchema,
  managedOfferListSchema,
  partnerReferralListSchema,
  partnerReferralSchema,
  tabletReferralStatesSchema,
} from '@shared/referral-api';
import type { ManagedOffer } from '@shared/referral-api';
import type { ReferralContent } from '@shared/records/referral';
import { PARTNER_OFFER, SECRET_VISIT_NOTE, UNLINKED_OFFER, referralRecord, welcomeVisitRecord } from '../../../fixtures/referral-records';
import { createStaffAccount } from '@server/services/staff-accounts';
import { DEMO_MUNICIPALITY_ID, DEMO_PARTNER_ACCOUNT, DEMO_PARTNER_ORGANISATION } from '@server/db/demo-seed';
import { referralId } from '@server/services/referral-projection';
import { describeEachDatabase } from '../../helpers/databases';
import {
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
  signInOnTablet,
  testClock,
  setReferralSecondCheck,
} from '../../helpers/test-app';
import type { TabletSession } from '../../helpers/test-app';

const WEEK = 7 * 86_400_000;
const SHARED_NOTE = 'Bitte nachmittags anrufen lassen';

describeEachDatabase('referrals', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();
  let tablet: TabletSession;
  let partnerToken: string;
  /** A second partner organisation with its own offer. */
  let otherPartnerToken: string;
  const otherOfferId = 'schuldnerberatung-demo';

  const signInPartner = async () => (await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password)).token;
  const coordinatorToken = async () => (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const lookup = async (token: string, caseNumber: string) => {
    const response = await call('POST', '/api/partner/referrals/lookup', token, { caseNumber });
    expect(response.statusCode, response.body).toBe(200);
    return { body: response.body, referrals: partnerReferralListSchema.parse(response.json()).referrals };
  };
  const mark = (token: string, id: string, state: string) => call('POST', `/api/partner/referrals/${id}/state`, token, { state });
  /** Signs in on the tablet again (the clock moves in the follow-up test; sessions expire). */
  const refreshTablet = async () => {
    const session = await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password, tablet.deviceId, tablet.device.deviceSecret);
    tablet = { ...tablet, ...session };
  };
  const push = async (records: readonly unknown[]) => {
    let response = await pushAsTablet(app, tablet, records);
    if (response.statusCode === 401) {
      await refreshTablet();
      response = await pushAsTablet(app, tablet, records);
    }
    return pushResponseSchema.parse(response.json()).results;
  };
  /** A consented case (with the referral scope) with a welcome visit and a referral to the given offers. */
  const referredCase = async (offerIds: string[] = [PARTNER_OFFER], extra: Partial<ReferralContent> = {}) => {
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(tablet.deviceId, caseNumber, {
      content: await consentContent('ar', { scopes: ['documentation', 'referral'] }),
    });
    const visit = await welcomeVisitRecord(tablet.deviceId, caseNumber);
    const referral = await referralRecord(tablet.deviceId, caseNumber, { sourceRecordId: visit.id, offerIds, ...extra });
    const results = await push([consent, visit, referral]);
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    return { caseNumber, referral, ids: offerIds.map((offerId) => referralId(referral.id, offerId)) };
  };

  beforeAll(async () => {
    await seedDemo(db());
    // After the referral's own second check (tested in referral-four-eyes.integration.test.ts).
    await setReferralSecondCheck(db(), false);
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    tablet = await signInOnTablet(app, db());
    partnerToken = await signInPartner();
    // A second partner organisation running the debt counselling offer.
    await db().query(
      "INSERT INTO organisations (id, municipality_id, name, kind) VALUES ('sozialberatung-demo', $1, 'Sozialberatung', 'partner')",
      [DEMO_MUNICIPALITY_ID],
    );
    await db().query("UPDATE offers SET partner_organisation_id = 'sozialberatung-demo' WHERE municipality_id = $1 AND id = $2", [
      DEMO_MUNICIPALITY_ID,
      otherOfferId,
    ]);
    await createStaffAccount(db(), {
      municipalityId: DEMO_MUNICIPALITY_ID,
      organisationId: 'sozialberatung-demo',
      username: 'partner.sozialberatung',
      displayName: 'Sozialberatung',
      password: 'sozialberatung-2026-pw',
      roles: ['partner'],
    });
    otherPartnerToken = (await login(app, 'partner.sozialberatung', 'sozialberatung-2026-pw')).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('turns a pushed referral record into one referral per offer, handed over, with its history', async () => {
    const { caseNumber, ids, referral } = await referredCase([PARTNER_OFFER, UNLINKED_OFFER]);
    const rows = await db().query<{ id: string; state: string; offer_type: string; created_by: string; language: string }>(
      'SELECT id::text AS id, state, offer_type, created_by, language FROM referrals WHERE case_number = $1 ORDER BY offer_id',
      [caseNumber],
    );
    expect(rows.map((r) => [r.id, r.state, r.offer_type, r.language])).toEqual([
      [ids[1], 'handedOver', 'erziehungsberatung', 'ar'],
      [ids[0], 'handedOver', 'familienhebamme', 'ar'],
    ]);
    // The source is kept only as a verified reference: the welcome visit of the same case.
    const sources = await db().query<{ source: string | null }>(
      'SELECT source_record_id::text AS source FROM referrals WHERE case_number = $1',
      [caseNumber],
    );
    expect(sources.map((row) => row.source)).toEqual([referral.content.sourceRecordId, referral.content.sourceRecordId]);
    const history = await db().query<{ state: string }>('SELECT state FROM referral_state_changes WHERE referral_id = $1 ORDER BY id', [
      ids[0],
    ]);
    expect(history.map((h) => h.state)).toEqual(['suggested', 'handedOver']);
    // A retry of the same push creates nothing twice.
    const again = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM referral_state_changes WHERE referral_id = $1', [ids[0]]);
    expect(again[0]?.n).toBe(2);
  });

  it('refuses a referral without the referral consent scope, or naming an offer not in the catalogue', async () => {
    const caseNumber = newCaseNumber();
    await push([await consentRecord(tablet.deviceId, caseNumber)]); // documentation + statistics only
    const [noScope] = await push([await referralRecord(tablet.deviceId, caseNumber)]);
    expect([noScope?.status, noScope?.reason]).toEqual([422, 'consentMissing']);
    const [unknownOffer] = await push([await referralRecord(tablet.deviceId, caseNumber, { offerIds: ['gibt-es-nicht'] })]);
    expect([unknownOffer?.status, unknownOffer?.reason, unknownOffer?.issues?.[0]?.message]).toEqual([
      422,
      'invalidRecord',
      'unknownOffer',
    ]);
    const rows = await db().query('SELECT 1 FROM referrals WHERE case_number = $1', [caseNumber]);
    expect(rows).toHaveLength(0);
  });

  it('refuses a welcome visit that recommends an offer not in the catalogue; a version-1 visit with offer types stays accepted', async () => {
    const caseNumber = newCaseNumber();
    await push([await consentRecord(tablet.deviceId, caseNumber)]);
    const unknown = await welcomeVisitRecord(
      tablet.deviceId,
      caseNumber,
      { offersRecommended: [PARTNER_OFFER, 'gibt-es-nicht'] },
      { schemaVersion: 2 },
    );
    const [refused] = await push([unknown]);
    expect([refused?.status, refused?.reason, refused?.issues?.[0]?.path, refused?.issues?.[0]?.message]).toEqual([
      422,
      'invalidRecord',
      'content.offersRecommended',
      'unknownOffer',
    ]);
    expect(await db().query('SELECT 1 FROM records WHERE id = $1', [unknown.id])).toHaveLength(0);
    const catalogued = await welcomeVisitRecord(tablet.deviceId, caseNumber, { offersRecommended: [PARTNER_OFFER] }, { schemaVersion: 2 });
    const typesOnly = await welcomeVisitRecord(tablet.deviceId, caseNumber, { offersRecommended: ['familienhebamme', 'kita-platz'] });
    expect((await push([catalogued, typesOnly])).map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
  });

  it('keeps no unverified source reference: another case’s record or an unknown id becomes NULL', async () => {
    const other = await referredCase();
    const caseNumber = newCaseNumber();
    await push([
      await consentRecord(tablet.deviceId, caseNumber, { content: await consentContent('de', { scopes: ['documentation', 'referral'] }) }),
    ]);
    const foreignSource = await referralRecord(tablet.deviceId, caseNumber, { sourceRecordId: other.referral.content.sourceRecordId });
    const unknownSource = await referralRecord(tablet.deviceId, caseNumber, { offerIds: [UNLINKED_OFFER] });
    expect((await push([foreignSource, unknownSource])).map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    const rows = await db().query<{ source: string | null }>(
      'SELECT source_record_id::text AS source FROM referrals WHERE case_number = $1',
      [caseNumber],
    );
    expect(rows.map((row) => row.source)).toEqual([null, null]);
  });

  it('shows a partner only referrals to its own offers, and nothing recorded about the family', async () => {
    const { caseNumber, ids } = await referredCase([PARTNER_OFFER, UNLINKED_OFFER, otherOfferId], { sharedNote: SHARED_NOTE });
    const own = await lookup(partnerToken, caseNumber);
    expect(own.referrals.map((r) => [r.id, r.offerId, r.state, r.language, r.sharedNote])).toEqual([
      [ids[0], PARTNER_OFFER, 'handedOver', 'ar', SHARED_NOTE],
    ]);
    expect(own.referrals[0]?.history.map((h) => h.state)).toEqual(['suggested', 'handedOver']);
    // Nothing from the records: no visit note, no record ids, no other offers.
    for (const forbidden of [SECRET_VISIT_NOTE, 'weekOfLife', 'sleep', 'sourceRecordId', UNLINKED_OFFER, otherOfferId, ids[1], ids[2]]) {
      expect(own.body).not.toContain(forbidden);
    }
    // The look-up is audited: who saw which referral (the referral id, never the case number).
    const viewed = await db().query<{ object_id: string }>(
      "SELECT object_id FROM audit_log WHERE action = 'referral.viewed' AND object_id IN ($1, $2, $3)",
      [ids[0], ids[1], ids[2]],
    );
    expect(viewed.map((row) => row.object_id)).toEqual([ids[0]]);
    const other = await lookup(otherPartnerToken, caseNumber);
    expect(other.referrals.map((r) => r.offerId)).toEqual([otherOfferId]);
    expect(other.body).not.toContain(PARTNER_OFFER);

    // Another partner's referral cannot be changed (404, like a missing one), and stays as it was.
    const foreign = await mark(partnerToken, ids[2] ?? '', 'contacted');
    expect(foreign.statusCode).toBe(404);
    const unlinked = await mark(partnerToken, ids[1] ?? '', 'contacted');
    expect(unlinked.statusCode).toBe(404);
    const [row] = await db().query<{ state: string }>('SELECT state FROM referrals WHERE id = $1', [ids[2]]);
    expect(row?.state).toBe('handedOver');
  });

  it('shows a partner a referral only once the record it came from counts (approved, or needing no second check)', async () => {
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(tablet.deviceId, caseNumber, {
      content: await consentContent('de', { scopes: ['documentation', 'referral'] }),
    });
    // A visit that recommends offers needs a second check (the default rule); it is not yet approved.
    await setReferralSecondCheck(db(), true);
    const visit = await welcomeVisitRecord(tablet.deviceId, caseNumber, { offersRecommended: ['familienhebamme'] });
    const referral = await referralRecord(tablet.deviceId, caseNumber, { sourceRecordId: visit.id });
    expect((await push([consent, visit, referral])).map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    await setReferralSecondCheck(db(), false);
    // The referral itself was approved (referral-four-eyes.integration.test.ts): here only its source is pending.
    await db().query('UPDATE records SET approved_at = now() WHERE id = $1', [referral.id]);
    const id = referralId(referral.id, PARTNER_OFFER);
    partnerToken = await signInPartner();
    expect((await lookup(partnerToken, caseNumber)).referrals).toEqual([]);
    expect((await mark(partnerToken, id, 'contacted')).statusCode).toBe(404);
    // Once the visit is approved (what POST /api/reviews sets), the partner sees the referral and can mark it.
    await db().query('UPDATE records SET approved_at = now() WHERE id = $1', [visit.id]);
    expect((await lookup(partnerToken, caseNumber)).referrals.map((r) => r.id)).toEqual([id]);
    expect((await mark(partnerToken, id, 'contacted')).statusCode).toBe(200);
  });

  it('withdraws an offer a later revision of the referral no longer names, unless the family was already seen there', async () => {
    const { caseNumber, referral, ids } = await referredCase([PARTNER_OFFER, otherOfferId]);
    expect((await mark(otherPartnerToken, ids[1] ?? '', 'contacted')).statusCode).toBe(200);
    const revised = await referralRecord(
      tablet.deviceId,
      caseNumber,
      { ...referral.content, offerIds: [UNLINKED_OFFER] },
      { id: referral.id, revision: 2 },
    );
    expect((await push([revised])).map((r) => r.outcome)).toEqual(['accepted']);
    const rows = await db().query<{ offer_id: string; state: string }>(
      'SELECT offer_id, state FROM referrals WHERE record_id = $1 ORDER BY offer_id',
      [referral.id],
    );
    // The handed-over referral is gone; the one the family took up stays; the newly named one is there.
    expect(rows.map((r) => [r.offer_id, r.state])).toEqual([
      [UNLINKED_OFFER, 'handedOver'],
      [otherOfferId, 'contacted'],
    ]);
    partnerToken = await signInPartner();
    expect((await lookup(partnerToken, caseNumber)).referrals).toEqual([]);
    // A revision 1 retried late (after revision 2) changes nothing: the withdrawn offer does not come back.
    const [late] = await push([referral]);
    expect(late?.outcome).toBe('accepted');
    const lateRevision = await referralRecord(
      tablet.deviceId,
      caseNumber,
      { ...referral.content, offerIds: [PARTNER_OFFER, UNLINKED_OFFER] },
      { id: referral.id, revision: 3 },
    );
    const newest = await referralRecord(
      tablet.deviceId,
      caseNumber,
      { ...referral.content, offerIds: [UNLINKED_OFFER] },
      { id: referral.id, revision: 4 },
    );
    expect((await push([newest])).map((r) => r.outcome)).toEqual(['accepted']);
    expect((await push([lateRevision])).map((r) => r.outcome)).toEqual(['accepted']);
    expect((await lookup(partnerToken, caseNumber)).referrals).toEqual([]);
    const audit = await db().query<{ object_id: string }>(
      "SELECT object_id FROM audit_log WHERE action = 'referral.withdrawnByRevision' AND object_id = $1",
      [ids[0]],
    );
    expect(audit).toHaveLength(1);
  });

  it('lets only partners look up referrals, and refuses an invalid case number', async () => {
    const { caseNumber } = await referredCase();
    for (const token of [await coordinatorToken(), (await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password)).token]) {
      const response = await call('POST', '/api/partner/referrals/lookup', token, { caseNumber });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain(caseNumber);
    }
    // A wrong check character (never the right one, whatever the case number ends with).
    const wrongCheck = `${caseNumber.slice(0, -1)}${caseNumber.endsWith('0') ? '1' : '0'}`;
    const invalid = await call('POST', '/api/partner/referrals/lookup', partnerToken, { caseNumber: wrongCheck });
    expect(invalid.statusCode).toBe(400);
    // A partner may not maintain the catalogue.
    expect((await call('GET', '/api/office/offers', partnerToken)).statusCode).toBe(403);
  });

  it('enforces the state machine over HTTP and audits every change', async () => {
    const { ids } = await referredCase();
    const id = ids[0] ?? '';
    const refused = await mark(partnerToken, id, 'completed');
    expect(refused.statusCode).toBe(409);
    expect(errorEnvelopeSchema.parse(refused.json()).error.issues).toEqual([{ path: 'state', message: 'notAllowedForRole' }]);
    expect((await mark(partnerToken, id, 'contacted')).statusCode).toBe(200);
    expect((await mark(partnerToken, id, 'contacted')).statusCode).toBe(409);
    expect((await mark(partnerToken, id, 'started')).statusCode).toBe(200);
    const done = await mark(partnerToken, id, 'completed');
    expect(done.statusCode).toBe(200);
    expect(partnerReferralSchema.parse(done.json()).history.map((h) => h.state)).toEqual([
      'suggested',
      'handedOver',
      'contacted',
      'started',
      'completed',
    ]);
    const final = await mark(partnerToken, id, 'declined');
    expect(final.statusCode).toBe(409);
    expect(errorEnvelopeSchema.parse(final.json()).error.issues).toEqual([{ path: 'state', message: 'finalState' }]);
    // A state a partner may never set is refused by the schema.
    expect((await mark(partnerToken, id, 'noResponse')).statusCode).toBe(400);
    const audit = await db().query<{ action: string }>(
      "SELECT action FROM audit_log WHERE object_id = $1 AND action <> 'referral.viewed' ORDER BY id",
      [id],
    );
    expect(audit.map((a) => a.action)).toEqual(['referral.contacted', 'referral.started', 'referral.completed']);
  });

  it('lists referrals without uptake after the configured weeks for follow-up, and lets the coordinator mark no response', async () => {
    const { ids } = await referredCase();
    const id = ids[0] ?? '';
    let token = await coordinatorToken();
    const early = await call('POST', `/api/office/referrals/${id}/state`, token, { state: 'noResponse' });
    expect(early.statusCode).toBe(409);
    expect(errorEnvelopeSchema.parse(early.json()).error.issues).toEqual([{ path: 'state', message: 'notOverdue' }]);
    const before = followUpListSchema.parse((await call('GET', '/api/office/referrals/follow-up', token)).json());
    expect(before.noResponseWeeks).toBe(6);
    expect(before.referrals.map((r) => r.id)).not.toContain(id);

    // Three weeks later, with the setting lowered to two weeks, the referral is due for follow-up.
    expect((await call('PUT', '/api/office/referral-settings', token, { noResponseWeeks: 0 })).statusCode).toBe(400);
    expect((await call('PUT', '/api/office/referral-settings', token, { noResponseWeeks: 2 })).statusCode).toBe(200);
    clock.advance(3 * WEEK);
    token = await coordinatorToken();
    const due = followUpListSchema.parse((await call('GET', '/api/office/referrals/follow-up', token)).json());
    expect(due.noResponseWeeks).toBe(2);
    expect(due.referrals.map((r) => r.id)).toContain(id);
    // Who saw the list is audited per referral shown (its id, never the case number).
    const reads = await db().query<{ object_id: string }>(
      "SELECT object_id FROM audit_log WHERE action = 'read.followUp' AND municipality_id = 'demo-stadt' ORDER BY id DESC LIMIT $1",
      [due.referrals.length],
    );
    expect(reads.map((r) => r.object_id).sort()).toEqual(due.referrals.map((r) => r.id).sort());
    expect(JSON.stringify(reads)).not.toContain(due.referrals[0]?.caseNumber);
    const marked = await call('POST', `/api/office/referrals/${id}/state`, token, { state: 'noResponse' });
    expect(marked.statusCode, marked.body).toBe(200);
    const after = followUpListSchema.parse((await call('GET', '/api/office/referrals/follow-up', token)).json());
    expect(after.referrals.map((r) => r.id)).not.toContain(id);
    // The family comes late after all: the partner may still confirm contact.
    partnerToken = await signInPartner();
    expect((await mark(partnerToken, id, 'contacted')).statusCode).toBe(200);
    expect((await call('PUT', '/api/office/referral-settings', token, { noResponseWeeks: 6 })).statusCode).toBe(200);
  });

  it('removes the case’s referrals when consent is withdrawn; the tombstone stays', async () => {
    const { caseNumber, ids } = await referredCase([PARTNER_OFFER, otherOfferId]);
    partnerToken = await signInPartner();
    expect((await lookup(partnerToken, caseNumber)).referrals).toHaveLength(1);
    const [withdrawal] = await push([await consentWithdrawalRecord(tablet.deviceId, caseNumber)]);
    expect(withdrawal?.outcome).toBe('accepted');
    expect(await db().query('SELECT 1 FROM referrals WHERE case_number = $1', [caseNumber])).toHaveLength(0);
    expect(
      await db().query('SELECT 1 FROM referral_state_changes WHERE referral_id IN ($1::uuid, $2::uuid)', [ids[0], ids[1]]),
    ).toHaveLength(0);
    expect((await lookup(partnerToken, caseNumber)).referrals).toEqual([]);
    expect((await mark(partnerToken, ids[0] ?? '', 'contacted')).statusCode).toBe(404);
    expect(await db().query('SELECT 1 FROM case_tombstones WHERE case_number = $1', [caseNumber])).toHaveLength(1);
  });

  it('lets the tablet pull the states of the referrals it made, and only those', async () => {
    const { ids } = await referredCase();
    partnerToken = await signInPartner();
    expect((await mark(partnerToken, ids[0] ?? '', 'contacted')).statusCode).toBe(200);
    await refreshTablet();
    const pulled = await call('GET', '/api/sync/referrals', tablet.token);
    expect(pulled.statusCode).toBe(200);
    const states = tabletReferralStatesSchema.parse(pulled.json()).referrals;
    expect(states.find((r) => r.id === ids[0])?.state).toBe('contacted');
    const otherTablet = await signInOnTablet(app, db());
    const none = tabletReferralStatesSchema.parse((await call('GET', '/api/sync/referrals', otherTablet.token)).json());
    expect(none.referrals.map((r) => r.id)).not.toContain(ids[0]);
    // Not for a browser session.
    expect((await call('GET', '/api/sync/referrals', await coordinatorToken())).statusCode).toBe(403);
  });

  it('maintains the catalogue: a new or changed offer reaches tablets at their next sync; a referred offer is kept', async () => {
    const token = await coordinatorToken();
    await refreshTablet();
    const catalog = async () => offerCatalogResponseSchema.parse((await call('GET', '/api/sync/offers', tablet.token)).json());
    const versionBefore = (await catalog()).version;
    const offer: ManagedOffer = {
      id: 'babyclub-nord',
      name: 'Babyclub Nord',
      organisation: DEMO_PARTNER_ORGANISATION.name,
      type: 'elterncafe',
      agePhases: ['baby'],
      fields: ['education'],
      districts: ['nord'],
      languages: ['de', 'tr'],
      cost: 'kostenlos',
      address: 'Nordstraße 1',
      phone: '0000 111',
      hours: 'Di 10–12',
      whatToBring: 'Fallnummer-Karte',
      partnerOrganisationId: DEMO_PARTNER_ORGANISATION.id,
    };
    expect((await call('POST', '/api/office/offers', token, { ...offer, partnerOrganisationId: 'gibt-es-nicht' })).statusCode).toBe(400);
    expect((await call('POST', '/api/office/offers', token, { ...offer, districts: ['mond'] })).statusCode).toBe(400);
    expect((await call('POST', '/api/office/offers', token, offer)).statusCode).toBe(201);
    expect((await call('POST', '/api/office/offers', token, offer)).statusCode).toBe(409);
    const afterCreate = await catalog();
    expect(afterCreate.version).not.toBe(versionBefore);
    expect(afterCreate.offers.find((o) => o.id === offer.id)?.hours).toBe('Di 10–12');
    const { id: _id, ...changes } = { ...offer, hours: 'Mi 9–11' };
    expect((await call('PUT', `/api/office/offers/${offer.id}`, token, changes)).statusCode).toBe(200);
    expect((await catalog()).offers.find((o) => o.id === offer.id)?.hours).toBe('Mi 9–11');
    expect((await call('PUT', '/api/office/offers/gibt-es-nicht', token, changes)).statusCode).toBe(404);
    // A stored row the shared schema no longer accepts does not break the list.
    await db().query(
      `INSERT INTO offers (municipality_id, id, name, organisation, type, age_phases, fields, languages)
       VALUES ($1, 'altes-angebot', 'Altes Angebot', 'Träger', 'abgeschafft', '{baby}', '{health}', '{de}')`,
      [DEMO_MUNICIPALITY_ID],
    );
    const listedResponse = await call('GET', '/api/office/offers', token);
    expect(listedResponse.statusCode).toBe(200);
    expect(listedResponse.body).not.toContain('altes-angebot');
    await db().query("DELETE FROM offers WHERE municipality_id = $1 AND id = 'altes-angebot'", [DEMO_MUNICIPALITY_ID]);
    const listed = managedOfferListSchema.parse((await call('GET', '/api/office/offers', token)).json());
    expect(listed.offers.find((o) => o.id === offer.id)?.partnerOrganisationId).toBe(DEMO_PARTNER_ORGANISATION.id);

    expect((await call('DELETE', `/api/office/offers/${PARTNER_OFFER}`, token)).statusCode).toBe(409);
    expect((await call('DELETE', `/api/office/offers/${offer.id}`, token)).statusCode).toBe(204);
    expect((await catalog()).offers.map((o) => o.id)).not.toContain(offer.id);
  });
});
