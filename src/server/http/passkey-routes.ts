// Passkeys (WebAuthn) as the second factor of office sign-ins: answering the code step and
// setting one up as the required factor (with the password step's pending token), and the
// signed-in person's own passkeys (list, add with the password again, remove).
// Without PUBLIC_ORIGIN the server has no relying party: these routes answer 409 passkeysUnavailable.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorEnvelopeSchema, loginResponseSchema } from '@shared/protocol';
import {
  ownPasskeysSchema,
  passkeyAddRequestSchema,
  passkeyAddedSchema,
  passkeyEnrolmentRequestSchema,
  passkeyOptionsSchema,
  passkeyPendingRequestSchema,
  passkeyRegistrationOptionsRequestSchema,
  passkeySignInRequestSchema,
} from '@shared/passkeys';
import { secondFactorConfirmResponseSchema } from '@shared/second-factor';
import type { AuthService } from '../services/auth-service';
import { PasskeyRefused, type PasskeyService } from '../services/passkey-service';
import type { SecondFactorOutcome } from '../services/second-factor-service';
import { ServiceError } from '../services/service-error';
import { authenticateWith, requireSession } from './auth';
import { routeNote, type SecurityLog } from './security-log';

export interface PasskeyRoutesOptions {
  auth: AuthService;
  passkeys: PasskeyService;
  securityLog: SecurityLog;
  /** Per client address, in memory, in front of the database limits (as for the codes). */
  codeRateLimit: { max: number; timeWindowMs: number };
}

export const passkeyRoutes: FastifyPluginCallbackZod<PasskeyRoutesOptions> = (
  app,
  { auth, passkeys, securityLog, codeRateLimit },
  done,
) => {
  const authenticate = authenticateWith(auth);
  const security = [{ bearer: [] }];
  const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 409: errorEnvelopeSchema, 429: errorEnvelopeSchema } as const;
  const rateLimit = {
    max: codeRateLimit.max,
    timeWindow: codeRateLimit.timeWindowMs,
    hook: 'preValidation' as const,
    onExceeded: (request: FastifyRequest) => {
      securityLog(request, [routeNote('signIn.rateLimited')]);
    },
  };

  /** The step's security events go to the log (a use as much as a refusal), its error to the client. */
  function valueOf<T>(request: FastifyRequest, outcome: SecondFactorOutcome<T>): T {
    if (outcome.security !== undefined && outcome.security.length > 0) securityLog(request, outcome.security);
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  /** A sign-in's passkey step acts for the municipality of its pending sign-in. */
  const pending = <T>(pendingToken: string, work: () => Promise<T>): Promise<T> => auth.secondFactors.inPendingSignIn(pendingToken, work);

  /** A signed-in person's ceremony: its refusal's security events go to the log. */
  async function logged<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PasskeyRefused) securityLog(request, error.security);
      throw error;
    }
  }

  app.post(
    '/api/session/second-factor/passkey/options',
    {
      config: { rateLimit },
      schema: {
        summary: 'Second step of a sign-in with a passkey: the WebAuthn options (challenge) for the account’s passkeys',
        description:
          'pendingToken comes from POST /api/session ("verify", passkey: true). The challenge is kept on the server ' +
          '(hashed) for 5 minutes and answered at most once. 409 passkeysUnavailable without PUBLIC_ORIGIN or passkeys.',
        tags: ['session'],
        body: passkeyPendingRequestSchema,
        response: { 200: passkeyOptionsSchema, ...errors },
      },
    },
    async (request) =>
      valueOf(request, await pending(request.body.pendingToken, () => passkeys.signInOptions(request.body.pendingToken, request.ip))),
  );

  app.post(
    '/api/session/second-factor/passkey',
    {
      config: { rateLimit },
      schema: {
        summary: 'Second step of a sign-in answered by a passkey; returns the tokens',
        description:
          'The answer must be signed over a challenge of ours not used before, from this server’s origin, by a passkey ' +
          'of the account, with a signature counter above the last one. A refusal (401 passkeyRefused) counts under the ' +
          'sign-in limits like a wrong code and is audited.',
        tags: ['session'],
        body: passkeySignInRequestSchema,
        response: { 200: loginResponseSchema, ...errors },
      },
    },
    async (request) =>
      valueOf(
        request,
        await pending(request.body.pendingToken, () => passkeys.signIn(request.body.pendingToken, request.body.credential, request.ip)),
      ),
  );

  app.post(
    '/api/session/second-factor/passkey/enrolment/options',
    {
      config: { rateLimit },
      schema: {
        summary: 'Set up a passkey as the required second factor: the WebAuthn options (challenge)',
        description: 'pendingToken comes from POST /api/session ("enrol", passkey: true).',
        tags: ['session'],
        body: passkeyPendingRequestSchema,
        response: { 200: passkeyOptionsSchema, ...errors },
      },
    },
    async (request) =>
      valueOf(request, await pending(request.body.pendingToken, () => passkeys.enrolmentOptions(request.body.pendingToken, request.ip))),
  );

  app.post(
    '/api/session/second-factor/passkey/enrolment',
    {
      config: { rateLimit },
      schema: {
        summary: 'Confirm the new passkey as the second factor; returns the tokens and the recovery codes (shown once)',
        tags: ['session'],
        body: passkeyEnrolmentRequestSchema,
        response: { 200: secondFactorConfirmResponseSchema, ...errors },
      },
    },
    async (request) =>
      valueOf(
        request,
        await pending(request.body.pendingToken, () =>
          passkeys.enrol(request.body.pendingToken, request.body.label, request.body.credential, request.ip),
        ),
      ),
  );

  app.get(
    '/api/account/passkeys',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Your own passkeys (never a key), whether an authenticator app is set up, whether your role requires a second factor',
        tags: ['session'],
        security,
        response: { 200: ownPasskeysSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    async (request) => passkeys.own(requireSession(request).user),
  );

  app.post(
    '/api/account/passkeys/options',
    {
      onRequest: authenticate,
      config: { rateLimit },
      schema: {
        summary: 'Add a passkey to your own account: the WebAuthn options, after your password',
        description: 'A wrong password is 403 wrongPassword and counts as a failed sign-in of the account.',
        tags: ['session'],
        security,
        body: passkeyRegistrationOptionsRequestSchema,
        response: { 200: passkeyOptionsSchema, ...errors, 403: errorEnvelopeSchema },
      },
    },
    async (request) => logged(request, () => passkeys.addOptions(requireSession(request).user, request.body.password, request.ip)),
  );

  app.post(
    '/api/account/passkeys',
    {
      onRequest: authenticate,
      config: { rateLimit },
      schema: {
        summary: 'Add the new passkey to your own account; your first second factor comes with recovery codes (shown once)',
        tags: ['session'],
        security,
        body: passkeyAddRequestSchema,
        response: { 201: passkeyAddedSchema, ...errors, 403: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const added = await logged(request, () =>
        passkeys.add(requireSession(request).user, request.body.label, request.body.credential, request.ip),
      );
      const user = requireSession(request).user;
      securityLog(request, [{ kind: 'passkey.registered', accountId: user.id, municipalityId: user.municipalityId }]);
      return reply.code(201).send(added);
    },
  );

  app.delete(
    '/api/account/passkeys/:id',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Remove one of your own passkeys (not your last second factor if your role requires one: 409 lastSecondFactor)',
        tags: ['session'],
        security,
        params: z.strictObject({ id: z.string().min(1).max(1366) }),
        response: {
          204: z.undefined(),
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          404: errorEnvelopeSchema,
          409: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const user = requireSession(request).user;
      const note = { accountId: user.id, municipalityId: user.municipalityId };
      try {
        await passkeys.remove(user, request.params.id);
      } catch (error) {
        if (error instanceof ServiceError && error.reason === 'lastSecondFactor') {
          await passkeys.auditRemovalRefused(user, request.params.id);
          securityLog(request, [{ kind: 'passkey.removalRefused', ...note }]);
        }
        throw error;
      }
      securityLog(request, [{ kind: 'passkey.removed', ...note }]);
      return reply.code(204).send();
    },
  );
  done();
};
