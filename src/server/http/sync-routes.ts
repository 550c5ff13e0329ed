// Device config pull, record push and the withdrawals pull (DESIGN.md §5).
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
} from '../../shared/protocol';
import type { AuthService } from '../services/auth-service';
import type { SyncService } from '../services/sync-service';
import { authenticateWith, requireRoles, requireSession } from './auth';
import { ApiError, defaultMessage } from './errors';

export const withdrawalsQuerySchema = z.strictObject({
  /** Only withdrawals after this instant (exclusive); all if absent. */
  since: z.iso.datetime({ offset: true, message: 'invalidDateTime' }).optional(),
});

export interface SyncRoutesOptions {
  auth: AuthService;
  sync: SyncService;
}

/**
 * Checked before schema validation: an old tablet's body may no longer match
 * today's schema, and it must still learn that it needs an update.
 */
export function protocolVersionError(body: unknown): ApiError | null {
  if (typeof body !== 'object' || body === null || !('protocolVersion' in body)) return null;
  const version = body.protocolVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) return null;
  if (version < SYNC_PROTOCOL_VERSION) return new ApiError(426, 'clientTooOld', defaultMessage('clientTooOld'));
  if (version > SYNC_PROTOCOL_VERSION) {
    return new ApiError(400, 'invalidRequest', 'Unknown protocol version.', [
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

export const syncRoutes: FastifyPluginCallbackZod<SyncRoutesOptions> = (app, { auth, sync }, done) => {
  const authenticate = authenticateWith(auth);

  app.get(
    '/api/sync/config',
    {
      onRequest: authenticate,
      schema: {
        summary: 'What a tablet needs offline: municipality, its HOME sites and security settings',
        tags: ['sync'],
        security: [{ bearer: [] }],
        response: { 200: deviceConfigSchema, 401: errorEnvelopeSchema },
      },
    },
    (request) => sync.deviceConfig(requireSession(request).user),
  );

  app.post(
    '/api/sync/push',
    {
      bodyLimit: MAX_PUSH_BODY_BYTES,
      // Only people who write records push them; partner- or admin-only accounts get 403.
      onRequest: [authenticate, requireRoles('fieldworker', 'approver', 'coordinator')],
      preValidation: rejectOldClients,
      schema: {
        summary: 'Push a batch of records; idempotent by record id + revision',
        description:
          'Answers per record. HTTP 200 if any record was accepted; 409 if all were conflicts; otherwise 422.',
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
      const outcome = await sync.push(session.user, { deviceId: request.body.deviceId, records: request.body.records });
      return reply.code(outcome.httpStatus).send(outcome.response);
    },
  );
  app.get(
    '/api/sync/withdrawals',
    {
      onRequest: [authenticate, requireRoles('fieldworker', 'approver', 'coordinator')],
      schema: {
        summary: 'Cases of the municipality whose consent was withdrawn (tablets delete their content)',
        description: 'Oldest first. With `since`, only those withdrawn after that instant.',
        tags: ['sync'],
        security: [{ bearer: [] }],
        querystring: withdrawalsQuerySchema,
        response: { 200: withdrawalsResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    (request) => sync.withdrawals(requireSession(request).user, request.query.since),
  );
  done();
};
