// Signing keys for four-eyes approval: each staff member enrolls their own
// public key per tablet; everyone in the municipality can read the public keys.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '../../shared/protocol';
import { enrollSigningKeyRequestSchema, signingKeySchema } from '../../shared/staff-api';
import type { AuthService } from '../services/auth-service';
import type { SigningKeyService } from '../services/signing-key-service';
import { authenticateWith, requireSession } from './auth';

export interface StaffKeyRoutesOptions {
  auth: AuthService;
  keys: SigningKeyService;
}

export const staffKeyRoutes: FastifyPluginCallbackZod<StaffKeyRoutesOptions> = (app, { auth, keys }, done) => {
  const authenticate = authenticateWith(auth);

  app.post(
    '/api/staff/keys',
    {
      onRequest: authenticate,
      schema: {
        summary: "Enroll one's own ECDSA P-256 public key for a tablet; replaces the previous one",
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
      const key = await keys.enroll(requireSession(request).user, request.body);
      return reply.code(201).send(key);
    },
  );

  app.get(
    '/api/staff/keys',
    {
      onRequest: authenticate,
      schema: {
        summary: "The municipality's signing keys (public), revoked ones included",
        tags: ['staff'],
        security: [{ bearer: [] }],
        response: { 200: z.strictObject({ keys: z.array(signingKeySchema) }), 401: errorEnvelopeSchema },
      },
    },
    async (request) => ({ keys: await keys.list(requireSession(request).user) }),
  );
  done();
};
