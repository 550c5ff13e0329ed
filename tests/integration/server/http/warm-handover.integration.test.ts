// The warm handover over HTTP: a partner enrols a handover key (private key
// wrapped in the browser), tablets get the public keys with the catalogue and
// seal a family's call-back number to them; the backend stores only boxes it
// cannot open, apart from the record, hands the partner its box once and
// deletes all boxes then, after 14 days, or with the case's referrals.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHandoverKey, openHandover, sealHandover, unwrapHandoverKey } from '@shared/crypto/handover-box';
import type { HandoverRecipientKey } from '@shared/crypto/handover-box';
import { HANDOVER_TTL_DAYS, handoverKeyResponseSchema, handoverRevealResponseSchema } from '@shared/handover-api';
import { uuidv7 } from '@shared/ids';
import { offerCatalogResponseSchema } from '@shared/offers';
import { errorEnvelopeSchema, pushResponseSchema } from '@shared/protocol';
import { partnerOrganisationListSchema, partnerReferralListSchema } from '@shared/referral-api';
import { createStaffAccount } from '@server/services/staff-accounts';
import { purgeExpiredHandovers } from '@server/services/handover-service';
import { referralId } from '@server/services/referral-projection';
import { referralIdFor } from '@shared/referral-id';
import { DEMO_MUNICIPALITY_ID, DEMO_PARTNER_ACCOUNT, DEMO_PARTNER_ORGANISATION } from '@server/db/demo-seed';
import { PARTNER_OFFER, UNLINKED_OFFER, referralRecord, welcomeVisitRecord } from '../../../fixtures/referral-records';
import { describeEachDatabase } from '../../helpers/databases';
import {
  storedRecordContents,
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

const DAY = 86_400_000;
const PHONE = '0151 98765432';
const PASSPHRASE = 'rueckruf-passphrase-2026';
const COLLEAGUE = { username: 'partner.kollegin', password: 'kollegin-2026-passwort', passphrase: 'kollegin-passphrase-2026' };

describeEachDatabase('warm handover', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();
  let tablet: TabletSession;

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const signIn = async (username: string, password: string) => (await login(app, username, password)).token;
  const passwords: Record<string, string> = {};
  const partner = async () => {
    const token = await signIn(DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    passwords[token] = DEMO_PARTNER_ACCOUNT.password;
    return token;
  };
  const colleague = async () => {
    const token = await signIn(COLLEAGUE.username, COLLEAGUE.password);
    passwords[token] = COLLEAGUE.password;
    return token;
  };

  /** What a partner's browser does: make a key pair, wrap the private key under the passphrase, enrol the public key. */
  const enrollKey = async (token: string, passphrase: string) => {
    const created = await createHandoverKey(passphrase);
    const keyId = uuidv7();
    const response = await call('PUT', '/api/partner/handover-key', token, {
      keyId,
      publicKey: created.publicKey,
      wrapped: created.wrapped,
      password: passwords[token] ?? '',
    });
    expect(response.statusCode, response.body).toBe(200);
    return { keyId, publicKey: created.publicKey };
  };
  /** What the partner's browser does to read a box: fetch the wrapped key, unwrap it with the passphrase, open. */
  const openWith = async (token: string, passphrase: string, reveal: unknown) => {
    const { key } = handoverKeyResponseSchema.parse((await call('GET', '/api/partner/handover-key', token)).json());
    if (key === null) throw new Error('no key enrolled');
    const privateKey = await unwrapHandoverKey(passphrase, key.wrapped);
    const { recordId, offerId, box } = handoverRevealResponseSchema.parse(reveal);
    return openHandover(privateKey, box, { recordId, offerId });
  };
  const catalog = async () => {
    tablet = {
      ...tablet,
      ...(await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password, tablet.deviceId, tablet.device.deviceSecret)),
    };
    return offerCatalogResponseSchema.parse((await call('GET', '/api/sync/offers', tablet.token)).json());
  };
  const partnerKeys = (answer: { callbackKeys: { offerId: string; keys: HandoverRecipientKey[] }[] }) =>
    answer.callbackKeys.find((entry) => entry.offerId === PARTNER_OFFER)?.keys ?? [];
  const lookup = async (token: string, caseNumber: string) => {
    const response = await call('POST', '/api/partner/referrals/lookup', token, { caseNumber });
    expect(response.statusCode, response.body).toBe(200);
    return partnerReferralListSchema.parse(response.json()).referrals;
  };
  /** Opens with the caller's current key (as the browser does after unlocking it), or with `keyId`. */
  const open = async (token: string, id: string, keyId?: string) => {
    const answer = await call('GET', '/api/partner/handover-key', token);
    const current = answer.statusCode === 200 ? handoverKeyResponseSchema.parse(answer.json()).key : null;
    return call('POST', `/api/partner/referrals/${id}/callback/open`, token, { keyId: keyId ?? current?.keyId ?? uuidv7() });
  };

  /** A consented case with a welcome visit, referred to the partner's offer with a call-back request sealed to `keys`. */
  const referWithCallback = async (keys: readonly HandoverRecipientKey[], phone = PHONE) => {
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(tablet.deviceId, caseNumber, {
      content: await consentContent('tr', { scopes: ['documentation', 'referral'] }),
    });
    const visit = await welcomeVisitRecord(tablet.deviceId, caseNumber);
    const referral = await referralRecord(tablet.deviceId, caseNumber, {
      sourceRecordId: visit.id,
      offerIds: [PARTNER_OFFER, UNLINKED_OFFER],
      callbackOfferId: PARTNER_OFFER,
    });
    const boxes = await sealHandover({ phone }, { recordId: referral.id, offerId: PARTNER_OFFER }, keys);
    const withHandover = { ...referral, warmHandover: { offerId: PARTNER_OFFER, boxes } };
    const response = await pushAsTablet(app, tablet, [consent, visit, withHandover]);
    expect(pushResponseSchema.parse(response.json()).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    return { caseNumber, referral, id: referralId(referral.id, PARTNER_OFFER) };
  };

  /** Every row of every table, as text: where a number stored in the clear would show. */
  const everything = async (): Promise<string> => {
    const tables = await db().query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const dumps = await Promise.all(tables.map((t) => db().query(`SELECT * FROM "${t.table_name}"`)));
    return JSON.stringify(dumps);
  };

  beforeAll(async () => {
    await seedDemo(db());
    // After the referral's own second check (tested in referral-four-eyes.integration.test.ts).
    await setReferralSecondCheck(db(), false);
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    tablet = await signInOnTablet(app, db());
    await createStaffAccount(db(), {
      municipalityId: DEMO_MUNICIPALITY_ID,
      organisationId: DEMO_PARTNER_ORGANISATION.id,
      username: COLLEAGUE.username,
      displayName: 'Kollegin Frühe Hilfen',
      password: COLLEAGUE.password,
      roles: ['partner'],
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('offers a call-back for an offer only once its partner has enrolled a key; a key change reaches tablets', async () => {
    const before = await catalog();
    expect(before.callbackKeys).toEqual([]);
    // The coordinator sees, per partner organisation, whether a call-back is possible.
    const coordinator = await signIn(DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    const keysOfPartner = async () =>
      partnerOrganisationListSchema
        .parse((await call('GET', '/api/office/partner-organisations', coordinator)).json())
        .organisations.find((o) => o.id === DEMO_PARTNER_ORGANISATION.id)?.callbackKeys;
    expect(await keysOfPartner()).toBe(0);
    const token = await partner();
    expect(handoverKeyResponseSchema.parse((await call('GET', '/api/partner/handover-key', token)).json()).key).toBeNull();
    const key = await enrollKey(token, PASSPHRASE);
    expect(await keysOfPartner()).toBe(1);
    const after = await catalog();
    expect(after.version).not.toBe(before.version);
    expect(after.callbackKeys).toContainEqual({ offerId: PARTNER_OFFER, keys: [key] });
    // Never for an offer no partner organisation confirms.
    expect(after.callbackKeys.map((entry) => entry.offerId)).not.toContain(UNLINKED_OFFER);
    // Not the wrapped private key: only the public key reaches tablets.
    expect(JSON.stringify(after)).not.toContain('PBKDF2');
  });

  it('refuses a key that is not an ECDH P-256 key, a weak key derivation, and roles other than partner', async () => {
    const token = await partner();
    const created = await createHandoverKey('noch-eine-passphrase-1');
    const password = DEMO_PARTNER_ACCOUNT.password;
    const notAKey = await call('PUT', '/api/partner/handover-key', token, {
      keyId: uuidv7(),
      publicKey: 'AAAAAAAA',
      wrapped: created.wrapped,
      password,
    });
    expect(notAKey.statusCode).toBe(400);
    expect(errorEnvelopeSchema.parse(notAKey.json()).error.issues).toEqual([{ path: 'publicKey', message: 'invalidKey' }]);
    const weak = await call('PUT', '/api/partner/handover-key', token, {
      keyId: uuidv7(),
      publicKey: created.publicKey,
      wrapped: { ...created.wrapped, kdf: { ...created.wrapped.kdf, iterations: 1000 } },
      password,
    });
    expect(weak.statusCode).toBe(400);
    // A taken-over session alone cannot put its key in: the account password is asked for (and audited when wrong).
    const wrongPassword = await call('PUT', '/api/partner/handover-key', token, {
      keyId: uuidv7(),
      publicKey: created.publicKey,
      wrapped: created.wrapped,
      password: 'nicht-das-kennwort',
    });
    expect(wrongPassword.statusCode).toBe(403);
    expect(errorEnvelopeSchema.parse(wrongPassword.json()).error.issues).toEqual([{ path: 'password', message: 'wrongPassword' }]);
    // Another key under the current key's id (boxes name key ids): refused.
    const [current] = partnerKeys(await catalog());
    const reused = await call('PUT', '/api/partner/handover-key', token, {
      keyId: current?.keyId,
      publicKey: created.publicKey,
      wrapped: created.wrapped,
      password,
    });
    expect(reused.statusCode).toBe(409);
    const coordinator = await signIn(DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    expect(
      (
        await call('PUT', '/api/partner/handover-key', coordinator, {
          keyId: uuidv7(),
          publicKey: created.publicKey,
          wrapped: created.wrapped,
          password: DEMO_COORDINATOR.password,
        })
      ).statusCode,
    ).toBe(403);
    // Nothing changed: the enrolled key is still the first one.
    expect(partnerKeys(await catalog())).toHaveLength(1);
  });

  it('stores only boxes the server cannot open, apart from the record; the partner opens its box once, then all are gone', async () => {
    const own = partnerKeys(await catalog());
    const colleagueKey = await enrollKey(await colleague(), COLLEAGUE.passphrase);
    const stranger = await createHandoverKey('fremder-schluessel-2026');
    // Sealed to the partner, the colleague, and a key nobody here enrolled (dropped by the server).
    const { caseNumber, referral, id } = await referWithCallback([
      ...own,
      colleagueKey,
      { keyId: uuidv7(), publicKey: stranger.publicKey },
    ]);

    // Nowhere in the database in the clear; the record itself carries neither number nor boxes.
    const dump = await everything();
    expect(dump).not.toContain('98765432');
    const [stored] = await storedRecordContents(db(), referral.id);
    expect(stored?.content).toEqual(referral.content);
    expect(JSON.stringify(stored)).not.toContain('boxes');
    const [row] = await db().query<{ boxes: { keyId: string }[]; expires_at: Date | string; created_at: Date | string }>(
      'SELECT boxes, expires_at, created_at FROM warm_handovers WHERE referral_id = $1',
      [id],
    );
    expect(row?.boxes.map((b) => b.keyId).sort()).toEqual([own[0]?.keyId, colleagueKey.keyId].sort());
    expect(new Date(row?.expires_at ?? 0).getTime() - new Date(row?.created_at ?? 0).getTime()).toBe(HANDOVER_TTL_DAYS * DAY);

    // The partner's look-up says a call-back is wanted — never the number.
    const token = await partner();
    const [listed] = await lookup(token, caseNumber);
    expect(listed?.callback?.sealedToYou).toBe(true);
    expect(JSON.stringify(listed)).not.toContain('98765432');

    // Not for a coordinator, nor another partner organisation (like a missing one).
    expect((await open(await signIn(DEMO_COORDINATOR.username, DEMO_COORDINATOR.password), id)).statusCode).toBe(403);
    await db().query("INSERT INTO organisations (id, municipality_id, name, kind) VALUES ('andere-beratung', $1, 'Andere', 'partner')", [
      DEMO_MUNICIPALITY_ID,
    ]);
    await createStaffAccount(db(), {
      municipalityId: DEMO_MUNICIPALITY_ID,
      organisationId: 'andere-beratung',
      username: 'partner.andere',
      displayName: 'Andere',
      password: 'andere-beratung-2026',
      roles: ['partner'],
    });
    expect((await open(await signIn('partner.andere', 'andere-beratung-2026'), id)).statusCode).toBe(404);

    const revealed = await open(token, id);
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.body).not.toContain('98765432');
    expect(await openWith(token, PASSPHRASE, revealed.json())).toEqual({ phone: PHONE });
    // A wrong passphrase opens nothing.
    await expect(openWith(token, 'falsche-passphrase-2026', revealed.json())).rejects.toThrow();

    // Shown once: every box is gone, for the colleague too; the look-up no longer offers it.
    expect(await db().query('SELECT 1 FROM warm_handovers WHERE referral_id = $1', [id])).toHaveLength(0);
    expect((await open(token, id)).statusCode).toBe(404);
    expect((await open(await colleague(), id)).statusCode).toBe(404);
    expect((await lookup(token, caseNumber))[0]?.callback).toBeNull();
    const audit = await db().query<{ action: string }>(
      "SELECT action FROM audit_log WHERE object_id = $1 AND action LIKE 'handover.%' ORDER BY id",
      [id],
    );
    expect(audit.map((a) => a.action)).toEqual(['handover.received', 'handover.opened']);
  });

  it('refuses (and keeps) a box not sealed to the caller’s current key', async () => {
    const keys = partnerKeys(await catalog());
    const partnerKeyId = handoverKeyResponseSchema.parse((await call('GET', '/api/partner/handover-key', await partner())).json()).key
      ?.keyId;
    const { caseNumber, id } = await referWithCallback(keys);
    // The colleague makes a new key after the number was sealed: her old box is not hers any more.
    const colleagueToken = await colleague();
    await enrollKey(colleagueToken, 'neue-kollegin-passphrase-2026');
    expect((await lookup(colleagueToken, caseNumber))[0]?.callback?.sealedToYou).toBe(false);
    const refused = await open(colleagueToken, id);
    expect(refused.statusCode).toBe(409);
    expect(errorEnvelopeSchema.parse(refused.json()).error.issues).toEqual([{ path: 'key', message: 'notSealedToYourKey' }]);
    expect(await db().query('SELECT 1 FROM warm_handovers WHERE referral_id = $1', [id])).toHaveLength(1);
    // A browser still holding the colleague's old key names it: refused, nothing deleted.
    const [oldKey] = keys.filter((key) => key.keyId !== partnerKeyId);
    const stale = await open(colleagueToken, id, oldKey?.keyId);
    expect(stale.statusCode).toBe(409);
    expect(errorEnvelopeSchema.parse(stale.json()).error.issues).toEqual([{ path: 'keyId', message: 'notYourCurrentKey' }]);
    expect(await db().query('SELECT 1 FROM warm_handovers WHERE referral_id = $1', [id])).toHaveLength(1);
    // The partner, whose key it was sealed to, still can.
    const token = await partner();
    expect(await openWith(token, PASSPHRASE, (await open(token, id)).json())).toEqual({ phone: PHONE });
  });

  it('shows a referral that arrived before the record it was made from once that record arrives, with its call-back', async () => {
    const keys = partnerKeys(await catalog());
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(tablet.deviceId, caseNumber, {
      content: await consentContent('de', { scopes: ['documentation', 'referral'] }),
    });
    const visit = await welcomeVisitRecord(tablet.deviceId, caseNumber);
    const referral = await referralRecord(tablet.deviceId, caseNumber, { sourceRecordId: visit.id, callbackOfferId: PARTNER_OFFER });
    const boxes = await sealHandover({ phone: PHONE }, { recordId: referral.id, offerId: PARTNER_OFFER }, keys);
    // The colleague's referral first (its author's visit is still queued on the tablet) …
    const first = await pushAsTablet(app, tablet, [consent, { ...referral, warmHandover: { offerId: PARTNER_OFFER, boxes } }]);
    expect(pushResponseSchema.parse(first.json()).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    const token = await partner();
    expect(await lookup(token, caseNumber)).toEqual([]);
    // … then the visit: now the partner sees the referral and its call-back request.
    const second = await pushAsTablet(app, tablet, [visit]);
    expect(pushResponseSchema.parse(second.json()).results.map((r) => r.outcome)).toEqual(['accepted']);
    const [shown] = await lookup(token, caseNumber);
    expect(shown?.id).toBe(referralId(referral.id, PARTNER_OFFER));
    expect(shown?.callback?.sealedToYou).toBe(true);
  });

  it('takes a call-back request only with the referral’s first arrival, not from a later revision', async () => {
    const keys = partnerKeys(await catalog());
    const { caseNumber, referral, id } = await referWithCallback(keys);
    const token = await partner();
    expect((await open(token, id)).statusCode).toBe(200);
    const revision = await referralRecord(tablet.deviceId, caseNumber, { ...referral.content }, { id: referral.id, revision: 2 });
    const boxes = await sealHandover({ phone: '0151 1111111' }, { recordId: referral.id, offerId: PARTNER_OFFER }, keys);
    const pushed = await pushAsTablet(app, tablet, [{ ...revision, warmHandover: { offerId: PARTNER_OFFER, boxes } }]);
    expect(pushResponseSchema.parse(pushed.json()).results.map((r) => r.outcome)).toEqual(['accepted']);
    expect(await db().query('SELECT 1 FROM warm_handovers WHERE referral_id = $1', [id])).toHaveLength(0);
    expect((await lookup(token, caseNumber))[0]?.callback).toBeNull();
  });

  it('derives the same referral id in the browser as on the server (the partner checks the box it got)', async () => {
    const recordId = uuidv7();
    expect(await referralIdFor(recordId, PARTNER_OFFER)).toBe(referralId(recordId, PARTNER_OFFER));
    expect(await referralIdFor(recordId, UNLINKED_OFFER)).not.toBe(referralId(recordId, PARTNER_OFFER));
  });

  it('deletes the boxes with the case’s referrals when consent is withdrawn', async () => {
    const keys = partnerKeys(await catalog());
    const { caseNumber, id } = await referWithCallback(keys);
    const response = await pushAsTablet(app, tablet, [await consentWithdrawalRecord(tablet.deviceId, caseNumber)]);
    expect(pushResponseSchema.parse(response.json()).results[0]?.outcome).toBe('accepted');
    expect(await db().query('SELECT 1 FROM warm_handovers WHERE referral_id = $1', [id])).toHaveLength(0);
    expect((await open(await partner(), id)).statusCode).toBe(404);
  });

  it('never shows a box after 14 days, and the purge deletes it', async () => {
    // The box's expiry comes from the database's now(); the suite's clock was taken when the suite
    // began, and on a busy machine that is minutes behind: catch it up so both count from the same moment.
    clock.advance(Math.max(0, Date.now() - clock.now().getTime()));
    const keys = partnerKeys(await catalog());
    const { caseNumber, id } = await referWithCallback(keys);
    clock.advance(HANDOVER_TTL_DAYS * DAY - 60_000);
    let token = await partner();
    expect((await lookup(token, caseNumber))[0]?.callback).not.toBeNull();
    clock.advance(2 * 60_000);
    token = await partner();
    expect((await lookup(token, caseNumber))[0]?.callback).toBeNull();
    expect((await open(token, id)).statusCode).toBe(404);
    expect(await db().query('SELECT 1 FROM warm_handovers WHERE referral_id = $1', [id])).toHaveLength(1);
    expect(await purgeExpiredHandovers(db(), clock.now())).toBeGreaterThanOrEqual(1);
    expect(await db().query('SELECT 1 FROM warm_handovers WHERE referral_id = $1', [id])).toHaveLength(0);
  });
});
