// Confirmation without an account (docs/REFERRALS.md): the coordinator's
// partner keys per offer (/api/office/…), and the one public page's two calls
// (/api/public/confirmation…). Slip code and partner key travel only in
// request bodies — never in a path or query string the access log could keep.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import {
  issuedPartnerKeySchema,
  offerIdParamsSchema,
  partnerKeyStatusListSchema,
  publicConfirmationLookupSchema,
  publicConfirmationRequestSchema,
  publicConfirmationSchema,
} from '@shared/referral-api';
import type { AuthService } from '../services/auth-service';
import type { PartnerKeyService } from '../services/partner-key-service';
import { ConfirmationThrottled, type PartnerConfirmationService } from '../services/partner-confirmation-service';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface PartnerConfirmationRoutesOptions {
  auth: AuthService;
  keys: PartnerKeyService;
  confirmations: PartnerConfirmationService;
}

export const partnerConfirmationRoutes: FastifyPluginCallbackZod<PartnerConfirmationRoutesOptions> = (
  app,
  { auth, keys, confirmations },
  done,
) => {
  const coordinators = [authenticateWith(auth), requireRoles('coordinator')];
  const security = [{ bearer: [] }];
  const denied = { 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;
  const publicErrors = {
    400: errorEnvelopeSchema,
    403: errorEnvelopeSchema,
    409: errorEnvelopeSchema,
    429: errorEnvelopeSchema,
  } as const;

  /** The throttle's refusal carries when to try again. */
  const withRetryAfter = async <T>(reply: { header: (name: string, value: string) => unknown }, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ConfirmationThrottled) reply.header('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  };

  app.get(
    '/api/office/offers/partner-keys',
    {
      onRequest: coordinators,
      schema: {
        summary: 'Which offers have a partner key, its public id and when it was issued — never the key (coordinator)',
        tags: ['referrals'],
        security,
        response: { 200: partnerKeyStatusListSchema, ...denied },
      },
    },
    async (request) => ({ keys: await keys.list(requireSession(request).user) }),
  );

  app.post(
    '/api/office/offers/:offerId/partner-key',
    {
      onRequest: coordinators,
      schema: {
        summary: "Issue or rotate an offer's partner key (coordinator); shown this once, the old key stops working",
        tags: ['referrals'],
        security,
        params: offerIdParamsSchema,
        response: { 200: issuedPartnerKeySchema, ...denied, 404: errorEnvelopeSchema, 409: errorEnvelopeSchema },
      },
    },
    (request) => keys.issue(requireSession(request).user, request.params.offerId),
  );

  app.post(
    '/api/public/confirmation/lookup',
    {
      schema: {
        summary: 'Public page: what a slip code names for this partner key — the offer and the referral date only',
        description:
          'No account. Slip code and partner key in the body. Throttled per client address, per key and ' +
          'server-wide (429 with Retry-After); every failure is counted and audited where the offer is known.',
        tags: ['public'],
        body: publicConfirmationLookupSchema,
        response: { 200: publicConfirmationSchema, ...publicErrors },
      },
    },
    (request, reply) => withRetryAfter(reply, () => confirmations.lookup(request.body, request.ip)),
  );

  app.post(
    '/api/public/confirmation',
    {
      schema: {
        summary: 'Public page: confirm uptake (or say why not) with slip code and partner key — one tap, once per slip code',
        description:
          'The referral state machine and reason rules decide as for a signed-in partner; the slip code is used up ' +
          'by the first confirmation and never works after the referral reached a final state.',
        tags: ['public'],
        body: publicConfirmationRequestSchema,
        response: { 200: publicConfirmationSchema, ...publicErrors },
      },
    },
    (request, reply) => withRetryAfter(reply, () => confirmations.confirm(request.body, request.ip)),
  );
  done();
};
