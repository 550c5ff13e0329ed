// Organisations and staff accounts of the admin's own municipality (role admin).
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '../../shared/protocol';
import {
  createOrganisationRequestSchema,
  createStaffRequestSchema,
  organisationListSchema,
  organisationSchema,
  staffAccountSchema,
  staffListSchema,
  updateStaffRequestSchema,
  municipalitySettingsSchema,
} from '../../shared/staff-api';
import type { AdminService } from '../services/admin-service';
import type { AuthService } from '../services/auth-service';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface AdminRoutesOptions {
  auth: AuthService;
  admin: AdminService;
}

export const adminRoutes: FastifyPluginCallbackZod<AdminRoutesOptions> = (app, { auth, admin }, done) => {
  const admins = [authenticateWith(auth), requireRoles('admin')];
  const security = [{ bearer: [] }];
  const denied = { 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;
  const writeErrors = { ...denied, 400: errorEnvelopeSchema, 404: errorEnvelopeSchema, 409: errorEnvelopeSchema } as const;

  app.get(
    '/api/admin/organisations',
    {
      onRequest: admins,
      schema: {
        summary: "The municipality's organisations (admin)",
        tags: ['admin'],
        security,
        response: { 200: organisationListSchema, ...denied },
      },
    },
    async (request) => ({ organisations: await admin.listOrganisations(requireSession(request).user) }),
  );

  app.post(
    '/api/admin/organisations',
    {
      onRequest: admins,
      schema: {
        summary: 'Create an organisation in the municipality (admin)',
        tags: ['admin'],
        security,
        body: createOrganisationRequestSchema,
        response: { 201: organisationSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const organisation = await admin.createOrganisation(requireSession(request).user, request.body);
      return reply.code(201).send(organisation);
    },
  );

  app.get(
    '/api/admin/staff',
    {
      onRequest: admins,
      schema: {
        summary: "The municipality's staff accounts (admin)",
        tags: ['admin'],
        security,
        response: { 200: staffListSchema, ...denied },
      },
    },
    async (request) => ({ staff: await admin.listStaff(requireSession(request).user) }),
  );

  app.post(
    '/api/admin/staff',
    {
      onRequest: admins,
      schema: {
        summary: 'Create a staff account (admin); the password is hashed with argon2id',
        tags: ['admin'],
        security,
        body: createStaffRequestSchema,
        response: { 201: staffAccountSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const account = await admin.createStaff(requireSession(request).user, request.body);
      return reply.code(201).send(account);
    },
  );

  app.patch(
    '/api/admin/staff/:id',
    {
      onRequest: admins,
      schema: {
        summary: 'Change name, roles or active flag (admin); deactivation revokes all credentials',
        tags: ['admin'],
        security,
        params: z.strictObject({ id: z.string().min(1).max(100) }),
        body: updateStaffRequestSchema,
        response: { 200: staffAccountSchema, ...writeErrors },
      },
    },
    (request) => admin.updateStaff(requireSession(request).user, request.params.id, request.body),
  );

  app.post(
    '/api/admin/staff/:id/unlock-sign-in',
    {
      onRequest: admins,
      schema: {
        summary: 'Lift the sign-in lock and delays of an account after too many failed sign-ins (admin)',
        tags: ['admin'],
        security,
        params: z.strictObject({ id: z.string().min(1).max(100) }),
        response: { 204: z.undefined(), ...writeErrors },
      },
    },
    async (request, reply) => {
      await admin.unlockSignIn(requireSession(request).user, request.params.id, auth.limits);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/admin/settings',
    {
      onRequest: admins,
      schema: {
        summary: "The municipality's settings: tablet lock, retention and the second-check rule (admin)",
        tags: ['admin'],
        security,
        response: { 200: municipalitySettingsSchema, ...denied },
      },
    },
    (request) => admin.settings(requireSession(request).user),
  );

  app.put(
    '/api/admin/settings',
    {
      onRequest: admins,
      schema: {
        summary: "Replace the municipality's settings (admin); tablets get them at their next configuration pull",
        tags: ['admin'],
        security,
        body: municipalitySettingsSchema,
        response: { 200: municipalitySettingsSchema, ...writeErrors },
      },
    },
    (request) => admin.updateSettings(requireSession(request).user, request.body),
  );
  done();
};
