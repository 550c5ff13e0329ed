// Exports for evaluators and partner systems (docs/FHIR.md): referrals as FHIR
// ServiceRequest + Task, questionnaire versions as FHIR Questionnaire, screenings
// as QuestionnaireResponse and as CSV. Coordinators only — the role that already
// sees the municipality's reports — and always the session's own municipality.
// Every answer is a download that no browser or proxy may keep.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import { exportPeriodQuerySchema } from '@shared/exports';
import type { AuthService } from '../services/auth-service';
import type { FhirExportService } from '../services/fhir-export-service';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface ExportRoutesOptions {
  auth: AuthService;
  exports: FhirExportService;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** A download: never stored by the browser, the service worker or a proxy. */
function download(reply: FastifyReply, type: string, name: string): FastifyReply {
  return reply.type(type).header('Cache-Control', 'no-store').header('Content-Disposition', `attachment; filename="${name}"`);
}

export const exportRoutes: FastifyPluginCallbackZod<ExportRoutesOptions> = (app, { auth, exports }, done) => {
  const guards = [authenticateWith(auth), requireRoles('coordinator')];
  const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;
  const common = { tags: ['exports'], security: [{ bearer: [] }] };

  app.get(
    '/api/exports/fhir/referrals',
    {
      onRequest: guards,
      schema: {
        ...common,
        summary:
          'Referrals made in a period as a FHIR R4 Bundle of ServiceRequest + Task; the case number is the only identifier (coordinator)',
        querystring: exportPeriodQuerySchema,
        response: { 200: z.string().describe('application/fhir+json'), ...errors },
      },
    },
    async (request, reply) => {
      const bundle = await exports.referrals(requireSession(request).user, request.query);
      return download(reply, FHIR_JSON, `vermittlungen-fhir-${request.query.from}-${request.query.to}.json`).send(JSON.stringify(bundle));
    },
  );

  app.get(
    '/api/exports/fhir/questionnaires',
    {
      onRequest: guards,
      schema: {
        ...common,
        summary: 'Every questionnaire definition version as a FHIR R4 Questionnaire (SDC style) in one Bundle (coordinator)',
        response: { 200: z.string().describe('application/fhir+json'), ...errors },
      },
    },
    async (request, reply) => {
      const bundle = await exports.questionnaires(requireSession(request).user);
      return download(reply, FHIR_JSON, 'frageboegen-fhir.json').send(JSON.stringify(bundle));
    },
  );

  app.get(
    '/api/exports/fhir/screenings',
    {
      onRequest: guards,
      schema: {
        ...common,
        summary:
          'Countable screenings of a period as FHIR R4 QuestionnaireResponses; the case number is the only identifier, no free text (coordinator)',
        querystring: exportPeriodQuerySchema,
        response: { 200: z.string().describe('application/fhir+json'), ...errors },
      },
    },
    async (request, reply) => {
      const bundle = await exports.screenings(requireSession(request).user, request.query);
      return download(reply, FHIR_JSON, `screenings-fhir-${request.query.from}-${request.query.to}.json`).send(JSON.stringify(bundle));
    },
  );

  app.get(
    '/api/exports/screenings.csv',
    {
      onRequest: guards,
      schema: {
        ...common,
        summary: 'Countable screenings of a period as CSV: one row per screening, one column per question, no free text (coordinator)',
        querystring: exportPeriodQuerySchema,
        response: { 200: z.string().describe('text/csv'), ...errors },
      },
    },
    async (request, reply) => {
      const csv = await exports.screeningsCsv(requireSession(request).user, request.query);
      return download(reply, 'text/csv; charset=utf-8', `screenings-${request.query.from}-${request.query.to}.csv`).send(csv);
    },
  );

  done();
};
