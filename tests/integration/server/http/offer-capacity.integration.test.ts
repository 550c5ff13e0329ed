// Free places of an offer, over HTTP (docs/REFERRALS.md, "Capacity"): the
// signed-in partner sets them only for its own organisation's offers; on the
// public page the offer's partner key alone is enough, a wrong key is refused,
// counted and throttled; bad input is refused with a reason and changes
// nothing; the tablet's catalogue carries the figure only when it asks for it.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@shared/protocol';
import { issuedPartnerKeySchema, managedOfferListSchema } from '@shared/referral-api';
import { offerCatalogResponseSchema } from '@shared/offers';
import { partnerOfferCapacityListSchema, publicCapacitySchema } from '@shared/offer-capacity';
import { generatePartnerKey } from '@domain/slip-code';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { DEFAULT_CONFIRMATION_LIMITS } from '@server/services/confirmation-limits';
import { PARTNER_OFFER, UNLINKED_OFFER } from '../../../fixtures/referral-records';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_COORDINATOR, bearer, buildTestApp, login, seedDemo, signInOnTablet, testClock } from '../../helpers/test-app';
import type { TabletSession } from '../../helpers/test-app';

const DAY = 24 * 3_600_000;

describeEachDatabase('free places of an offer', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock(Date.parse('2026-11-02T09:00:00Z'));
  let tablet: TabletSession;
  let unlinkedKey = '';

  const token = async (account: { username: string; password: string }) => (await login(app, account.username, account.password)).token;
  const partnerSets = async (offerId: string, capacity: unknown) =>
    app.inject({
      method: 'PUT',
      url: `/api/partner/offers/${offerId}/capacity`,
      headers: bearer(await token(DEMO_PARTNER_ACCOUNT)),
      payload: { capacity },
    });
  const publicSets = (partnerKey: string, capacity: unknown, address = '192.0.2.10') =>
    app.inject({ method: 'POST', url: '/api/public/capacity', remoteAddress: address, payload: { partnerKey, capacity } });
  const publicLookup = (partnerKey: string, address = '192.0.2.10') =>
    app.inject({ method: 'POST', url: '/api/public/capacity/lookup', remoteAddress: address, payload: { partnerKey } });
  const stored = async (offerId: string) =>
    (
      await db().query<{ status: string | null; places: number | null; set_by: string | null }>(
        'SELECT capacity_status AS status, capacity_places AS places, capacity_set_by AS set_by FROM offers WHERE id = $1',
        [offerId],
      )
    )[0];
  const actions = async (offerId: string) =>
    (await db().query<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id', [offerId])).map((r) => r.action);
  const catalog = async (query: string) => {
    const response = await app.inject({ method: 'GET', url: `/api/sync/offers${query}`, headers: bearer(tablet.token) });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    tablet = await signInOnTablet(app, db());
    const issued = await app.inject({
      method: 'POST',
      url: `/api/office/offers/${UNLINKED_OFFER}/partner-key`,
      headers: bearer(await token(DEMO_COORDINATOR)),
    });
    unlinkedKey = issuedPartnerKeySchema.parse(issued.json()).partnerKey;
  });
  afterAll(async () => {
    await app.close();
  });

  it('lets the signed-in partner set free places of its own offer, dated with server time', async () => {
    const response = await partnerSets(PARTNER_OFFER, { status: 'places', places: 3 });
    expect(response.statusCode, response.body).toBe(200);
    expect(publicCapacitySchema.parse(response.json()).capacity).toEqual({
      status: 'places',
      places: 3,
      setAt: '2026-11-02T09:00:00.000Z',
    });
    const list = partnerOfferCapacityListSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/partner/offers', headers: bearer(await token(DEMO_PARTNER_ACCOUNT)) })).json(),
    );
    expect(list.offers.find((o) => o.offerId === PARTNER_OFFER)?.capacity?.places).toBe(3);
    // Only the partner's own offers are listed.
    expect(list.offers.map((o) => o.offerId)).not.toContain(UNLINKED_OFFER);
    expect(await actions(PARTNER_OFFER)).toContain('offer.capacitySet');
  });

  it("refuses the partner another organisation's offer and a coordinator, and changes nothing", async () => {
    const other = await partnerSets(UNLINKED_OFFER, { status: 'full' });
    expect(other.statusCode).toBe(404);
    expect((await stored(UNLINKED_OFFER))?.status).toBeNull();
    const coordinator = await app.inject({
      method: 'PUT',
      url: `/api/partner/offers/${PARTNER_OFFER}/capacity`,
      headers: bearer(await token(DEMO_COORDINATOR)),
      payload: { capacity: { status: 'full' } },
    });
    expect(coordinator.statusCode).toBe(403);
    expect((await stored(PARTNER_OFFER))?.places).toBe(3);
  });

  it('refuses bad input with a reason and changes nothing', async () => {
    for (const capacity of [
      { status: 'places', places: -1 },
      { status: 'places', places: 1000 },
      { status: 'places', places: 2.5 },
      { status: 'places' },
      { status: 'almostFull' },
      { status: 'full', places: 4 },
    ]) {
      const response = await partnerSets(PARTNER_OFFER, capacity);
      expect(response.statusCode, JSON.stringify(capacity)).toBe(400);
      expect(errorEnvelopeSchema.parse(response.json()).error.issues?.length ?? 0).toBeGreaterThan(0);
    }
    expect(await stored(PARTNER_OFFER)).toMatchObject({ status: 'places', places: 3 });
  });

  it('sets free places on the public page with the partner key alone, audited without an actor', async () => {
    const before = publicCapacitySchema.parse((await publicLookup(unlinkedKey)).json());
    expect(before).toEqual({ offerName: expect.any(String) as string, capacity: null });
    clock.advance(DAY);
    const response = await publicSets(unlinkedKey, { status: 'waitingList' });
    expect(response.statusCode, response.body).toBe(200);
    expect(publicCapacitySchema.parse(response.json()).capacity).toEqual({ status: 'waitingList', setAt: '2026-11-03T09:00:00.000Z' });
    expect(await stored(UNLINKED_OFFER)).toEqual({ status: 'waitingList', places: null, set_by: null });
    expect(await actions(UNLINKED_OFFER)).toEqual(expect.arrayContaining(['offer.capacityViewed', 'offer.capacitySetWithPartnerKey']));

    // Bad input with the right key: 400 with the reason, audited, nothing changed.
    const bad = await publicSets(unlinkedKey, { status: 'full', places: 2 });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(errorEnvelopeSchema.parse(bad.json()).error.issues)).toContain('capacity');
    const negative = await publicSets(unlinkedKey, { status: 'places', places: -3 });
    expect(negative.statusCode).toBe(400);
    expect((await actions(UNLINKED_OFFER)).filter((a) => a === 'offer.capacityRefused')).toHaveLength(2);
    expect((await stored(UNLINKED_OFFER))?.status).toBe('waitingList');
  });

  it('refuses a wrong key, counts it and throttles a guessing run', async () => {
    const limits = DEFAULT_CONFIRMATION_LIMITS;
    // A wrong secret for a real key id: refused and audited against that offer.
    const wrongSecret = `${unlinkedKey.slice(0, 5)}${generatePartnerKey().slice(5)}`;
    const refused = await publicSets(wrongSecret, { status: 'full' }, '198.51.100.7');
    expect(refused.statusCode).toBe(403);
    expect(await actions(UNLINKED_OFFER)).toContain('security.confirmation.wrongKey');
    expect((await stored(UNLINKED_OFFER))?.status).toBe('waitingList');
    let checked = 1;
    for (let i = 0; i < limits.address.maxFailures + 3; i += 1) {
      const response = await publicSets(generatePartnerKey(), { status: 'full' }, '198.51.100.7');
      if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      else checked += 1;
    }
    expect(checked).toBe(limits.address.maxFailures);
    // Throttled before the key is checked: even the right key waits, and nothing changes.
    expect((await publicSets(unlinkedKey, { status: 'full' }, '198.51.100.7')).statusCode).toBe(429);
    expect((await stored(UNLINKED_OFFER))?.status).toBe('waitingList');
    expect(await actions(UNLINKED_OFFER)).toContain('security.confirmation.throttled');
  });

  it('carries free places in the catalogue to tablets that ask, not to older ones', async () => {
    tablet = await signInOnTablet(app, db()); // the clock moved on by a day
    const newer = offerCatalogResponseSchema.parse((await catalog('?features=capacity')).json());
    expect(newer.offers.find((o) => o.id === PARTNER_OFFER)?.capacity).toEqual({
      status: 'places',
      places: 3,
      setAt: '2026-11-02T09:00:00.000Z',
    });
    expect(newer.offers.find((o) => o.id === UNLINKED_OFFER)?.capacity?.status).toBe('waitingList');
    // An older tablet asks without the feature and gets every offer without `capacity` (its schema is strict).
    const older = (await catalog('')).json<{ offers: Record<string, unknown>[] }>();
    expect(older.offers.length).toBe(newer.offers.length);
    for (const offer of older.offers) expect(Object.keys(offer)).not.toContain('capacity');
    // A new figure changes the version, so the tablet stores the catalogue again.
    await partnerSets(PARTNER_OFFER, { status: 'full' });
    const after = offerCatalogResponseSchema.parse((await catalog('?features=capacity')).json());
    expect(after.version).not.toBe(newer.version);
    expect(after.offers.find((o) => o.id === PARTNER_OFFER)?.capacity?.status).toBe('full');
    // The coordinator sees it in the catalogue panel's list.
    const office = managedOfferListSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/office/offers', headers: bearer(await token(DEMO_COORDINATOR)) })).json(),
    );
    expect(office.capacities?.find((c) => c.offerId === PARTNER_OFFER)?.capacity.status).toBe('full');
  });
});
