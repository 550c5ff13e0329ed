// Signing keys for four-eyes approval: each staff member enrolls their own
// public key for the tablet their session is bound to; the tablet roles
// (fieldworker, approver, coordinator: those who sign or verify approvals) read
// the municipality's public keys. Partner- and admin-only sessions get 403.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import { enrollSigningKeyRequestSchema, signingKeySchema } from '@shared/staff-api';
import { TABLET_ROLES, type AuthService } from '../services/auth-service';
import type { SigningKeyService } from '../services/signing-key-service';
import { authenticateWith, requireRoles, requireSession, requireTabletSession } from './auth';
import { ServiceError } from '../services/service-error';

const ON_TABLET_ONLY = 'Signing keys only from the tablet this session is signed in on.';

export interface StaffKeyRoutesOptions {
  auth: AuthService;
  keys: SigningKeyService;
}

export const staffKeyRoutes: FastifyPluginCallbackZod<StaffKeyRoutesOptions> = (app, { auth, keys }, done) => {
  const authenticate = authenticateWith(auth);
  const tabletRoles = requireRoles(...TABLET_ROLES);

  app.post(
    '/api/staff/keys',
    {
      // Refused before the body is read: other roles, and sessions not bound to a tablet.
      onRequest: [authenticate, tabletRoles, requireTabletSession(ON_TABLET_ONLY)],
      schema: {
        summary: "Enroll one's own ECDSA P-256 public key for a tablet; replaces the previous one",
        description:
          "Only from a session bound to that same tablet (signed in on it, body deviceId = the session's tablet), " +
          'and only for fieldworker, approver or coordinator; else 403 forbidden.',
        tags: ['staff'],
        security: [{ bearer: [] }],
        body: enrollSigningKeyRequestSchema,
        response: {
          201: signingKeySchema,
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          404: errorEnvelopeSchema,
          409: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      if (request.body.deviceId !== session.deviceId) throw new ServiceError(403, 'forbidden', ON_TABLET_ONLY);
      const key = await keys.enroll(session.user, request.body);
      return reply.code(201).send(key);
    },
  );

  app.get(
    '/api/staff/keys',
    {
      onRequest: [authenticate, tabletRoles],
      schema: {
        summary: "The municipality's signing keys (public), revoked ones included",
        description: 'For fieldworker, approver and coordinator (who verify approvals); partner- and admin-only sessions get 403.',
        tags: ['staff'],
        security: [{ bearer: [] }],
        response: {
          200: z.strictObject({ keys: z.array(signingKeySchema) }),
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
        },
      },
    },
    async (request) => ({ keys: await keys.list(requireSession(request).user) }),
  );
  done();
};
