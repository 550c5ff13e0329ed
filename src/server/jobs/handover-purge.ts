// Background job: unopened call-back numbers (warm handover) are deleted once
// their 14 days are over. Reads never show an expired one in between; this
// makes sure the boxes do not stay in the database either.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database';
import { purgeExpiredHandovers } from '../services/handover-service';

/** Every hour, expired boxes are deleted. */
export const HANDOVER_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Runs the purge when the app is ready and then every interval, until the app closes. */
export function scheduleHandoverPurge(app: FastifyInstance, db: Database, clock: () => Date): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const purge = (): void => {
    purgeExpiredHandovers(db, clock()).catch((error: unknown) => {
      app.log.error({ err: error }, 'purging expired warm handovers failed');
    });
  };
  app.addHook('onReady', (hookDone) => {
    purge();
    timer = setInterval(purge, HANDOVER_PURGE_INTERVAL_MS);
    timer.unref();
    hookDone();
  });
  app.addHook('onClose', (_instance, hookDone) => {
    clearInterval(timer);
    hookDone();
  });
}
