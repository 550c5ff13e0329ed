// Free places of an offer (docs/REFERRALS.md, "Capacity"): the signed-in
// partner's own offers (/api/partner/offers…) and the public page's two calls
// with the offer's partner key alone (/api/public/capacity…). The key travels
// only in request bodies, never in a path or query string the access log could keep.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import { offerIdParamsSchema } from '@shared/referral-api';
import {
  partnerCapacityRequestSchema,
  partnerOfferCapacityListSchema,
  publicCapacityLookupSchema,
  publicCapacityRequestSchema,
  publicCapacitySchema,
} from '@shared/offer-capacity';
import type { AuthService } from '../services/auth-service';
import type { OfferCapacityService } from '../services/offer-capacity-service';
import { ConfirmationThrottled } from '../services/partner-confirmation-service';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface OfferCapacityRoutesOptions {
  auth: AuthService;
  capacity: OfferCapacityService;
}

export const offerCapacityRoutes: FastifyPluginCallbackZod<OfferCapacityRoutesOptions> = (app, { auth, capacity }, done) => {
  const partners = [authenticateWith(auth), requireRoles('partner')];
  const security = [{ bearer: [] }];
  const denied = { 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;
  const publicErrors = { 400: errorEnvelopeSchema, 403: errorEnvelopeSchema, 429: errorEnvelopeSchema } as const;

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
    '/api/partner/offers',
    {
      onRequest: partners,
      schema: {
        summary: "The partner organisation's own offers with their free places (partner)",
        tags: ['referrals'],
        security,
        response: { 200: partnerOfferCapacityListSchema, ...denied },
      },
    },
    (request) => capacity.listForPartner(requireSession(request).user),
  );

  app.put(
    '/api/partner/offers/:offerId/capacity',
    {
      onRequest: partners,
      schema: {
        summary: 'Set free places of an own offer: a number (0–999), waiting list or full; dated with server time (partner)',
        description: "Only offers of the signed-in partner's organisation (another's → 404). Bad input → 400, nothing changed.",
        tags: ['referrals'],
        security,
        params: offerIdParamsSchema,
        body: partnerCapacityRequestSchema,
        response: { 200: publicCapacitySchema, 400: errorEnvelopeSchema, ...denied, 404: errorEnvelopeSchema },
      },
    },
    (request) => capacity.setAsPartner(requireSession(request).user, request.params.offerId, request.body.capacity),
  );

  app.post(
    '/api/public/capacity/lookup',
    {
      schema: {
        summary: 'Public page: the offer a partner key names and its free places — the key alone, no slip code',
        description:
          'No account. The partner key in the body. Throttled together with the confirmation page (429 with ' +
          'Retry-After); a wrong key is counted and audited where the offer is known.',
        tags: ['public'],
        body: publicCapacityLookupSchema,
        response: { 200: publicCapacitySchema, ...publicErrors },
      },
    },
    (request, reply) => withRetryAfter(reply, () => capacity.lookupWithKey(request.body.partnerKey, request.ip)),
  );

  app.post(
    '/api/public/capacity',
    {
      schema: {
        summary: 'Public page: set free places of the offer a partner key names (number 0–999, waiting list or full)',
        description: 'Throttled and audited like the look-up. Bad input after a right key → 400 with a reason, audited, nothing changed.',
        tags: ['public'],
        body: publicCapacityRequestSchema,
        response: { 200: publicCapacitySchema, ...publicErrors },
      },
    },
    (request, reply) => withRetryAfter(reply, () => capacity.setWithKey(request.body.partnerKey, request.body.capacity, request.ip)),
  );
  done();
};
