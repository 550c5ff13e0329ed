// Background job: once a day, whatever is past its retention period is deleted
// (services/retention-service.ts). The same run is `npm run retention` by hand.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database';
import { applyRetention, type RetentionPolicy } from '../services/retention-service';

/** Once a day: periods are counted in days, and a run deletes everything due since the last one. */
export const RETENTION_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** Runs the deletion when the app is ready and then every day, until the app closes. */
export function scheduleRetention(app: FastifyInstance, db: Database, policy: RetentionPolicy, clock: () => Date): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const run = (): void => {
    applyRetention(db, policy, clock()).then(
      (outcomes) => {
        const deleted = outcomes.filter((o) => o.records + o.referrals + o.sessions + o.auditEntries > 0);
        if (deleted.length > 0) app.log.info({ retention: deleted }, 'retention: expired data deleted');
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'retention run failed');
      },
    );
  };
  app.addHook('onReady', (hookDone) => {
    run();
    timer = setInterval(run, RETENTION_INTERVAL_MS);
    timer.unref();
    hookDone();
  });
  app.addHook('onClose', (_instance, hookDone) => {
    clearInterval(timer);
    hookDone();
  });
}
