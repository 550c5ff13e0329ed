// Health for people and for the machines in front: /api/health (the database
// answers; which one), /api/health/live (the process answers — restart it if
// not) and /api/health/ready (send traffic here? no while the database does
// not answer or the instance is draining for a shutdown).
import { z } from 'zod';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { SYNC_PROTOCOL_VERSION, healthResponseSchema } from '@shared/protocol';
import type { Database } from '../db/database';

/** A readiness probe must answer quickly even when the database hangs. */
export const READINESS_DB_TIMEOUT_MS = 2_000;

/** Whether this instance is on its way out (SIGTERM received): readiness says no, work in flight finishes. */
export class Lifecycle {
  #draining = false;
  get draining(): boolean {
    return this.#draining;
  }
  startDraining(): void {
    this.#draining = true;
  }
}

const liveResponseSchema = z.strictObject({ status: z.literal('ok') });
const readyResponseSchema = z.strictObject({
  status: z.enum(['ready', 'draining', 'databaseUnavailable']),
});

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('timeout'));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export const healthRoutes: FastifyPluginCallbackZod<{ db: Database; lifecycle: Lifecycle }> = (app, { db, lifecycle }, done) => {
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
  app.get(
    '/api/health/live',
    {
      schema: { summary: 'Liveness: the process answers (no database check)', tags: ['system'], response: { 200: liveResponseSchema } },
      // Answered even when the backend turns work away as overloaded: a busy process is not a dead one.
      config: { pressureHandler: () => undefined },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/api/health/ready',
    {
      schema: {
        summary: 'Readiness: the database answers and the instance is not draining',
        tags: ['system'],
        response: { 200: readyResponseSchema, 503: readyResponseSchema },
      },
    },
    async (_request, reply) => {
      if (lifecycle.draining)
        return reply
          .code(503)
          .header('Retry-After', '5')
          .send({ status: 'draining' as const });
      try {
        await withTimeout(db.query('SELECT 1'), READINESS_DB_TIMEOUT_MS);
      } catch {
        return reply
          .code(503)
          .header('Retry-After', '5')
          .send({ status: 'databaseUnavailable' as const });
      }
      return { status: 'ready' as const };
    },
  );
  done();
};
