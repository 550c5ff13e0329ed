// Tablet enrollment, list and revocation (coordinator or admin, own municipality),
// and the unauthenticated, rate-limited status check a tablet makes with its secret
// (which also names the deactivated people whose key slots the tablet deletes).
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import { recordIdSchema } from '@shared/records/sync-record';
import {
  deviceListSchema,
  deviceStatusRequestSchema,
  deviceStatusResponseSchema,
  enrollDeviceRequestSchema,
  enrollDeviceResponseSchema,
} from '@shared/staff-api';
import type { AuthService } from '../services/auth-service';
import type { DeviceService } from '../services/device-service';
import type { LostTabletService } from '../services/lost-tablet-service';
import { tabletExposureSchema } from '@shared/lost-tablet';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface DeviceRoutesOptions {
  auth: AuthService;
  devices: DeviceService;
  lostTablets: LostTabletService;
  statusRateLimit: { max: number; timeWindowMs: number };
}

export const deviceRoutes: FastifyPluginCallbackZod<DeviceRoutesOptions> = (app, { auth, devices, lostTablets, statusRateLimit }, done) => {
  const managers = [authenticateWith(auth), requireRoles('coordinator', 'admin')];
  const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;

  app.post(
    '/api/devices',
    {
      onRequest: managers,
      schema: {
        summary: 'Enroll a tablet (coordinator or admin); returns its secret and escrow key once',
        tags: ['devices'],
        security: [{ bearer: [] }],
        body: enrollDeviceRequestSchema,
        response: { 201: enrollDeviceResponseSchema, ...errors, 409: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const enrolled = await devices.enroll(requireSession(request).user, request.body);
      return reply.code(201).send(enrolled);
    },
  );

  app.get(
    '/api/devices',
    {
      onRequest: managers,
      schema: {
        summary: "The municipality's enrolled tablets with their last contact and report (coordinator or admin)",
        tags: ['devices'],
        security: [{ bearer: [] }],
        response: { 200: deviceListSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    async (request) => ({ devices: await devices.list(requireSession(request).user), fleetPolicy: devices.fleetPolicy }),
  );

  app.post(
    '/api/devices/:deviceId/revoke',
    {
      onRequest: managers,
      schema: {
        summary: 'Revoke a tablet: its sessions, refresh tokens and signing keys end at once',
        tags: ['devices'],
        security: [{ bearer: [] }],
        params: z.strictObject({ deviceId: recordIdSchema }),
        response: { 204: z.undefined(), ...errors, 404: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      await devices.revoke(requireSession(request).user, request.params.deviceId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/devices/:deviceId/exposure',
    {
      onRequest: managers,
      schema: {
        summary:
          'Lost-tablet report: the case numbers that could be on a tablet, from what the server knows (coordinator or admin; audited)',
        description:
          'Consents recorded on it, records awaiting their second check, records within the retention on tablets or the referral ' +
          'window, referrals made from it, records shown on it for a second check, and cases whose content-free entries still name ' +
          'the case number; its last contact and who signed in on it. Records never sent are unknowable: only the count the tablet last reported.',
        tags: ['devices'],
        security: [{ bearer: [] }],
        params: z.strictObject({ deviceId: recordIdSchema }),
        response: { 200: tabletExposureSchema, ...errors, 404: errorEnvelopeSchema },
      },
    },
    (request) => lostTablets.report(requireSession(request).user, request.params.deviceId),
  );

  app.post(
    '/api/devices/status',
    {
      config: { rateLimit: { max: statusRateLimit.max, timeWindow: statusRateLimit.timeWindowMs, hook: 'preValidation' } },
      schema: {
        summary: 'A tablet asks whether it is still enrolled (no sign-in; proves itself with its secret)',
        description:
          "'unknown' for an unknown tablet and a wrong secret alike. An active tablet also gets deactivatedAccountIds: " +
          'the deactivated staff accounts of its municipality that ever signed in on it (their key slots are to be ' +
          'deleted); empty for any other status. An active tablet may send a report (counts and times only, ' +
          "shared/fleet.ts); it is kept for the office's fleet view. An invalid report is 400 and changes nothing.",
        tags: ['devices'],
        body: deviceStatusRequestSchema,
        response: { 200: deviceStatusResponseSchema, 400: errorEnvelopeSchema, 429: errorEnvelopeSchema },
      },
    },
    async (request) => devices.status(request.body.deviceId, request.body.deviceSecret, request.body.report),
  );
  done();
};
