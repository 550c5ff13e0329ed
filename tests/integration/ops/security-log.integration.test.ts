// The server's own log (src/server/main.ts, pino on stdout) carries one JSON line per
// security event — a wrong password, an unknown username, a failed refresh, a partner
// look-up miss, a bad token, a missing role, a wrong second-factor code, a refused passkey — with the client
// address, the request id and the account if known, and nothing a shipper must not see: no password, no token,
// no typed username, no case number, no code, secret or challenge.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { loginResponseSchema } from '@shared/protocol';
import { generateCaseNumber } from '@domain/case-number';
import { freePort, prepareBackendDatabase, startBackendProcess, stopGently, type BackendDatabase } from '../../fixtures/backend-process';
import { testDatabaseKinds } from '../../fixtures/test-database';
import { SoftwareAuthenticator } from '../helpers/software-authenticator';
import type { SecondFactorEnrolment, SecondFactorPending } from '@shared/second-factor';
import type { PasskeyOptions } from '@shared/passkeys';

const PUBLIC_ORIGIN = 'https://lotse.example.de';

const ADMIN = DEMO_ACCOUNTS[3];

for (const kind of testDatabaseKinds()) {
  describe(`security events in the server log [${kind}]`, () => {
    let child: ChildProcess;
    let target: BackendDatabase;
    let baseUrl: string;
    let output = '';

    beforeAll(async () => {
      target = await prepareBackendDatabase(kind);
      const port = await freePort();
      child = await startBackendProcess(port, {
        ...target.env,
        LOG_REQUESTS: 'true',
        SECURITY_EVENT_KEY: randomBytes(32).toString('base64url'),
        OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
        PUBLIC_ORIGIN,
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      baseUrl = `http://127.0.0.1:${String(port)}`;
    }, 120_000);
    afterAll(async () => {
      await stopGently(child);
      await target.cleanUp();
    });

    const post = (path: string, body: object, token?: string) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });

    it('writes one JSON security line per failure, with address and request id, and no secret', async () => {
      const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`;
      const typedUsername = `nobody-${randomBytes(6).toString('hex')}`;
      const unknownToken = randomBytes(32).toString('base64url');
      const guessedCase = generateCaseNumber();

      const wrong = await post('/api/session', { username: ADMIN.username, password: wrongPassword });
      expect(wrong.status).toBe(401);
      const unknown = await post('/api/session', { username: typedUsername, password: wrongPassword });
      expect(unknown.status).toBe(401);
      const refresh = await post('/api/session/refresh', { refreshToken: unknownToken });
      expect(refresh.status).toBe(401);
      const partner = loginResponseSchema.parse(
        await (await post('/api/session', { username: DEMO_PARTNER_ACCOUNT.username, password: DEMO_PARTNER_ACCOUNT.password })).json(),
      );
      const miss = await post('/api/partner/referrals/lookup', { caseNumber: guessedCase }, partner.token);
      expect(miss.status).toBe(200);
      const badToken = await fetch(`${baseUrl}/api/session`, { headers: { authorization: `Bearer ${unknownToken}` } });
      expect(badToken.status).toBe(401);
      const notCoordinator = await fetch(`${baseUrl}/api/office/offers`, { headers: { authorization: `Bearer ${partner.token}` } });
      expect(notCoordinator.status).toBe(403);

      // The admin's right password opens only the set-up of a second factor: its refusals are events too.
      const pending = (await (
        await post('/api/session', { username: ADMIN.username, password: ADMIN.password })
      ).json()) as SecondFactorPending;
      expect(pending).toMatchObject({ secondFactor: 'enrol', passkey: true });
      const wrongStep = await post('/api/session/second-factor', { pendingToken: pending.pendingToken, code: '123456' });
      expect(wrongStep.status).toBe(401);
      const { secret: totpSecret } = (await (
        await post('/api/session/second-factor/enrolment', { pendingToken: pending.pendingToken })
      ).json()) as SecondFactorEnrolment;
      const malformed = await post('/api/session/second-factor/enrolment/confirm', { pendingToken: pending.pendingToken, code: 'abc' });
      expect(malformed.status).toBe(400);
      const creation = (await (
        await post('/api/session/second-factor/passkey/enrolment/options', { pendingToken: pending.pendingToken })
      ).json()) as PasskeyOptions;
      const phished = await post('/api/session/second-factor/passkey/enrolment', {
        pendingToken: pending.pendingToken,
        label: 'Laptop',
        credential: new SoftwareAuthenticator(PUBLIC_ORIGIN).register(creation, { origin: 'https://lotse-example.de' }),
      });
      expect(phished.status).toBe(401);

      // pino writes asynchronously; give the pipe a moment.
      await new Promise((r) => setTimeout(r, 500));
      const events = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line['event'] === 'security');
      const byRequest = (response: Response) => events.filter((e) => e['requestId'] === response.headers.get('x-request-id'));

      expect(byRequest(wrong)).toEqual([
        expect.objectContaining({ kind: 'signIn.failed', clientAddress: '127.0.0.1', accountId: expect.any(String) as unknown }),
      ]);
      expect(byRequest(unknown)).toEqual([
        expect.objectContaining({
          kind: 'signIn.unknownUser',
          clientAddress: '127.0.0.1',
          usernameHash: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
        }),
      ]);
      expect(byRequest(refresh)).toEqual([expect.objectContaining({ kind: 'refresh.failed', clientAddress: '127.0.0.1' })]);
      expect(byRequest(miss)).toEqual([
        expect.objectContaining({ kind: 'partnerLookup.miss', clientAddress: '127.0.0.1', accountId: partner.user.id }),
      ]);
      expect(byRequest(badToken)).toEqual([expect.objectContaining({ kind: 'access.unauthorized', clientAddress: '127.0.0.1' })]);
      expect(byRequest(notCoordinator)).toEqual([
        expect.objectContaining({ kind: 'access.forbidden', clientAddress: '127.0.0.1', accountId: partner.user.id }),
      ]);
      expect(byRequest(wrongStep)).toEqual([
        expect.objectContaining({ kind: 'secondFactor.unknownChallenge', clientAddress: '127.0.0.1' }),
      ]);
      expect(byRequest(malformed)).toEqual([
        expect.objectContaining({
          kind: 'secondFactor.malformedCode',
          clientAddress: '127.0.0.1',
          accountId: expect.any(String) as unknown,
        }),
      ]);
      expect(byRequest(phished)).toEqual([
        expect.objectContaining({ kind: 'passkey.refused', clientAddress: '127.0.0.1', accountId: expect.any(String) as unknown }),
      ]);
      for (const secret of [
        pending.pendingToken,
        totpSecret,
        creation.challenge,
        wrongPassword,
        typedUsername,
        unknownToken,
        guessedCase,
        partner.token,
        partner.refreshToken,
        DEMO_PARTNER_ACCOUNT.password,
      ]) {
        expect(output).not.toContain(secret);
      }
    });
  });
}
