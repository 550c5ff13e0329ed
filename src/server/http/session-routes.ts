// Sign in (rate-limited per IP + username), refresh (rotating), who am I, sign out.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  errorEnvelopeSchema,
  loginRequestSchema,
  loginResponseSchema,
  refreshRequestSchema,
  sessionUserSchema,
} from '../../shared/protocol';
import type { AuthOutcome, AuthService } from '../services/auth-service';
import type { LoginResponse } from '../../shared/protocol';
import { authenticateWith, requireSession } from './auth';
import { ApiError, defaultMessage } from './errors';

export interface SessionRoutesOptions {
  auth: AuthService;
  loginRateLimit: { max: number; timeWindowMs: number };
  refreshRateLimit: { max: number; timeWindowMs: number };
}

function responseOf(outcome: AuthOutcome, unauthorizedMessage: string): LoginResponse {
  if (outcome.ok) return outcome.response;
  // The tablet wipes itself on deviceRevoked.
  if (outcome.reason === 'deviceRevoked') throw new ApiError(403, 'deviceRevoked', defaultMessage('deviceRevoked'));
  throw new ApiError(401, 'unauthorized', unauthorizedMessage);
}

function loginRateLimitKey(request: FastifyRequest): string {
  // Runs before validation: the body may be anything.
  const body: unknown = request.body;
  const username =
    typeof body === 'object' && body !== null && 'username' in body && typeof body.username === 'string'
      ? body.username.slice(0, 100).toLowerCase()
      : '';
  return `${request.ip}\u0000${username}`;
}

export const sessionRoutes: FastifyPluginCallbackZod<SessionRoutesOptions> = (app, { auth, loginRateLimit, refreshRateLimit }, done) => {
  const authenticate = authenticateWith(auth);

  app.post(
    '/api/session',
    {
      config: {
        rateLimit: {
          max: loginRateLimit.max,
          timeWindow: loginRateLimit.timeWindowMs,
          hook: 'preValidation',
          keyGenerator: loginRateLimitKey,
        },
      },
      schema: {
        summary: 'Sign in with username and password; returns access and refresh tokens',
        description:
          'With deviceId of an active enrolled tablet of the same municipality the session is bound to it and ' +
          'the answer carries deviceEscrowKey; a revoked tablet gets 403 deviceRevoked.',
        tags: ['session'],
        body: loginRequestSchema,
        response: {
          200: loginResponseSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          429: errorEnvelopeSchema,
        },
      },
    },
    async (request) => {
      const { username, password, deviceId } = request.body;
      // One message for unknown user, inactive account and wrong password.
      return responseOf(await auth.login(username, password, deviceId), 'Username or password is wrong.');
    },
  );

  app.post(
    '/api/session/refresh',
    {
      config: { rateLimit: { max: refreshRateLimit.max, timeWindow: refreshRateLimit.timeWindowMs, hook: 'preValidation' } },
      schema: {
        summary: 'Exchange a refresh token for new tokens; the used refresh token is revoked',
        description: 'A refresh token used a second time revokes its whole sign-in (all its tokens).',
        tags: ['session'],
        body: refreshRequestSchema,
        response: {
          200: loginResponseSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          429: errorEnvelopeSchema,
        },
      },
    },
    async (request) => {
      const { refreshToken, deviceId } = request.body;
      return responseOf(await auth.refresh(refreshToken, deviceId), defaultMessage('unauthorized'));
    },
  );

  app.get(
    '/api/session',
    {
      onRequest: authenticate,
      schema: {
        summary: 'The signed-in staff member',
        tags: ['session'],
        security: [{ bearer: [] }],
        response: { 200: sessionUserSchema, 401: errorEnvelopeSchema },
      },
    },
    (request) => requireSession(request).user,
  );

  app.delete(
    '/api/session',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Sign out: the access token and its refresh tokens are revoked',
        tags: ['session'],
        security: [{ bearer: [] }],
        response: { 204: z.undefined(), 401: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      await auth.logout(requireSession(request));
      return reply.code(204).send();
    },
  );
  done();
};
