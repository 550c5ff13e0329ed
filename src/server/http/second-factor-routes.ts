// The second step of an office sign-in (code or recovery code), setting up an authenticator
// when the account's role requires one, and the administrator's policy and reset. The pending
// token of the password step opens only the three /api/session/second-factor routes: every
// other route asks for a session token and refuses it.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema, loginResponseSchema } from '@shared/protocol';
import {
  secondFactorConfirmRequestSchema,
  secondFactorConfirmResponseSchema,
  secondFactorEnrolmentRequestSchema,
  secondFactorEnrolmentSchema,
  secondFactorOverviewSchema,
  secondFactorPolicySchema,
  secondFactorVerifyRequestSchema,
} from '@shared/second-factor';
import type { AuthService } from '../services/auth-service';
import type { SecondFactorOutcome } from '../services/second-factor-service';
import { authenticateWith, requireRoles, requireSession } from './auth';
import { routeNote, type SecurityLog } from './security-log';
import type { FastifyRequest } from 'fastify';

export interface SecondFactorRoutesOptions {
  auth: AuthService;
  securityLog: SecurityLog;
  /** Per client address, in memory, in front of the database limits (as for the password step). */
  codeRateLimit: { max: number; timeWindowMs: number };
}

export const secondFactorRoutes: FastifyPluginCallbackZod<SecondFactorRoutesOptions> = (
  app,
  { auth, securityLog, codeRateLimit },
  done,
) => {
  const factors = auth.secondFactors;
  const admins = [authenticateWith(auth), requireRoles('admin')];
  const security = [{ bearer: [] }];
  const codeErrors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 429: errorEnvelopeSchema } as const;
  const rateLimit = {
    max: codeRateLimit.max,
    timeWindow: codeRateLimit.timeWindowMs,
    hook: 'preValidation' as const,
    onExceeded: (request: FastifyRequest) => {
      securityLog(request, [routeNote('signIn.rateLimited')]);
    },
  };

  /** A refused step: its security events go to the log, its error (with reason) to the client. */
  function valueOf<T>(request: FastifyRequest, outcome: SecondFactorOutcome<T>): T {
    if (outcome.ok) return outcome.value;
    securityLog(request, outcome.security);
    throw outcome.error;
  }

  app.post(
    '/api/session/second-factor',
    {
      config: { rateLimit },
      schema: {
        summary: 'Second step of a sign-in: a current authenticator code or an unused recovery code; returns the tokens',
        description:
          'pendingToken comes from POST /api/session ("verify"). Each time step is accepted once (a replayed code is 401 ' +
          'secondFactorReplayed), each recovery code once. Wrong and replayed codes count under the sign-in limits and ' +
          'are audited; after 5 on one pending sign-in the password must be entered again.',
        tags: ['session'],
        body: secondFactorVerifyRequestSchema,
        response: { 200: loginResponseSchema, ...codeErrors },
      },
    },
    async (request) =>
      valueOf(
        request,
        await factors.inPendingSignIn(request.body.pendingToken, () =>
          factors.verify(request.body.pendingToken, request.body.code, request.ip),
        ),
      ),
  );

  app.post(
    '/api/session/second-factor/enrolment',
    {
      config: { rateLimit },
      schema: {
        summary: 'Start setting up an authenticator app for a sign-in whose role requires a second factor',
        description:
          'pendingToken comes from POST /api/session ("enrol"). Returns a fresh secret (as text and as otpauth:// URI for the ' +
          'QR code); it is active only once confirmed with a current code, and never sent again.',
        tags: ['session'],
        body: secondFactorEnrolmentRequestSchema,
        response: { 200: secondFactorEnrolmentSchema, ...codeErrors },
      },
    },
    async (request) =>
      valueOf(
        request,
        await factors.inPendingSignIn(request.body.pendingToken, () => factors.startEnrolment(request.body.pendingToken, request.ip)),
      ),
  );

  app.post(
    '/api/session/second-factor/enrolment/confirm',
    {
      config: { rateLimit },
      schema: {
        summary: 'Confirm the new authenticator with a current code; returns the tokens and the recovery codes (shown once)',
        tags: ['session'],
        body: secondFactorConfirmRequestSchema,
        response: { 200: secondFactorConfirmResponseSchema, ...codeErrors },
      },
    },
    async (request) =>
      valueOf(
        request,
        await factors.inPendingSignIn(request.body.pendingToken, () =>
          factors.confirmEnrolment(request.body.pendingToken, request.body.code, request.ip),
        ),
      ),
  );

  app.get(
    '/api/admin/second-factors',
    {
      onRequest: admins,
      schema: {
        summary: 'Which office roles must sign in with a second factor, and who has one (admin)',
        tags: ['admin'],
        security,
        response: { 200: secondFactorOverviewSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const admin = requireSession(request).user;
      return { requiredRoles: (await factors.policy(admin)).requiredRoles, enrolled: await factors.enrolled(admin) };
    },
  );

  app.put(
    '/api/admin/second-factors/policy',
    {
      onRequest: admins,
      schema: {
        summary: 'Require a second factor for office roles (admin); admin is always required',
        tags: ['admin'],
        security,
        body: secondFactorPolicySchema,
        response: { 200: secondFactorPolicySchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    async (request) => factors.setPolicy(requireSession(request).user, request.body),
  );

  app.post(
    '/api/admin/staff/:id/second-factor/reset',
    {
      onRequest: admins,
      schema: {
        summary: "Remove a staff member's second factor, e.g. after a lost phone (admin; never one's own)",
        tags: ['admin'],
        security,
        params: z.strictObject({ id: z.string().min(1).max(100) }),
        response: { 204: z.undefined(), 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      await factors.reset(requireSession(request).user, request.params.id);
      return reply.code(204).send();
    },
  );
  done();
};
