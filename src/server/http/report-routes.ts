// Reports for coordinators of their own municipality: the dashboard's indicators
// and the half-yearly Sachbericht (JSON or CSV). Aggregated, suppressed counts only.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import { funnelReportSchema, reportParamsSchema, reportQuerySchema, reportSchema, sachberichtQuerySchema } from '@shared/reports';
import type { AuthService } from '../services/auth-service';
import { funnelToCsv, reportToCsv, type ReportService } from '../services/report-service';
import { authenticateWith, requireRoles, requireSession } from './auth';
import { ServiceError } from '../services/service-error';

export interface ReportRoutesOptions {
  auth: AuthService;
  reports: ReportService;
}

/**
 * onRequest, before the query is validated: the path must name the session's own
 * municipality. Compared with the session only (nothing looked up), so the answer
 * is the same whether the other municipality exists or not.
 */
function requireOwnMunicipality(request: FastifyRequest): Promise<void> {
  const session = requireSession(request);
  const named = (request.params as { municipalityId?: unknown }).municipalityId;
  if (named !== session.user.municipalityId) {
    return Promise.reject(
      new ServiceError(403, 'forbidden', 'Reports are only available for your own municipality.', [
        { path: 'municipalityId', message: 'notYourMunicipality' },
      ]),
    );
  }
  return Promise.resolve();
}

export const reportRoutes: FastifyPluginCallbackZod<ReportRoutesOptions> = (app, { auth, reports }, done) => {
  const guards = [authenticateWith(auth), requireRoles('coordinator'), requireOwnMunicipality];
  const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;

  app.get(
    '/api/reports/:municipalityId/indicators',
    {
      onRequest: guards,
      schema: {
        summary: 'Monitoring indicators of a period by district and month, small cells suppressed (coordinator, own municipality)',
        tags: ['reports'],
        security: [{ bearer: [] }],
        params: reportParamsSchema,
        querystring: reportQuerySchema,
        response: { 200: reportSchema, ...errors },
      },
    },
    async (request) => reports.build(requireSession(request).user, request.query),
  );

  app.get(
    '/api/reports/:municipalityId/sachbericht',
    {
      onRequest: guards,
      schema: {
        summary:
          'The half-yearly report (Sachbericht) with period, definitions and suppressed counts, as JSON or CSV (coordinator, own municipality)',
        tags: ['reports'],
        security: [{ bearer: [] }],
        params: reportParamsSchema,
        querystring: sachberichtQuerySchema,
        response: { 200: z.union([reportSchema, z.string().describe('format=csv: the same report as text/csv')]), ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const report = await reports.build(requireSession(request).user, query);
      if (format === 'csv') {
        const name = `sachbericht-${report.municipality.id}-${report.period.from}-${report.period.to}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${name}"`)
          .send(reportToCsv(report));
      }
      return report;
    },
  );

  app.get(
    '/api/reports/:municipalityId/funnel',
    {
      onRequest: guards,
      schema: {
        summary:
          'The funnel from families reached to referrals taken up, with failure reasons and median days to first contact, small cells suppressed, as JSON or CSV (coordinator, own municipality)',
        tags: ['reports'],
        security: [{ bearer: [] }],
        params: reportParamsSchema,
        querystring: sachberichtQuerySchema,
        response: { 200: z.union([funnelReportSchema, z.string().describe('format=csv: the funnel as text/csv')]), ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      // Built with the whole report: the funnel shares counts with the referral indicators and is suppressed with them.
      const { indicators: _indicators, sites: _sites, ...report } = await reports.build(requireSession(request).user, query);
      if (format === 'csv') {
        const name = `trichter-${report.municipality.id}-${report.period.from}-${report.period.to}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${name}"`)
          .send(funnelToCsv(report));
      }
      return report;
    },
  );

  done();
};
