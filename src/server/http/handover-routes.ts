// Warm handover routes for partner staff (src/server/services/handover-service.ts):
// their own handover key (public key + the private key wrapped in the
// browser), and opening a call-back request once. The referral id is in the
// path; the number never is — it travels only sealed, in the answer body.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import {
  handoverKeyEnrollmentSchema,
  handoverKeyResponseSchema,
  handoverOpenRequestSchema,
  handoverRevealResponseSchema,
} from '@shared/handover-api';
import { referralIdParamsSchema } from '@shared/referral-api';
import type { AuthService } from '../services/auth-service';
import type { HandoverService } from '../services/handover-service';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface HandoverRoutesOptions {
  auth: AuthService;
  handovers: HandoverService;
  /** Key changes per IP (they verify the account password); default 10 per minute. */
  keyRateLimit?: { max: number; timeWindowMs: number };
}

export const handoverRoutes: FastifyPluginCallbackZod<HandoverRoutesOptions> = (app, { auth, handovers, keyRateLimit }, done) => {
  const partners = [authenticateWith(auth), requireRoles('partner')];
  const security = [{ bearer: [] }];
  const denied = { 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;

  app.get(
    '/api/partner/handover-key',
    {
      onRequest: partners,
      schema: {
        summary: "One's own handover key: public key and the private key wrapped under a passphrase only the browser knows (partner)",
        tags: ['referrals'],
        security,
        response: { 200: handoverKeyResponseSchema, ...denied },
      },
    },
    (request) => handovers.key(requireSession(request).user),
  );

  app.put(
    '/api/partner/handover-key',
    {
      onRequest: partners,
      // It checks the account password: rate-limited like a sign-in.
      config: { rateLimit: { max: keyRateLimit?.max ?? 10, timeWindow: keyRateLimit?.timeWindowMs ?? 60_000, hook: 'preValidation' } },
      schema: {
        summary: "Enrol or replace one's own handover key (partner); tablets seal call-back numbers to it after their next pull",
        description: 'Needs the account password again (403 if wrong, audited). Reusing the current key id for another key is 409.',
        tags: ['referrals'],
        security,
        body: handoverKeyEnrollmentSchema,
        response: {
          200: handoverKeyResponseSchema,
          400: errorEnvelopeSchema,
          409: errorEnvelopeSchema,
          429: errorEnvelopeSchema,
          ...denied,
        },
      },
    },
    (request) => handovers.setKey(requireSession(request).user, request.body),
  );

  app.post(
    '/api/partner/referrals/:referralId/callback/open',
    {
      onRequest: partners,
      schema: {
        summary: 'Open a call-back request once: the box sealed to your key; all its boxes are deleted (partner)',
        description:
          '404 for no open request, an expired one (14 days) or another organisation’s referral; ' +
          '409 when `keyId` is not your current key or no box is sealed to it (nothing is deleted then).',
        tags: ['referrals'],
        security,
        params: referralIdParamsSchema,
        body: handoverOpenRequestSchema,
        response: {
          200: handoverRevealResponseSchema,
          400: errorEnvelopeSchema,
          404: errorEnvelopeSchema,
          409: errorEnvelopeSchema,
          ...denied,
        },
      },
    },
    (request) => handovers.reveal(requireSession(request).user, request.params.referralId, request.body.keyId),
  );
  done();
};
