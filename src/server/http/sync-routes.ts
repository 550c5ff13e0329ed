// Device config pull, record push, the withdrawals pull (DESIGN.md §5) and the offer catalogue pull.
import { boundedInstantSchema } from '@shared/instants';
import { z } from 'zod';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  MAX_PUSH_BODY_BYTES,
  SYNC_PROTOCOL_VERSION,
  deviceConfigSchema,
  errorEnvelopeSchema,
  pushRequestSchema,
  pushResponseSchema,
  withdrawalsResponseSchema,
  FAMILY_CONTACT_FEATURE,
  REFERRAL_FOLLOW_UP_FEATURE,
} from '@shared/protocol';
import { offerCatalogResponseSchema } from '@shared/offers';
import { CAPACITY_FEATURE, CATALOG_FEATURES_PARAM } from '@shared/offer-capacity';
import { FAMILY_TEXTS_FEATURE } from '@shared/offers';
import { CONFIG_FEATURES_PARAM, EMERGENCY_PRESENTATION_FEATURE } from '@shared/emergency-instruction';
import { ORGANISATION_WORKFLOWS_FEATURE } from '@shared/organisation-workflows';
import { TABLET_ROLES, type AuthService } from '../services/auth-service';
import type { SyncService } from '../services/sync-service';
import type { ConfigService } from '../services/config-service';
import type { OfferService } from '../services/offer-service';
import { authenticateWith, requireRoles, requireSession, requireTabletSession } from './auth';
import { ServiceError, defaultMessage } from '../services/service-error';

export const withdrawalsQuerySchema = z.strictObject({
  /** Only withdrawals after this instant (exclusive); all if absent. */
  since: boundedInstantSchema.optional(),
});

/** 403 messages: push and the withdrawals pull are for tablets, not for any browser with a password. */
export const PUSH_TABLET_ONLY_MESSAGE = 'Push only from an enrolled tablet signed in on that tablet.';
export const WITHDRAWALS_TABLET_ONLY_MESSAGE = 'Withdrawals only for an enrolled tablet signed in on that tablet.';
export const OFFERS_TABLET_ONLY_MESSAGE = 'The offer catalogue only for an enrolled tablet signed in on that tablet.';

export interface SyncRoutesOptions {
  auth: AuthService;
  sync: SyncService;
  config: ConfigService;
  offers: OfferService;
}

/**
 * Checked before schema validation: an old tablet's body may no longer match
 * today's schema, and it must still learn that it needs an update.
 */
export function protocolVersionError(body: unknown): ServiceError | null {
  if (typeof body !== 'object' || body === null || !('protocolVersion' in body)) return null;
  const version = body.protocolVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) return null;
  if (version < SYNC_PROTOCOL_VERSION) return new ServiceError(426, 'clientTooOld', defaultMessage('clientTooOld'));
  if (version > SYNC_PROTOCOL_VERSION) {
    return new ServiceError(400, 'invalidRequest', 'Unknown protocol version.', [
      { path: 'protocolVersion', message: 'unsupportedProtocolVersion' },
    ]);
  }
  return null;
}

function rejectOldClients(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const error = protocolVersionError(request.body);
  if (error) done(error);
  else done();
}

export const syncRoutes: FastifyPluginCallbackZod<SyncRoutesOptions> = (app, { auth, sync, config, offers }, done) => {
  const authenticate = authenticateWith(auth);

  app.get(
    '/api/sync/config',
    {
      // Any session of the municipality, bound to a tablet or not (decided, THREAT-MODEL.md): it holds
      // no case or family data, only the municipality's name, HOME site and district labels, the
      // emergency phone numbers and lock settings,
      // which every staff member of the municipality knows anyway. It reveals nothing of another one.
      onRequest: authenticate,
      schema: {
        summary: 'What a tablet needs offline: municipality, HOME sites, districts, emergency contacts, security settings, workflows',
        tags: ['sync'],
        security: [{ bearer: [] }],
        // Features the tablet understands (comma-separated); a field only a newer tablet
        // parses is sent only to one that names it. Unknown names are ignored.
        querystring: z.object({ [CONFIG_FEATURES_PARAM]: z.string().max(200).optional() }),
        response: { 200: deviceConfigSchema, 401: errorEnvelopeSchema },
      },
    },
    (request) => {
      const features = new Set((request.query[CONFIG_FEATURES_PARAM] ?? '').split(','));
      return config.deviceConfig(requireSession(request).user, new Date(), {
        emergencyPresentation: features.has(EMERGENCY_PRESENTATION_FEATURE),
        familyContact: features.has(FAMILY_CONTACT_FEATURE),
        organisationWorkflows: features.has(ORGANISATION_WORKFLOWS_FEATURE),
        referralFollowUp: features.has(REFERRAL_FOLLOW_UP_FEATURE),
      });
    },
  );

  app.post(
    '/api/sync/push',
    {
      bodyLimit: MAX_PUSH_BODY_BYTES,
      // Only people who write records push them; partner- or admin-only accounts get 403.
      // And only from the enrolled tablet the session is signed in on: a stolen password
      // in a plain browser cannot push (403 before the body is read).
      onRequest: [authenticate, requireRoles(...TABLET_ROLES), requireTabletSession(PUSH_TABLET_ONLY_MESSAGE)],
      preValidation: rejectOldClients,
      schema: {
        summary: 'Push a batch of records; idempotent by record id + revision',
        description:
          'Answers per record. HTTP 200 if any record was accepted; 409 if all were conflicts; otherwise 422. ' +
          'Only from a session signed in on an enrolled, active tablet, and `deviceId` must be that tablet (else 403).',
        tags: ['sync'],
        security: [{ bearer: [] }],
        body: pushRequestSchema,
        response: {
          200: pushResponseSchema,
          409: pushResponseSchema,
          422: pushResponseSchema,
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          413: errorEnvelopeSchema,
          415: errorEnvelopeSchema,
          426: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => {
      const session = requireSession(request);
      // The tablet named in the body must be the one this session is signed in on; another
      // tablet's id, even an enrolled one of the same municipality, is refused before anything is judged.
      if (session.deviceId === null || session.deviceId !== request.body.deviceId) {
        throw new ServiceError(403, 'forbidden', PUSH_TABLET_ONLY_MESSAGE);
      }
      const outcome = await sync.push(session.user, { deviceId: session.deviceId, records: request.body.records });
      return reply.code(outcome.httpStatus).send(outcome.response);
    },
  );
  app.get(
    '/api/sync/withdrawals',
    {
      // Tablets only, like push: the office does not use it, and a case number list is not for any browser.
      onRequest: [authenticate, requireRoles(...TABLET_ROLES), requireTabletSession(WITHDRAWALS_TABLET_ONLY_MESSAGE)],
      schema: {
        summary: 'Cases of the municipality whose consent was withdrawn (tablets delete their content)',
        description:
          'Oldest first. With `since`, only those withdrawn after that instant. ' +
          'Only for a session signed in on an enrolled, active tablet (else 403).',
        tags: ['sync'],
        security: [{ bearer: [] }],
        querystring: withdrawalsQuerySchema,
        response: { 200: withdrawalsResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    (request) => sync.withdrawals(requireSession(request).user, request.query.since),
  );
  app.get(
    '/api/sync/offers',
    {
      // Tablets only, like the withdrawals: the catalogue is what the tablet suggests offline.
      // It holds organisation contact data only, never a family's.
      onRequest: [authenticate, requireRoles(...TABLET_ROLES), requireTabletSession(OFFERS_TABLET_ONLY_MESSAGE)],
      schema: {
        summary: 'The municipality’s offer catalogue (Angebote), for offline matching on the tablet',
        description:
          'All offers of the municipality, by name. `version` changes whenever the catalogue changes. ' +
          'Only for a session signed in on an enrolled, active tablet (else 403).',
        tags: ['sync'],
        security: [{ bearer: [] }],
        // As for the config: `capacity` (the partners' free places) and `familyTexts` (directions and the
        // texts in other languages) only for a tablet that names them, since older tablets parse each offer strictly.
        querystring: z.object({ [CATALOG_FEATURES_PARAM]: z.string().max(200).optional() }),
        response: { 200: offerCatalogResponseSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    (request) => {
      const features = (request.query[CATALOG_FEATURES_PARAM] ?? '').split(',');
      return offers.catalog(requireSession(request).user, new Date(), {
        capacity: features.includes(CAPACITY_FEATURE),
        familyTexts: features.includes(FAMILY_TEXTS_FEATURE),
      });
    },
  );
  done();
};
