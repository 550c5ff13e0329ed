// The throttle of partners' case-number look-ups (finding L5): misses are counted
// in the database per partner account and per client address; past a limit every
// look-up is 429 with Retry-After — a hit too, so a refused partner learns nothing —
// and every miss and refusal is audited with the address, never the case number.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushResponseSchema } from '@shared/protocol';
import { partnerReferralListSchema } from '@shared/referral-api';
import { DEMO_MUNICIPALITY_ID, DEMO_PARTNER_ORGANISATION } from '@server/db/demo-seed';
import { createStaffAccount } from '@server/services/staff-accounts';
import { DEFAULT_PARTNER_LOOKUP_LIMITS } from '@server/services/partner-lookup-limits';
import { PARTNER_OFFER, referralRecord, welcomeVisitRecord } from '../../../fixtures/referral-records';
import { describeEachDatabase } from '../../helpers/databases';
import {
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

const HOUR = 60 * 60_000;

describeEachDatabase('partner look-up limits', ({ db }) => {
  const clock = testClock();
  let apps: FastifyInstance[] = [];
  /** A case with a referral to the demo partner's offer, pushed from a tablet. */
  let caseWithReferral: string;

  function app(limits: Partial<typeof DEFAULT_PARTNER_LOOKUP_LIMITS>): FastifyInstance {
    const built = buildTestApp(db(), {
      clock: clock.now,
      trustProxy: 1,
      loginRateLimit: { max: 10_000, timeWindowMs: 60_000 },
      partnerLookupLimits: { ...DEFAULT_PARTNER_LOOKUP_LIMITS, ...limits },
    });
    apps = [...apps, built];
    return built;
  }

  /** A fresh partner account of the demo partner organisation, signed in: its own count. */
  async function newPartner(on: FastifyInstance): Promise<{ id: string; token: string }> {
    const username = `partner.limits.${randomBytes(4).toString('hex')}`;
    const password = `limits-${randomBytes(6).toString('hex')}`;
    await createStaffAccount(db(), {
      municipalityId: DEMO_MUNICIPALITY_ID,
      organisationId: DEMO_PARTNER_ORGANISATION.id,
      username,
      displayName: 'Partner limits',
      password,
      roles: ['partner'],
    });
    const session = await login(on, username, password);
    return { id: session.user.id, token: session.token };
  }

  const lookUp = (on: FastifyInstance, token: string, caseNumber: string, address: string) =>
    on.inject({
      method: 'POST',
      url: '/api/partner/referrals/lookup',
      headers: { ...bearer(token), 'x-forwarded-for': address },
      payload: { caseNumber },
    });

  beforeAll(async () => {
    await seedDemo(db());
    // After the referral's own second check (tested in referral-four-eyes.integration.test.ts).
    await setReferralSecondCheck(db(), false);
    const setup = app({});
    const tablet = await signInOnTablet(setup, db());
    caseWithReferral = newCaseNumber();
    const visit = await welcomeVisitRecord(tablet.deviceId, caseWithReferral);
    const records = [
      await consentRecord(tablet.deviceId, caseWithReferral, {
        content: await consentContent('de', { scopes: ['documentation', 'referral'] }),
      }),
      visit,
      await referralRecord(tablet.deviceId, caseWithReferral, { sourceRecordId: visit.id, offerIds: [PARTNER_OFFER] }),
    ];
    const results = pushResponseSchema.parse((await pushAsTablet(setup, tablet, records)).json()).results;
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
  });
  afterAll(async () => {
    for (const built of apps) await built.close();
  });

  it('refuses every look-up of a partner after too many misses, a hit too, until the window ends; all audited', async () => {
    // A window shorter than the access token's life, so the same session sees it end.
    const limited = app({ account: { maxMisses: 5, windowMs: 10 * 60_000 } });
    const partner = await newPartner(limited);
    const address = '203.0.113.51';
    const guesses = Array.from({ length: 5 }, () => newCaseNumber());
    for (const guess of guesses) {
      const miss = await lookUp(limited, partner.token, guess, address);
      expect(miss.statusCode).toBe(200);
      expect(partnerReferralListSchema.parse(miss.json()).referrals).toEqual([]);
    }
    const refused = await lookUp(limited, partner.token, caseWithReferral, address);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { reason: 'rateLimited' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).not.toContain(PARTNER_OFFER);
    // From another address too: the count belongs to the account.
    expect((await lookUp(limited, partner.token, caseWithReferral, '198.51.100.51')).statusCode).toBe(429);

    const rows = await db().query<{ action: string; object_id: string | null }>(
      "SELECT action, object_id FROM audit_log WHERE actor_id = $1 AND action LIKE 'security.partnerLookup.%' ORDER BY id",
      [partner.id],
    );
    expect(rows).toEqual([
      ...guesses.map(() => ({ action: 'security.partnerLookup.miss', object_id: address })),
      { action: 'security.partnerLookup.throttled', object_id: address },
      { action: 'security.partnerLookup.throttled', object_id: '198.51.100.51' },
    ]);
    const everything = JSON.stringify(await db().query('SELECT * FROM audit_log WHERE actor_id = $1', [partner.id]));
    for (const caseNumber of [...guesses, caseWithReferral]) expect(everything).not.toContain(caseNumber);
    // A refused hit read nothing: no referral is recorded as seen by this partner.
    expect(await db().query("SELECT 1 FROM audit_log WHERE actor_id = $1 AND action = 'referral.viewed'", [partner.id])).toEqual([]);

    clock.advance(10 * 60_000 + 1_000);
    const after = await lookUp(limited, partner.token, caseWithReferral, address);
    expect(after.statusCode).toBe(200);
    expect(partnerReferralListSchema.parse(after.json()).referrals.map((r) => r.offerId)).toEqual([PARTNER_OFFER]);
  });

  it('refuses one address that spreads its misses over several partner accounts', async () => {
    const limited = app({ address: { maxMisses: 4, windowMs: HOUR } });
    const [one, two] = [await newPartner(limited), await newPartner(limited)];
    const address = '203.0.113.52';
    for (const partner of [one, two, one, two]) {
      expect((await lookUp(limited, partner.token, newCaseNumber(), address)).statusCode).toBe(200);
    }
    expect((await lookUp(limited, two.token, caseWithReferral, address)).statusCode).toBe(429);
    // The same partner from another address is not refused: its own count is below its limit.
    const elsewhere = await lookUp(limited, two.token, caseWithReferral, '198.51.100.52');
    expect(elsewhere.statusCode).toBe(200);
    expect(partnerReferralListSchema.parse(elsewhere.json()).referrals).toHaveLength(1);
  });

  it('counts no hit and no malformed case number as a miss', async () => {
    const limited = app({ account: { maxMisses: 1, windowMs: HOUR } });
    const partner = await newPartner(limited);
    for (let i = 0; i < 3; i++) expect((await lookUp(limited, partner.token, caseWithReferral, '203.0.113.53')).statusCode).toBe(200);
    expect((await lookUp(limited, partner.token, 'not-a-case-number', '203.0.113.53')).statusCode).toBe(400);
    expect((await lookUp(limited, partner.token, caseWithReferral, '203.0.113.53')).statusCode).toBe(200);
  });
});
