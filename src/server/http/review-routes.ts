// Four-eyes reviews (DESIGN.md §4): submit approvals and send-backs, the
// approval queue of an organisation, and the decisions a tablet pulls for the
// records it sent. Tablets only: signatures are made with keys that live on
// enrolled tablets, and the queue carries record content.
import { boundedInstantSchema } from '@shared/instants';
import { z } from 'zod';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import {
  reviewDecisionsResponseSchema,
  reviewQueueResponseSchema,
  submitReviewsRequestSchema,
  submitReviewsResponseSchema,
} from '@shared/four-eyes';
import { TABLET_ROLES, type AuthService } from '../services/auth-service';
import type { ReviewService } from '../services/review-service';
import { authenticateWith, requireRoles, requireSession, requireTabletSession } from './auth';
import { ServiceError } from '../services/service-error';

export const REVIEWS_TABLET_ONLY_MESSAGE = 'Reviews only from an enrolled tablet signed in on that tablet.';

export const decisionsQuerySchema = z.strictObject({
  /** Only decisions received at or after this instant; all if absent. */
  since: boundedInstantSchema.optional(),
});

export interface ReviewRoutesOptions {
  auth: AuthService;
  reviews: ReviewService;
}

export const reviewRoutes: FastifyPluginCallbackZod<ReviewRoutesOptions> = (app, { auth, reviews }, done) => {
  const authenticate = authenticateWith(auth);
  const tabletStaff = [authenticate, requireRoles(...TABLET_ROLES), requireTabletSession(REVIEWS_TABLET_ONLY_MESSAGE)];

  app.post(
    '/api/reviews',
    {
      // Signed by two people; any tablet session of the municipality may carry it (the same tablet's
      // author session often does). What counts is that both signatures verify.
      onRequest: tabletStaff,
      schema: {
        summary: 'Submit approvals and send-backs (four-eyes), each signed by author and reviewer',
        description:
          'Answers per review; a retry of an accepted review gets the same answer. Rejected: self-approval ' +
          '(same person, whatever the key or account), bad signature, revoked or unknown key, reviewer not an ' +
          'approver of the author’s organisation, stale revision, changed content, a used review id.',
        tags: ['reviews'],
        security: [{ bearer: [] }],
        body: submitReviewsRequestSchema,
        response: { 200: submitReviewsResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    async (request) => {
      const session = requireSession(request);
      if (session.deviceId === null || session.deviceId !== request.body.deviceId) {
        throw new ServiceError(403, 'forbidden', REVIEWS_TABLET_ONLY_MESSAGE);
      }
      return reviews.submit(session.user, request.body.reviews);
    },
  );

  app.get(
    '/api/reviews/queue',
    {
      onRequest: [authenticate, requireRoles('approver'), requireTabletSession(REVIEWS_TABLET_ONLY_MESSAGE)],
      schema: {
        summary: 'Records of my organisation waiting for a second check (never my own)',
        tags: ['reviews'],
        security: [{ bearer: [] }],
        response: { 200: reviewQueueResponseSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    (request) => {
      const session = requireSession(request);
      if (session.deviceId === null) throw new ServiceError(403, 'forbidden', REVIEWS_TABLET_ONLY_MESSAGE);
      return reviews.queue(session.user, session.deviceId);
    },
  );

  app.get(
    '/api/reviews/decisions',
    {
      onRequest: tabletStaff,
      schema: {
        summary: 'Approvals and send-backs of records this tablet sent',
        tags: ['reviews'],
        security: [{ bearer: [] }],
        querystring: decisionsQuerySchema,
        response: { 200: reviewDecisionsResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    (request) => {
      const session = requireSession(request);
      if (session.deviceId === null) throw new ServiceError(403, 'forbidden', REVIEWS_TABLET_ONLY_MESSAGE);
      return reviews.decisions(session.user, session.deviceId, request.query.since);
    },
  );
  done();
};
