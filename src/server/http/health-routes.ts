// Liveness plus which database this instance runs on.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { SYNC_PROTOCOL_VERSION, healthResponseSchema } from '@shared/protocol';
import type { Database } from '../db/database';

export const healthRoutes: FastifyPluginCallbackZod<{ db: Database }> = (app, { db }, done) => {
  app.get(
    '/api/health',
    {
      schema: {
        summary: 'Health check',
        tags: ['system'],
        response: { 200: healthResponseSchema },
      },
    },
    async () => {
      await db.query('SELECT 1');
      return { status: 'ok' as const, protocolVersion: SYNC_PROTOCOL_VERSION, database: db.kind };
    },
  );
  done();
};
