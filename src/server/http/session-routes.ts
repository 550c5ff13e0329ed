// Sign in (rate-limited per IP + username), who am I, sign out.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  errorEnvelopeSchema,
  loginRequestSchema,
  loginResponseSchema,
  sessionUserSchema,
} from '../../shared/protocol';
import type { AuthService } from '../services/auth-service';
import { authenticateWith, requireSession } from './auth';
import { ApiError } from './errors';

export interface SessionRoutesOptions {
  auth: AuthService;
  loginRateLimit: { max: number; timeWindowMs: number };
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

export const sessionRoutes: FastifyPluginCallbackZod<SessionRoutesOptions> = (app, { auth, loginRateLimit }, done) => {
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
        summary: 'Sign in with username and password; returns a bearer token',
        tags: ['session'],
        body: loginRequestSchema,
        response: { 200: loginResponseSchema, 401: errorEnvelopeSchema, 429: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const result = await auth.login(request.body.username, request.body.password);
      // One message for unknown user, inactive account and wrong password.
      if (!result) throw new ApiError(401, 'unauthorized', 'Username or password is wrong.');
      return { token: result.token, expiresAt: result.session.expiresAt, user: result.session.user };
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
        summary: 'Sign out: the token is revoked',
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
