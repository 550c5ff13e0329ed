// Withdrawal requests (finding M5): approvers and coordinators — in the office or on a tablet —
// list the withdrawals of their organisation's cases made by another organisation, and confirm them.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { errorEnvelopeSchema } from '@shared/protocol';
import { withdrawalConfirmedSchema, withdrawalRequestListSchema, withdrawalRequestParamsSchema } from '@shared/withdrawal-api';
import type { AuthService } from '../services/auth-service';
import type { WithdrawalService } from '../services/withdrawal-service';
import { authenticateWith, requireRoles, requireSession } from './auth';

export interface WithdrawalRoutesOptions {
  auth: AuthService;
  withdrawals: WithdrawalService;
}

export const withdrawalRoutes: FastifyPluginCallbackZod<WithdrawalRoutesOptions> = (app, { auth, withdrawals }, done) => {
  const deciders = [authenticateWith(auth), requireRoles('approver', 'coordinator')];
  const security = [{ bearer: [] }];
  const denied = { 401: errorEnvelopeSchema, 403: errorEnvelopeSchema } as const;

  app.get(
    '/api/withdrawal-requests',
    {
      onRequest: deciders,
      schema: {
        summary:
          'Consent withdrawals of the organisation’s cases made by another organisation, awaiting confirmation (approver, coordinator)',
        tags: ['withdrawals'],
        security,
        response: { 200: withdrawalRequestListSchema, ...denied },
      },
    },
    (request) => withdrawals.pending(requireSession(request).user),
  );

  app.post(
    '/api/withdrawal-requests/:withdrawalId/confirm',
    {
      onRequest: deciders,
      schema: {
        summary: 'Confirm a pending withdrawal: the case is erased everywhere (approver or coordinator of the responsible organisation)',
        tags: ['withdrawals'],
        security,
        params: withdrawalRequestParamsSchema,
        response: { 200: withdrawalConfirmedSchema, ...denied, 400: errorEnvelopeSchema, 404: errorEnvelopeSchema },
      },
    },
    (request) => withdrawals.confirm(requireSession(request).user, request.params.withdrawalId),
  );

  done();
};
