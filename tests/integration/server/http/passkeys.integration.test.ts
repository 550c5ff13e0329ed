// Passkeys (WebAuthn) as the second factor of office sign-ins, answered by a software
// authenticator: set up as the required factor after the password, added later from the own
// account (password again), used at the code step; a replayed challenge, another origin, a
// counter going backwards, a removed or foreign passkey are refused, counted and audited; the
// last factor of a role that requires one stays; an admin's reset takes passkeys too.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@server/services/auth-service';
import type { LoginResponse } from '@shared/protocol';
import type { OwnPasskeys, PasskeyAdded, PasskeyAssertion, PasskeyOptions } from '@shared/passkeys';
import type { SecondFactorConfirmResponse, SecondFactorPending } from '@shared/second-factor';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_FIELDWORKER, bearer, buildTestApp, seedDemo } from '../../helpers/test-app';
import { SoftwareAuthenticator } from '../../helpers/software-authenticator';

const PASSWORD = 'passkey-test-password-2026';
const ORIGIN = 'https://lotse.example.de';
const NO_MEMORY_LIMIT = { max: 10_000, timeWindowMs: 60_000 };

describeEachDatabase('passkeys as second factor', ({ db }) => {
  let passwordHash: string;
  let app: FastifyInstance;
  let appWithout: FastifyInstance;

  beforeAll(async () => {
    await seedDemo(db());
    passwordHash = await hashPassword(PASSWORD);
    app = buildTestApp(db(), { loginRateLimit: NO_MEMORY_LIMIT, publicOrigin: ORIGIN });
    appWithout = buildTestApp(db(), { loginRateLimit: NO_MEMORY_LIMIT });
  });
  afterAll(async () => {
    await app.close();
    await appWithout.close();
  });

  async function newAccount(roles: string[]): Promise<{ id: string; username: string }> {
    const id = randomUUID();
    const username = `passkey.${id.slice(0, 8)}`;
    await db().query(
      `INSERT INTO staff_accounts (id, municipality_id, organisation_id, username, display_name, password_hash, roles)
       SELECT $1, municipality_id, organisation_id, $2, 'Passkey test', $3, $4::text[]
         FROM staff_accounts WHERE username = $5`,
      [id, username, passwordHash, roles, DEMO_FIELDWORKER.username],
    );
    return { id, username };
  }

  const post = (target: FastifyInstance, url: string, payload: object, token?: string) =>
    target.inject({ method: 'POST', url, payload, ...(token === undefined ? {} : { headers: bearer(token) }) });

  async function signIn(username: string, target = app): Promise<SecondFactorPending & Partial<LoginResponse>> {
    const response = await post(target, '/api/session', { username, password: PASSWORD });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function options(url: string, body: object, token?: string): Promise<PasskeyOptions> {
    const response = await post(app, url, body, token);
    expect(response.statusCode).toBe(200);
    return response.json<PasskeyOptions>();
  }

  /** An admin who sets up a passkey as the required factor right after the password. */
  async function adminWithPasskey(): Promise<{ id: string; username: string; key: SoftwareAuthenticator; recoveryCodes: string[] }> {
    const admin = await newAccount(['admin']);
    const due = await signIn(admin.username);
    expect(due).toMatchObject({ secondFactor: 'enrol', passkey: true });
    const key = new SoftwareAuthenticator(ORIGIN);
    const creation = await options('/api/session/second-factor/passkey/enrolment/options', { pendingToken: due.pendingToken });
    const enrolled = await post(app, '/api/session/second-factor/passkey/enrolment', {
      pendingToken: due.pendingToken,
      label: 'Büro-Laptop',
      credential: key.register(creation),
    });
    expect(enrolled.statusCode).toBe(200);
    const { session, recoveryCodes } = enrolled.json<SecondFactorConfirmResponse>();
    expect(session.user.id).toBe(admin.id);
    expect(recoveryCodes).toHaveLength(10);
    return { ...admin, key, recoveryCodes };
  }

  /** The code step: the options of a fresh pending sign-in, and a function answering it. */
  async function codeStep(username: string) {
    const due = await signIn(username);
    expect(due).toMatchObject({ secondFactor: 'verify', passkey: true });
    const request = await options('/api/session/second-factor/passkey/options', { pendingToken: due.pendingToken });
    const answer = (credential: PasskeyAssertion) =>
      post(app, '/api/session/second-factor/passkey', { pendingToken: due.pendingToken, credential });
    return { due, request, answer };
  }

  async function auditCount(accountId: string, action: string): Promise<number> {
    const [row] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action = $2', [
      accountId,
      action,
    ]);
    return row?.n ?? 0;
  }
  async function failuresOf(accountId: string): Promise<number> {
    const [row] = await db().query<{ failures: number }>('SELECT failures FROM sign_in_limits WHERE subject = $1', [
      `account:${accountId}`,
    ]);
    return row?.failures ?? 0;
  }
  async function storedCounter(credentialId: string): Promise<number | null> {
    const [row] = await db().query<{ sign_count: string }>('SELECT sign_count FROM passkey_credentials WHERE credential_id = $1', [
      credentialId,
    ]);
    return row === undefined ? null : Number(row.sign_count);
  }

  it('sets up a passkey as the admin’s required factor, then signs in with it; only the public key is kept', async () => {
    const admin = await adminWithPasskey();
    expect(await auditCount(admin.id, 'passkey.registered')).toBe(1);
    const [stored] = await db().query('SELECT * FROM passkey_credentials WHERE account_id = $1', [admin.id]);
    expect(stored).toMatchObject({ credential_id: admin.key.id, municipality_id: expect.any(String) as unknown, label: 'Büro-Laptop' });
    // The challenge of the set-up was taken by its answer.
    expect(await db().query('SELECT 1 FROM passkey_challenges WHERE account_id = $1', [admin.id])).toHaveLength(0);

    const { request, answer } = await codeStep(admin.username);
    expect(request['allowCredentials']).toEqual([expect.objectContaining({ id: admin.key.id })]);
    expect(request['rpId']).toBe('lotse.example.de');
    const signedIn = await answer(admin.key.authenticate(request));
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json<LoginResponse>().user.id).toBe(admin.id);
    expect(await auditCount(admin.id, 'passkey.used')).toBe(1);
    expect(await storedCounter(admin.key.id)).toBe(1);
  });

  it('refuses a challenge answered a second time, even signed afresh with a higher counter', async () => {
    const admin = await adminWithPasskey();
    const first = await codeStep(admin.username);
    expect((await first.answer(admin.key.authenticate(first.request))).statusCode).toBe(200);

    // A new pending sign-in, answered over the challenge already used: a valid signature, a grown counter.
    const second = await codeStep(admin.username);
    const replayed = await second.answer(admin.key.authenticate(second.request, { challenge: first.request.challenge }));
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json()).toMatchObject({ error: { reason: 'passkeyRefused' } });
    expect(await auditCount(admin.id, 'security.passkey.refused')).toBe(1);
    expect(await failuresOf(admin.id)).toBe(1);
    // A challenge refused once is gone too: its own answer now fails as well, and no session came of either.
    const [{ n: sessionsBefore } = { n: 0 }] = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE account_id = $1',
      [admin.id],
    );
    const third = await codeStep(admin.username);
    await post(app, '/api/session/second-factor/passkey', {
      pendingToken: third.due.pendingToken,
      credential: admin.key.authenticate(third.request, { origin: 'https://elsewhere.example' }),
    });
    expect((await third.answer(admin.key.authenticate(third.request))).statusCode).toBe(401);
    const [{ n: sessionsAfter } = { n: 0 }] = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE account_id = $1',
      [admin.id],
    );
    expect(sessionsAfter).toBe(sessionsBefore);
  });

  it('refuses an answer made for another origin (a phishing page), at sign-in and at set-up', async () => {
    const admin = await adminWithPasskey();
    const { request, answer } = await codeStep(admin.username);
    const phished = await answer(admin.key.authenticate(request, { origin: 'https://lotse-example.de' }));
    expect(phished.statusCode).toBe(401);
    expect(phished.json()).toMatchObject({ error: { reason: 'passkeyRefused' } });
    expect(await auditCount(admin.id, 'security.passkey.refused')).toBe(1);

    const other = await newAccount(['admin']);
    const due = await signIn(other.username);
    const creation = await options('/api/session/second-factor/passkey/enrolment/options', { pendingToken: due.pendingToken });
    const key = new SoftwareAuthenticator(ORIGIN);
    const refusedSetUp = await post(app, '/api/session/second-factor/passkey/enrolment', {
      pendingToken: due.pendingToken,
      label: 'Phished',
      credential: key.register(creation, { origin: 'https://lotse-example.de' }),
    });
    expect(refusedSetUp.statusCode).toBe(401);
    expect(await db().query('SELECT 1 FROM passkey_credentials WHERE account_id = $1', [other.id])).toHaveLength(0);
  });

  it('refuses a signature counter that went backwards (a cloned key), and a counter that stands still', async () => {
    const admin = await adminWithPasskey();
    for (let i = 0; i < 3; i += 1) {
      const step = await codeStep(admin.username);
      expect((await step.answer(admin.key.authenticate(step.request))).statusCode).toBe(200);
    }
    expect(await storedCounter(admin.key.id)).toBe(3);
    const back = await codeStep(admin.username);
    expect((await back.answer(admin.key.authenticate(back.request, { counter: 2 }))).statusCode).toBe(401);
    const same = await codeStep(admin.username);
    expect((await same.answer(admin.key.authenticate(same.request, { counter: 3 }))).statusCode).toBe(401);
    expect(await storedCounter(admin.key.id)).toBe(3);
    expect(await auditCount(admin.id, 'security.passkey.refused')).toBe(2);
  });

  it('refuses a removed passkey and another account’s passkey; the last factor of an admin stays', async () => {
    const admin = await adminWithPasskey();
    const step = await codeStep(admin.username);
    const signedIn = (await step.answer(admin.key.authenticate(step.request))).json<LoginResponse>();

    // The only factor of an admin cannot be removed.
    const last = await app.inject({ method: 'DELETE', url: `/api/account/passkeys/${admin.key.id}`, headers: bearer(signedIn.token) });
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ error: { reason: 'lastSecondFactor' } });
    expect(await auditCount(admin.id, 'security.passkey.removalRefused')).toBe(1);
    expect(await storedCounter(admin.key.id)).not.toBeNull();

    // A second passkey, added with the password; then the first can go.
    const second = new SoftwareAuthenticator(ORIGIN);
    const creation = await options('/api/account/passkeys/options', { password: PASSWORD }, signedIn.token);
    const added = await post(app, '/api/account/passkeys', { label: 'Schlüssel', credential: second.register(creation) }, signedIn.token);
    expect(added.statusCode).toBe(201);
    expect(added.json<PasskeyAdded>().recoveryCodes).toBeNull();
    const removed = await app.inject({ method: 'DELETE', url: `/api/account/passkeys/${admin.key.id}`, headers: bearer(signedIn.token) });
    expect(removed.statusCode).toBe(204);
    expect(await auditCount(admin.id, 'passkey.removed')).toBe(1);

    const after = await codeStep(admin.username);
    expect(after.request['allowCredentials']).toEqual([expect.objectContaining({ id: second.id })]);
    expect((await after.answer(admin.key.authenticate(after.request))).statusCode).toBe(401);

    // Another admin's passkey answers nothing for this account, and cannot be removed by it.
    const stranger = await adminWithPasskey();
    const foreign = await codeStep(admin.username);
    expect((await foreign.answer(stranger.key.authenticate(foreign.request))).statusCode).toBe(401);
    const theirs = await app.inject({ method: 'DELETE', url: `/api/account/passkeys/${stranger.key.id}`, headers: bearer(signedIn.token) });
    expect(theirs.statusCode).toBe(404);
    expect(await storedCounter(stranger.key.id)).not.toBeNull();
    expect((await foreign.answer(second.authenticate(foreign.request))).statusCode).toBe(401); // that challenge was taken
    const good = await codeStep(admin.username);
    expect((await good.answer(second.authenticate(good.request))).statusCode).toBe(200);
  });

  it('lets a coordinator add a passkey of their own accord (password again), which then is asked at sign-in', async () => {
    const coordinator = await newAccount(['coordinator']);
    const first = await signIn(coordinator.username);
    expect(first.token).toBeDefined();
    const token = first.token ?? '';
    const own = await app.inject({ method: 'GET', url: '/api/account/passkeys', headers: bearer(token) });
    expect(own.json<OwnPasskeys>()).toEqual({ available: true, passkeys: [], authenticatorApp: false, required: false });

    const wrong = await post(app, '/api/account/passkeys/options', { password: 'not-the-password' }, token);
    expect(wrong.statusCode).toBe(403);
    expect(await failuresOf(coordinator.id)).toBe(1);
    expect(await db().query('SELECT 1 FROM passkey_challenges WHERE account_id = $1', [coordinator.id])).toHaveLength(0);

    const key = new SoftwareAuthenticator(ORIGIN);
    const creation = await options('/api/account/passkeys/options', { password: PASSWORD }, token);
    const added = await post(app, '/api/account/passkeys', { label: 'Telefon', credential: key.register(creation) }, token);
    expect(added.statusCode).toBe(201);
    const body = added.json<PasskeyAdded>();
    expect(body.passkey).toMatchObject({ id: key.id, label: 'Telefon', lastUsedAt: null });
    expect(body.recoveryCodes).toHaveLength(10);
    // The same registration sent again: its challenge is gone.
    const again = await post(app, '/api/account/passkeys', { label: 'Telefon', credential: key.register(creation) }, token);
    expect(again.statusCode).toBe(401);

    const step = await codeStep(coordinator.username);
    expect((await step.answer(key.authenticate(step.request))).statusCode).toBe(200);

    // Not required: the last one may go, and the recovery codes go with it; sign-in is password-only again.
    const removed = await app.inject({ method: 'DELETE', url: `/api/account/passkeys/${key.id}`, headers: bearer(token) });
    expect(removed.statusCode).toBe(204);
    expect(await db().query('SELECT 1 FROM second_factor_recovery_codes WHERE account_id = $1', [coordinator.id])).toHaveLength(0);
    expect((await signIn(coordinator.username)).token).toBeDefined();
  });

  it('lets an admin reset another account’s passkeys; its next sign-in sets up a factor again', async () => {
    const admin = await adminWithPasskey();
    const other = await adminWithPasskey();
    const step = await codeStep(admin.username);
    const signedIn = (await step.answer(admin.key.authenticate(step.request))).json<LoginResponse>();
    const reset = await post(app, `/api/admin/staff/${other.id}/second-factor/reset`, {}, signedIn.token);
    expect(reset.statusCode).toBe(204);
    expect(await storedCounter(other.key.id)).toBeNull();
    expect(await signIn(other.username)).toMatchObject({ secondFactor: 'enrol' });
    const overview = await app.inject({ method: 'GET', url: '/api/admin/second-factors', headers: bearer(signedIn.token) });
    expect(overview.json<{ enrolled: { accountId: string; passkeys: number; authenticatorApp: boolean }[] }>().enrolled).toContainEqual(
      expect.objectContaining({ accountId: admin.id, passkeys: 1, authenticatorApp: false }),
    );
  });

  it('offers no passkeys without a public origin: the app only', async () => {
    const admin = await newAccount(['admin']);
    const due = await signIn(admin.username, appWithout);
    expect(due).toMatchObject({ secondFactor: 'enrol', passkey: false });
    const refused = await post(appWithout, '/api/session/second-factor/passkey/enrolment/options', { pendingToken: due.pendingToken });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { reason: 'passkeysUnavailable' } });
    expect(() => buildTestApp(db(), { publicOrigin: 'http://lotse.example.de' })).toThrow(/https/);
    expect(() => buildTestApp(db(), { publicOrigin: 'https://10.0.0.5' })).toThrow(/host name/);
  });
});
