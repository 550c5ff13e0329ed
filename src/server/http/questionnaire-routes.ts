// Municipality-adapted screening questionnaires: coordinators and admins upload
// a definition for their own municipality (checked by the domain validator);
// every session of the municipality pulls the active one, like the config.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import {
  MAX_QUESTIONNAIRE_BYTES,
  MAX_QUESTIONNAIRE_XLSX_BYTES,
  activeQuestionnaireResponseSchema,
  questionnaireSummarySchema,
  questionnaireXlsxExportSchema,
  questionnaireXlsxPreviewSchema,
  questionnaireXlsxRequestSchema,
  uploadQuestionnaireRequestSchema,
} from '@shared/questionnaire-api';
import type { AuthService } from '../services/auth-service';
import type { QuestionnaireService } from '../services/questionnaire-service';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface QuestionnaireRoutesOptions {
  auth: AuthService;
  questionnaires: QuestionnaireService;
}

export const questionnaireRoutes: FastifyPluginCallbackZod<QuestionnaireRoutesOptions> = (app, { auth, questionnaires }, done) => {
  const authenticate = authenticateWith(auth);
  const security = [{ bearer: [] }];

  app.post(
    '/api/questionnaires',
    {
      bodyLimit: MAX_QUESTIONNAIRE_BYTES,
      // Always the caller's own municipality (from the session): there is no municipality in the body.
      onRequest: [authenticate, requireRoles('coordinator', 'admin')],
      schema: {
        summary: 'Upload a screening questionnaire definition for the own municipality and make it active (coordinator, admin)',
        description:
          'The body is the definition (docs/QUESTIONNAIRE.md). A broken definition is refused with 422 and one issue per problem; ' +
          'nothing changes. The same id and version with other content is refused with 409 (a version is immutable).',
        tags: ['questionnaires'],
        security,
        body: uploadQuestionnaireRequestSchema,
        response: {
          201: questionnaireSummarySchema,
          400: errorEnvelopeSchema,
          401: errorEnvelopeSchema,
          403: errorEnvelopeSchema,
          409: errorEnvelopeSchema,
          413: errorEnvelopeSchema,
          415: errorEnvelopeSchema,
          422: errorEnvelopeSchema,
        },
      },
    },
    async (request, reply) => reply.code(201).send(await questionnaires.upload(requireSession(request).user, request.body)),
  );

  // The spreadsheet travels as base64 inside JSON (4/3), like the offer catalogue file.
  const xlsxBodyLimit = Math.ceil(MAX_QUESTIONNAIRE_XLSX_BYTES / 3) * 4 + 64 * 1024;
  const coordinators = [authenticate, requireRoles('coordinator', 'admin')];
  const fileErrors = {
    400: errorEnvelopeSchema,
    401: errorEnvelopeSchema,
    403: errorEnvelopeSchema,
    413: errorEnvelopeSchema,
    415: errorEnvelopeSchema,
  };

  app.get(
    '/api/questionnaires/xlsx',
    {
      onRequest: coordinators,
      schema: {
        summary: 'The active questionnaire (or the built-in default) as an XLSForm-style .xlsx, base64 (coordinator, admin)',
        description: 'Sheets survey, choices and settings in the subset docs/QUESTIONNAIRE.md describes; every cell is text.',
        tags: ['questionnaires'],
        security,
        response: { 200: questionnaireXlsxExportSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
      },
    },
    (request) => questionnaires.exportXlsx(requireSession(request).user),
  );

  app.post(
    '/api/questionnaires/xlsx/preview',
    {
      bodyLimit: xlsxBodyLimit,
      onRequest: coordinators,
      schema: {
        summary: 'What uploading an XLSForm-style .xlsx would activate, or every problem in it; writes nothing (coordinator, admin)',
        description: 'Each problem names the sheet, the row (header = 1), the column as its header reads and the value found.',
        tags: ['questionnaires'],
        security,
        body: questionnaireXlsxRequestSchema,
        response: { 200: questionnaireXlsxPreviewSchema, ...fileErrors },
      },
    },
    (request) => questionnaires.previewXlsx(requireSession(request).user, request.body.base64),
  );

  app.post(
    '/api/questionnaires/xlsx',
    {
      bodyLimit: xlsxBodyLimit,
      onRequest: coordinators,
      schema: {
        summary: 'Convert an XLSForm-style .xlsx to a definition and make it active, as POST /api/questionnaires (coordinator, admin)',
        description:
          'Any problem → 422 with every problem as `<sheet>.row<n>.<column>` and its kind (no cell values); nothing changes. ' +
          'The same id and version with other content → 409.',
        tags: ['questionnaires'],
        security,
        body: questionnaireXlsxRequestSchema,
        response: { 201: questionnaireSummarySchema, ...fileErrors, 409: errorEnvelopeSchema, 422: errorEnvelopeSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await questionnaires.uploadXlsx(requireSession(request).user, request.body.base64)),
  );

  app.get(
    '/api/sync/questionnaire',
    {
      // Like /api/sync/config: any session of the municipality; a definition holds no case or family data.
      onRequest: authenticate,
      schema: {
        summary: "The municipality's active screening questionnaire, or null for the built-in default",
        tags: ['sync'],
        security,
        response: { 200: activeQuestionnaireResponseSchema, 401: errorEnvelopeSchema },
      },
    },
    (request) => questionnaires.active(requireSession(request).user),
  );
  done();
};
