// Sign in (limited per account, client address and municipality in the database, plus per IP + username in memory),
// refresh (rotating), who am I, sign out. Every failure and refusal is a security event in the log (security-log.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema, loginRequestSchema, loginResponseSchema, refreshRequestSchema, sessionUserSchema } from '@shared/protocol';
import type { AuthOutcome, AuthService } from '../services/auth-service';
import { PasswordChangeRefused, type PasswordService } from '../services/password-service';
import { changePasswordRequestSchema } from '@shared/password-api';
import { signInResponseSchema } from '@shared/second-factor';
import { authenticateWith, requireSession } from './auth';
import { ServiceError, defaultMessage } from '../services/service-error';
import { routeNote, type SecurityLog } from './security-log';

export interface SessionRoutesOptions {
  auth: AuthService;
  passwords: PasswordService;
  loginRateLimit: { max: number; timeWindowMs: number };
  refreshRateLimit: { max: number; timeWindowMs: number };
  securityLog: SecurityLog;
}

function responseOf<R>(outcome: AuthOutcome<R>, unauthorizedMessage: string, reply: FastifyReply): R {
  if (outcome.ok) return outcome.response;
  if (outcome.reason === 'rateLimited') {
    // A locked account has no time to wait for: an admin must unlock it.
    if (outcome.retryAfterSeconds !== null) void reply.header('Retry-After', String(outcome.retryAfterSeconds));
    throw new ServiceError(429, 'rateLimited', defaultMessage('rateLimited'));
  }
  // The tablet wipes itself on deviceRevoked.
  if (outcome.reason === 'deviceRevoked') throw new ServiceError(403, 'deviceRevoked', defaultMessage('deviceRevoked'));
  // A 401 all the same (clients sign in again), with the reason so they can say why.
  if (outcome.reason === 'sessionExpired') throw new ServiceError(401, 'sessionExpired', defaultMessage('sessionExpired'));
  if (outcome.reason === 'passwordExpired') throw new ServiceError(401, 'passwordExpired', defaultMessage('passwordExpired'));
  throw new ServiceError(401, 'unauthorized', unauthorizedMessage);
}

/** The typed username, before validation: the body may be anything. */
function typedUsername(request: FastifyRequest): string {
  const body: unknown = request.body;
  return typeof body === 'object' && body !== null && 'username' in body && typeof body.username === 'string'
    ? body.username.slice(0, 100).toLowerCase()
    : '';
}

function loginRateLimitKey(request: FastifyRequest): string {
  return `${request.ip}\u0000${typedUsername(request)}`;
}

export const sessionRoutes: FastifyPluginCallbackZod<SessionRoutesOptions> = (
  app,
  { auth, passwords, loginRateLimit, refreshRateLimit, securityLog },
  done,
) => {
  // Who am I, sign out and setting a new password work for a session from a one-time password too.
  const authenticate = authenticateWith(auth, { allowPasswordChange: true });

  app.post(
    '/api/session',
    {
      config: {
        rateLimit: {
          max: loginRateLimit.max,
          timeWindow: loginRateLimit.timeWindowMs,
          hook: 'preValidation',
          keyGenerator: loginRateLimitKey,
          onExceeded: (request) => {
            securityLog(request, [routeNote('signIn.rateLimited')], typedUsername(request));
          },
        },
      },
      schema: {
        summary: 'Sign in with username and password; returns access and refresh tokens, or the second factor still due',
        description:
          "With deviceId the request must also carry that tablet's deviceSecret: a missing or wrong secret, or a " +
          'tablet unknown here, is 401 unauthorized like a wrong password. A proven, active tablet of the same ' +
          'municipality binds the session to it and the answer carries deviceEscrowKey — only for accounts ' +
          'holding fieldworker, approver or coordinator; partner- or admin-only accounts get an unbound session ' +
          'without the key. A proven but revoked tablet gets 403 deviceRevoked. A sign-in not bound to a tablet whose ' +
          'account has a second factor, or whose role requires one, gets no tokens but a short-lived pendingToken ' +
          '(secondFactor "verify" or "enrol") for the /api/session/second-factor routes.',
        tags: ['session'],
        body: loginRequestSchema,
        response: {
          200: signInResponseSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          429: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const { username, password, deviceId, deviceSecret } = request.body;
      // One message for unknown user, inactive account, wrong password and a missing or wrong tablet proof.
      const outcome = await auth.login(username, password, deviceId, deviceSecret, request.ip);
      if (!outcome.ok) securityLog(request, outcome.security, username);
      return responseOf(outcome, 'Username or password is wrong.', reply);
    },
  );

  app.post(
    '/api/session/refresh',
    {
      config: {
        rateLimit: {
          max: refreshRateLimit.max,
          timeWindow: refreshRateLimit.timeWindowMs,
          hook: 'preValidation',
          onExceeded: (request) => {
            securityLog(request, [routeNote('refresh.rateLimited')]);
          },
        },
      },
      schema: {
        summary: 'Exchange a refresh token for new tokens; the used refresh token is revoked',
        description:
          'A refresh token used a second time revokes its whole sign-in (all its tokens). A refresh revokes the ' +
          "sign-in's earlier access tokens. After the municipality's absolute lifetime (officeSessionHours, or " +
          'tabletSessionDays for a sign-in bound to a tablet) the answer is 401 sessionExpired and the sign-in ends. ' +
          'A refresh token of a revoked tablet, with its proof, is 403 deviceRevoked. A sign-in keeps the ' +
          'tablet binding it got at sign-in: an unbound one naming a deviceId is 401; a bound one must name its ' +
          'tablet and carry its deviceSecret, else 401 and the whole sign-in is revoked.',
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
    async (request, reply) => {
      const { refreshToken, deviceId, deviceSecret } = request.body;
      const outcome = await auth.refresh(refreshToken, deviceId, deviceSecret, request.ip);
      if (!outcome.ok) securityLog(request, outcome.security);
      return responseOf(outcome, defaultMessage('unauthorized'), reply);
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

  app.post(
    '/api/session/password',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Change your own password: the current one, then the new one',
        description:
          'The new password must pass the strength rule (at least 12 characters, not a known breached password, ' +
          'an estimated 10^10 guesses): else 400 weakPassword. A wrong current password is 403 wrongPassword and ' +
          'counts as a failed sign-in of the account; an expired one-time password is 401 passwordExpired. ' +
          'On success every other sign-in of the person ends; this one stays (and, after a one-time password, ' +
          'may now use every route its roles allow).',
        tags: ['session'],
        security: [{ bearer: [] }],
        body: changePasswordRequestSchema,
        response: {
          204: z.undefined(),
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          429: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      try {
        await passwords.changeOwnPassword(requireSession(request), request.body.currentPassword, request.body.newPassword, request.ip);
      } catch (error) {
        if (error instanceof PasswordChangeRefused) securityLog(request, error.security);
        throw error;
      }
      return reply.code(204).send();
    },
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
