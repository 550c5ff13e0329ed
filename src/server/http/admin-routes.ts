// Organisations and staff accounts of the admin's own municipality (role admin),
// and the municipality's audit hash chain: its export and its verification.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import {
  createOrganisationRequestSchema,
  createStaffRequestSchema,
  organisationListSchema,
  organisationSchema,
  staffAccountSchema,
  staffListSchema,
  updateStaffRequestSchema,
  municipalitySettingsSchema,
} from '@shared/staff-api';
import type { Queryable } from '../db/database';
import type { AdminService } from '../services/admin-service';
import { audit, readAuditChain, verifyAuditChain } from '../services/audit';
import type { AuthService } from '../services/auth-service';
import type { PasswordService } from '../services/password-service';
import { ONE_TIME_PASSWORD_TTL_HOURS, passwordResetResponseSchema } from '@shared/password-api';
import { pendingSafeguardChangeSchema, safeguardChangeParamsSchema } from '@shared/safeguard-api';
import { authenticateWith, requireRoles, requireSession } from './auth';
import {
  organisationWorkflowsListSchema,
  organisationWorkflowsSchema,
  setOrganisationWorkflowsRequestSchema,
} from '@shared/organisation-workflows';

export interface AdminRoutesOptions {
  auth: AuthService;
  admin: AdminService;
  passwords: PasswordService;
  /** The audit log is read straight from the chain (services/audit.ts). */
  db: Queryable;
}

const auditChainVerdictSchema = z.union([
  z.strictObject({
    intact: z.literal(true),
    entries: z.number().int(),
    lastHash: z.string(),
    firstSeq: z.number().int().describe('1, or the entry after the anchor of the last retention deletion'),
  }),
  z.strictObject({
    intact: z.literal(false),
    entries: z.number().int(),
    firstBrokenSeq: z.number().int(),
    problem: z.enum(['missingEntry', 'prevHashMismatch', 'rowHashMismatch', 'unanchoredStart']),
  }),
]);

export const adminRoutes: FastifyPluginCallbackZod<AdminRoutesOptions> = (app, { auth, admin, passwords, db }, done) => {
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
    '/api/admin/organisation-workflows',
    {
      onRequest: admins,
      schema: {
        summary: "The workflows each organisation's staff are offered on the tablet, in order (admin)",
        tags: ['admin'],
        security,
        response: { 200: organisationWorkflowsListSchema, ...denied },
      },
    },
    async (request) => ({ organisations: await admin.listOrganisationWorkflows(requireSession(request).user) }),
  );

  app.put(
    '/api/admin/organisations/:organisationId/workflows',
    {
      onRequest: admins,
      schema: {
        summary: "Choose the workflows an organisation's staff are offered on the tablet, in order; null: its kind's default (admin)",
        description: 'Shapes what the tablet offers, not what the server accepts. Tablets receive it with their configuration.',
        tags: ['admin'],
        security,
        params: z.strictObject({ organisationId: z.string().min(1).max(100) }),
        body: setOrganisationWorkflowsRequestSchema,
        response: { 200: organisationWorkflowsSchema, ...writeErrors },
      },
    },
    (request) => admin.setOrganisationWorkflows(requireSession(request).user, request.params.organisationId, request.body),
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

  app.post(
    '/api/admin/staff/:id/password-reset',
    {
      onRequest: admins,
      schema: {
        summary: 'Reset a password to a one-time password, shown once in this answer (admin)',
        description:
          `The account's sessions end; the one-time password is valid ${ONE_TIME_PASSWORD_TTL_HOURS} hours and only lets its holder set ` +
          'their own password (POST /api/session/password). It is stored only as an argon2id hash and never logged. ' +
          'An admin changes their own password instead (409).',
        tags: ['admin'],
        security,
        params: z.strictObject({ id: z.string().min(1).max(100) }),
        response: { 200: passwordResetResponseSchema, ...writeErrors },
      },
    },
    (request) => passwords.resetPassword(requireSession(request).user, request.params.id),
  );

  app.get(
    '/api/admin/settings/safeguard-changes',
    {
      onRequest: admins,
      schema: {
        summary: 'The settings change that weakens a safeguard and waits for a second admin, if any (admin)',
        tags: ['admin'],
        security,
        response: { 200: pendingSafeguardChangeSchema, ...denied },
      },
    },
    async (request) => ({ pending: await admin.safeguards.pending(requireSession(request).user) }),
  );

  app.post(
    '/api/admin/settings/safeguard-changes/:id/confirm',
    {
      onRequest: admins,
      schema: {
        summary: 'Confirm a waiting settings change: applies it; never by the admin who proposed it (admin)',
        tags: ['admin'],
        security,
        params: safeguardChangeParamsSchema,
        response: { 204: z.undefined(), ...writeErrors },
      },
    },
    async (request, reply) => {
      await admin.safeguards.confirm(requireSession(request).user, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/admin/settings/safeguard-changes/:id/reject',
    {
      onRequest: admins,
      schema: {
        summary: 'Reject (or, as its proposer, withdraw) a waiting settings change (admin)',
        tags: ['admin'],
        security,
        params: safeguardChangeParamsSchema,
        response: { 204: z.undefined(), ...writeErrors },
      },
    },
    async (request, reply) => {
      await admin.safeguards.reject(requireSession(request).user, request.params.id);
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
        description:
          'A value that weakens a safeguard (later lock, more unlock attempts, longer retention on tablets, fewer ' +
          'second checks) keeps its current value and waits for a second admin (GET /api/admin/settings/safeguard-changes): ' +
          'the answer is then 202 with the settings in force. Everything else applies at once (200).',
        tags: ['admin'],
        security,
        body: municipalitySettingsSchema,
        response: { 200: municipalitySettingsSchema, 202: municipalitySettingsSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const update = await admin.updateSettings(requireSession(request).user, request.body);
      return reply.code(update.pendingChangeId === null ? 200 : 202).send(update.settings);
    },
  );

  app.get(
    '/api/admin/audit/export',
    {
      onRequest: admins,
      schema: {
        summary: "The municipality's audit log as JSON Lines with each entry's hashes, oldest first, for a separate log store (admin)",
        tags: ['admin'],
        security,
        response: { 200: z.string().describe('application/x-ndjson: one AuditChainEntry per line'), ...denied },
      },
    },
    async (request, reply) => {
      const user = requireSession(request).user;
      // Recorded first, so the export carries its own entry and the chain's new head.
      await audit(db, { municipalityId: user.municipalityId, actorId: user.id, action: 'audit.exported', objectId: null });
      // Read in pages but answered as one body: the route's typed reply takes a string.
      const lines: string[] = [];
      for await (const entry of readAuditChain(db, user.municipalityId)) lines.push(`${JSON.stringify(entry)}\n`);
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="audit-${user.municipalityId}.jsonl"`)
        .send(lines.join(''));
    },
  );

  app.get(
    '/api/admin/audit/verification',
    {
      onRequest: admins,
      schema: {
        summary: "Checks the municipality's audit hash chain and names the first link that does not hold (admin)",
        tags: ['admin'],
        security,
        response: { 200: auditChainVerdictSchema, ...denied },
      },
    },
    async (request) => {
      const user = requireSession(request).user;
      const verdict = await verifyAuditChain(db, user.municipalityId);
      await audit(db, { municipalityId: user.municipalityId, actorId: user.id, action: 'audit.verified', objectId: null });
      return verdict;
    },
  );
  done();
};
