// Prometheus metrics (prom-client), one registry per app: request latency by
// route template, pushed records by outcome and reason, refused sign-ins and
// refreshes, partner look-ups by result, requests in flight and the database
// pool. Labels are route templates, statuses and reason codes only — never a
// path with an id in it, a case number, a username or anything of a record.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { pushResponseSchema } from '@shared/protocol';
import type { Database } from '../db/database';
import type { FleetSummary } from '../services/device-service';
import { errorEnvelope } from '../http/errors';
import { defaultMessage } from '../services/service-error';

/** A scrape token shorter than this is refused at start: it is the only thing guarding the endpoint. */
export const MIN_METRICS_TOKEN_LENGTH = 32;

export const METRICS_PATH = '/metrics';

const SIGN_IN_ROUTE = '/api/session';
const REFRESH_ROUTE = '/api/session/refresh';
const PUSH_ROUTE = '/api/sync/push';
const PARTNER_LOOKUP_ROUTE = '/api/partner/referrals/lookup';

export interface MetricsOptions {
  db: Database;
  /** Bearer token the scraper sends; the endpoint does not exist without one. */
  token: string;
  /** The fleet view's figures across the installation, read at each scrape. */
  fleet?: () => Promise<FleetSummary>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of the presented bearer token with the configured one. */
function presentsToken(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice('Bearer '.length)), expected);
}

function statusClass(status: number): string {
  return `${String(Math.floor(status / 100))}xx`;
}

/** The route's template (`/api/referrals/:id`), never the concrete path; unknown paths share one label. */
function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/** The JSON answer about to be sent, if it is one (a stream or an unreadable body counts as none). */
function answerJson(payload: unknown): unknown {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const lookupAnswerSchema = z.object({ referrals: z.array(z.unknown()) });

/**
 * Registers the collectors and, guarded by the token, GET /metrics. Call
 * before the routes so the hooks see every request.
 */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions): Registry {
  if (options.token.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new Error(`METRICS_TOKEN must be at least ${String(MIN_METRICS_TOKEN_LENGTH)} characters (e.g. openssl rand -hex 32).`);
  }
  const expected = digest(options.token);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lotse_' });

  const duration = new Histogram({
    name: 'lotse_http_request_duration_seconds',
    help: 'Time from request to answer, by method, route template and status class.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'lotse_http_requests_in_flight',
    help: 'Requests being worked on right now (a draining instance waits for these).',
    registers: [registry],
  });
  const pushedRecords = new Counter({
    name: 'lotse_push_records_total',
    help: 'Records tablets pushed, by outcome (accepted, rejected) and reason code.',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const refusedSessions = new Counter({
    name: 'lotse_session_refusals_total',
    help: 'Refused sign-ins and session refreshes, by kind and HTTP status (401 wrong, 403 refused, 429 throttled).',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
  });
  const partnerLookups = new Counter({
    name: 'lotse_partner_lookups_total',
    help: 'Partner case-number look-ups, by result (found, notFound, refused).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'lotse_db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting); absent on the embedded database.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = options.db.poolStats?.();
      if (stats === undefined) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  const fleet = options.fleet;
  if (fleet !== undefined) {
    // One read per scrape feeds all four gauges; a scrape that finds the database down shows none.
    let reading: Promise<FleetSummary | undefined> | undefined;
    const summary = (): Promise<FleetSummary | undefined> => {
      reading ??= fleet()
        .catch(() => undefined)
        .finally(() => {
          setImmediate(() => {
            reading = undefined;
          });
        });
      return reading;
    };
    new Gauge({
      name: 'lotse_fleet_tablets',
      help: 'Tablets enrolled and not revoked, across the installation.',
      registers: [registry],
      async collect() {
        const s = await summary();
        if (s !== undefined) this.set(s.tablets);
      },
    });
    new Gauge({
      name: 'lotse_fleet_unsent_records',
      help: "Records the tablets' last reports say are not sent yet.",
      registers: [registry],
      async collect() {
        const s = await summary();
        if (s !== undefined) this.set(s.unsentRecords);
      },
    });
    new Gauge({
      name: 'lotse_fleet_oldest_unsent_seconds',
      help: 'Age of the oldest unsent record any tablet reported (0: nothing waits).',
      registers: [registry],
      async collect() {
        const s = await summary();
        if (s !== undefined) this.set(s.oldestUnsentSeconds);
      },
    });
    new Gauge({
      name: 'lotse_fleet_tablets_with_warning',
      help: 'Tablets carrying a fleet-view warning, by warning (unsentWhileSilent, unsentTooOld, outdatedApp).',
      labelNames: ['warning'] as const,
      registers: [registry],
      async collect() {
        const s = await summary();
        if (s === undefined) return;
        for (const [warning, count] of Object.entries(s.warnings)) this.set({ warning }, count);
      },
    });
  }

  const started = new WeakMap<FastifyRequest, bigint>();
  app.addHook('onRequest', (request, _reply, done) => {
    started.set(request, process.hrtime.bigint());
    inFlight.inc();
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    countOutcome(request, reply, payload);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    inFlight.dec();
    const start = started.get(request);
    if (start !== undefined) {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      duration.observe({ method: request.method, route: routeLabel(request), status: statusClass(reply.statusCode) }, seconds);
    }
    done();
  });

  function countOutcome(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    if (request.method !== 'POST') return;
    const route = routeLabel(request);
    const status = reply.statusCode;
    if (route === SIGN_IN_ROUTE || route === REFRESH_ROUTE) {
      if (status >= 400) refusedSessions.inc({ kind: route === SIGN_IN_ROUTE ? 'signIn' : 'refresh', status: String(status) });
      return;
    }
    if (route === PARTNER_LOOKUP_ROUTE) {
      if (status >= 400) {
        partnerLookups.inc({ result: 'refused' });
        return;
      }
      const answer = lookupAnswerSchema.safeParse(answerJson(payload));
      partnerLookups.inc({ result: answer.success && answer.data.referrals.length > 0 ? 'found' : 'notFound' });
      return;
    }
    if (route === PUSH_ROUTE) {
      const parsed = pushResponseSchema.safeParse(answerJson(payload));
      if (!parsed.success) return;
      for (const result of parsed.data.results) {
        pushedRecords.inc({ outcome: result.outcome, reason: result.reason ?? 'none' });
      }
    }
  }

  app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
    if (!presentsToken(request, expected)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer')
        .send(errorEnvelope('unauthorized', defaultMessage('unauthorized')));
    }
    const text = await registry.metrics();
    return reply.header('Content-Type', registry.contentType).send(text);
  });
  return registry;
}
