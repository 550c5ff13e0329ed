// Builds the Fastify app (not listening): security headers, the one error
// envelope, OpenAPI, the /api routes and, when given, the built PWA with SPA
// fallback. Tests and the e2e suite call buildApp in-process.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyCompress from '@fastify/compress';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyUnderPressure from '@fastify/under-pressure';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SYNC_PROTOCOL_VERSION } from '@shared/protocol';
import type { Database } from './db/database';
import { withMunicipality } from './db/tenant-scope';
import { AdminService } from './services/admin-service';
import { AuthService, verifyPassword } from './services/auth-service';
import { PasswordService } from './services/password-service';
import type { SignInLimitPolicy } from './services/sign-in-limits';
import { DeviceService } from './services/device-service';
import { SigningKeyService } from './services/signing-key-service';
import { SyncService } from './services/sync-service';
import { ConfigService } from './services/config-service';
import { OfferService } from './services/offer-service';
import { registerErrorHandling, sendError } from './http/errors';
import { ServiceError, defaultMessage } from './services/service-error';
import { registerNulGuard } from './http/nul-guard';
import { adminRoutes } from './http/admin-routes';
import { deviceRoutes } from './http/device-routes';
import { Lifecycle, healthRoutes } from './http/health-routes';
import { registerMetrics } from './ops/metrics';
import { sessionRoutes } from './http/session-routes';
import { secondFactorRoutes } from './http/second-factor-routes';
import { passkeyRoutes } from './http/passkey-routes';
import { PasskeyService, relyingPartyFrom } from './services/passkey-service';
import { staffKeyRoutes } from './http/staff-key-routes';
import { syncRoutes } from './http/sync-routes';
import { reviewRoutes } from './http/review-routes';
import { withdrawalRoutes } from './http/withdrawal-routes';
import { WithdrawalService } from './services/withdrawal-service';
import { ReviewService } from './services/review-service';
import { reportRoutes } from './http/report-routes';
import { exportRoutes } from './http/export-routes';
import { ReportService } from './services/report-service';
import { FhirExportService } from './services/fhir-export-service';
import { questionnaireRoutes } from './http/questionnaire-routes';
import { QuestionnaireService } from './services/questionnaire-service';
import { referralRoutes } from './http/referral-routes';
import { OfferCatalogService } from './services/offer-catalog-service';
import { ReferralService } from './services/referral-service';
import { HandoverService } from './services/handover-service';
import { scheduleHandoverPurge } from './jobs/handover-purge';
import { scheduleRetention } from './jobs/retention';
import { LostTabletService } from './services/lost-tablet-service';
import type { RetentionPolicy } from './services/retention-service';
import { handoverRoutes } from './http/handover-routes';
import { partnerConfirmationRoutes } from './http/partner-confirmation-routes';
import { PartnerKeyService } from './services/partner-key-service';
import { PartnerConfirmationService } from './services/partner-confirmation-service';
import { ConfirmationLimits, type ConfirmationLimitPolicy } from './services/confirmation-limits';
import { OfferCapacityService } from './services/offer-capacity-service';
import { offerCapacityRoutes } from './http/offer-capacity-routes';
import { PartnerLookupLimits, type PartnerLookupLimitPolicy } from './services/partner-lookup-limits';
import { createSecurityLog, registerDenialEvents } from './http/security-log';
import { APP_VERSION, DEFAULT_FLEET_WARNING_DAYS } from '@shared/fleet';

export interface BuildAppOptions {
  db: Database;
  /** The built PWA (./dist); omitted → API only. */
  staticDir?: string;
  /** Request logging (pino to stdout); off by default, e.g. in tests. */
  logger?: boolean;
  /** Behind reverse proxies: how many hops (or which proxy addresses) to believe in X-Forwarded-For. Never `true`. */
  trustProxy?: number | string[] | false;
  /** Sign-in limits kept in the database (per account, per client address, per municipality); defaults in services/sign-in-limits.ts. */
  signInLimits?: SignInLimitPolicy;
  /** Throttle of partners' case-number look-ups (misses per account and per address); defaults in services/partner-lookup-limits.ts. */
  partnerLookupLimits?: PartnerLookupLimitPolicy;
  /** Key of the keyed hash of unknown usernames in security events (SECURITY_EVENT_KEY); omitted → random per process. */
  securityEventKey?: string;
  /** Throttle of the public confirmation page (per address, per partner key, server-wide); defaults in services/confirmation-limits.ts. */
  confirmationLimits?: ConfirmationLimitPolicy;
  /** Login attempts per IP + username; default 10 per minute. */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** Refresh attempts per IP; default 60 per minute. */
  refreshRateLimit?: { max: number; timeWindowMs: number };
  /** Tablet status checks per IP; default 30 per minute. */
  deviceStatusRateLimit?: { max: number; timeWindowMs: number };
  /** The fleet view's N days (tablets silent with unsent records, or holding old ones); default 3. */
  fleetWarningDays?: number;
  /** Partner handover key changes per IP (they check the account password); default 10 per minute. */
  handoverKeyRateLimit?: { max: number; timeWindowMs: number };
  /** The server's time source for token expiry and revocation; tests move it instead of sleeping. */
  clock?: () => Date;
  /** Token lifetimes; default 15 minutes (access) and 7 days (refresh). */
  tokenTtl?: { accessMs?: number; refreshMs?: number };
  /** Draining for a shutdown: readiness answers 503 while work in flight finishes (main.ts on SIGTERM). */
  lifecycle?: Lifecycle;
  /** Bearer token for GET /metrics (Prometheus); without one the endpoint does not exist. */
  metricsToken?: string;
  /** Answer 503 with Retry-After when the process is overloaded; off unless given (main.ts turns it on). */
  overload?: OverloadPolicy;
  /**
   * The origin the browsers see (PUBLIC_ORIGIN, e.g. https://lotse.example.de): the relying party
   * of passkeys. Omitted → no passkeys, the authenticator app only.
   */
  publicOrigin?: string;
  /** Deletes what is past its retention period once a day (main.ts: RETENTION_* or the defaults); omitted → no job, e.g. in tests. */
  retention?: RetentionPolicy;
}

export interface OverloadPolicy {
  /** Mean event-loop delay above which new requests are turned away. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0–1) above which new requests are turned away; 0 = not checked. */
  maxEventLoopUtilization?: number;
  /** Heap in use above which new requests are turned away; 0 = not checked. */
  maxHeapUsedBytes?: number;
  /** What the Retry-After header says; the tablet waits at least this long. */
  retryAfterSeconds: number;
  /** How often the load is sampled; default 1 s. */
  sampleIntervalMs?: number;
}

/** Everything but push (which carries whole batches) is small. */
const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Served fresh every time so an app update is noticed; hashed assets may be cached forever. */
const NO_CACHE_FILES = new Set(['index.html', 'sw.js', 'manifest.webmanifest']);

export function isApiPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return path === '/api' || path.startsWith('/api/');
}

function staticCacheControl(reply: FastifyReply, filePath: string): void {
  const normalised = filePath.replaceAll('\\', '/');
  const fileName = normalised.slice(normalised.lastIndexOf('/') + 1);
  if (normalised.includes('/assets/') && !NO_CACHE_FILES.has(fileName)) {
    void reply.header('Cache-Control', 'public, max-age=31536000, immutable');
  } else {
    void reply.header('Cache-Control', 'no-cache');
  }
}

/** A hop count becomes proxy-addr's "trust the n nearest hops" (Fastify's types take it only as a function). */
function trustProxySetting(trust: number | string[] | false | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust ?? false;
}

/** A request id the proxy in front may hand over (nginx: $request_id); anything else gets a fresh one. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

export function buildApp(options: BuildAppOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: DEFAULT_BODY_LIMIT,
    // One id per request in every log line and in the X-Request-Id answer header, so an
    // office's report of a failure can be found in the logs without any content of it.
    genReqId: requestId,
    requestIdLogLabel: 'requestId',
    trustProxy: trustProxySetting(options.trustProxy),
    logger: options.logger
      ? {
          level: process.env['LOG_LEVEL'] ?? 'info',
          // Method and path only: never bodies, query strings or headers (tokens).
          serializers: {
            req: (request) => ({ method: request.method, url: request.url.split('?', 1)[0] ?? '' }),
            res: (reply) => ({ statusCode: reply.statusCode }),
          },
        }
      : false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body must be 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('staffSession', null);
  // Every handler runs acting for its session's municipality, and for none without a session:
  // row-level security (migration 027) then shows it no other municipality's rows, even where
  // a query forgot its filter. Sign-in and the public pages enter one after a narrow look-up.
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      return withMunicipality(request.staffSession?.user.municipalityId ?? null, () => handler.call(this, request, reply));
    };
  });
  registerErrorHandling(app);
  registerNulGuard(app);

  void app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  // Before @fastify/static, so its hook sees every reply: API answers above 1 kB and the few
  // build files without a precompressed twin (sw.js, workbox) are compressed per request; files
  // with a .br/.gz twin already carry Content-Encoding and pass untouched. Request bodies are
  // not decompressed: a compressed push could otherwise slip past the body limit.
  void app.register(fastifyCompress, { global: true, threshold: 1024, globalDecompression: false });
  void app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: () => new ServiceError(429, 'rateLimited', defaultMessage('rateLimited')),
  });
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lotse API',
        description: 'Referral backend of Lotse: sessions, offline sync, tablets, signing keys and administration.',
        version: `protocol-${SYNC_PROTOCOL_VERSION}`,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });

  // The server works as the application role (migration 027), never as the owner that migrates.
  const db = options.db.forApplication();
  const lifecycle = options.lifecycle ?? new Lifecycle();
  const clock = options.clock ?? (() => new Date());
  const devices = new DeviceService(db, clock, {
    warningDays: options.fleetWarningDays ?? DEFAULT_FLEET_WARNING_DAYS,
    currentAppVersion: APP_VERSION,
  });
  if (options.metricsToken !== undefined) {
    registerMetrics(app, { db, token: options.metricsToken, fleet: () => devices.fleetSummary() });
  }
  if (options.overload !== undefined) {
    void app.register(fastifyUnderPressure, {
      maxEventLoopDelay: options.overload.maxEventLoopDelayMs,
      maxEventLoopUtilization: options.overload.maxEventLoopUtilization ?? 0,
      maxHeapUsedBytes: options.overload.maxHeapUsedBytes ?? 0,
      retryAfter: options.overload.retryAfterSeconds,
      ...(options.overload.sampleIntervalMs === undefined ? {} : { sampleInterval: options.overload.sampleIntervalMs }),
    });
  }

  app.addHook('onSend', (request, reply, payload, done) => {
    // API answers may carry case data: never cached by the browser, the service worker or a proxy.
    if (isApiPath(request.url)) void reply.header('Cache-Control', 'no-store');
    void reply.header('X-Request-Id', request.id);
    // Draining for a shutdown: a kept-alive connection closes after this answer, so the
    // server's close is not held up by the client's idle connection pool.
    if (lifecycle.draining) void reply.header('Connection', 'close');
    done(null, payload);
  });

  const relyingParty = options.publicOrigin === undefined ? undefined : relyingPartyFrom(options.publicOrigin);
  const auth = new AuthService(db, {
    clock,
    passkeysAvailable: relyingParty !== undefined,
    ...(options.tokenTtl?.accessMs === undefined ? {} : { accessTokenTtlMs: options.tokenTtl.accessMs }),
    ...(options.tokenTtl?.refreshMs === undefined ? {} : { refreshTokenTtlMs: options.tokenTtl.refreshMs }),
    ...(options.signInLimits === undefined ? {} : { signInLimits: options.signInLimits }),
  });
  const sync = new SyncService(db);
  const offers = new OfferService(db);
  void app.register(healthRoutes, { db, lifecycle });
  const securityLog = createSecurityLog(options.securityEventKey);
  registerDenialEvents(app, securityLog, db);
  const passwords = new PasswordService(db, clock, auth.limits);
  // Codes of the second factor are limited like the password they follow.
  const loginRateLimit = options.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 };
  void app.register(sessionRoutes, {
    auth,
    passwords,
    securityLog,
    loginRateLimit,
    refreshRateLimit: options.refreshRateLimit ?? { max: 60, timeWindowMs: 60_000 },
  });
  void app.register(secondFactorRoutes, { auth, securityLog, codeRateLimit: loginRateLimit });
  const passkeys = new PasskeyService(db, clock, auth.limits, auth.secondFactors, relyingParty, async (accountId, password) => {
    const [account] = await db.query<{ password_hash: string }>('SELECT password_hash FROM staff_accounts WHERE id = $1 AND active', [
      accountId,
    ]);
    return account !== undefined && (await verifyPassword(password, account.password_hash));
  });
  void app.register(passkeyRoutes, { auth, passkeys, securityLog, codeRateLimit: loginRateLimit });
  void app.register(syncRoutes, { auth, sync, config: new ConfigService(db), offers });
  void app.register(questionnaireRoutes, { auth, questionnaires: new QuestionnaireService(db) });
  void app.register(deviceRoutes, {
    auth,
    devices,
    lostTablets: new LostTabletService(options.db, clock),
    statusRateLimit: options.deviceStatusRateLimit ?? { max: 30, timeWindowMs: 60_000 },
  });
  void app.register(staffKeyRoutes, { auth, keys: new SigningKeyService(db, clock) });
  void app.register(adminRoutes, { auth, admin: new AdminService(db, clock), passwords, db });
  void app.register(reviewRoutes, { auth, reviews: new ReviewService(db) });
  void app.register(withdrawalRoutes, { auth, withdrawals: new WithdrawalService(db) });
  void app.register(reportRoutes, { auth, reports: new ReportService(db) });
  void app.register(exportRoutes, { auth, exports: new FhirExportService(db) });
  void app.register(referralRoutes, {
    auth,
    catalog: new OfferCatalogService(db),
    referrals: new ReferralService(db, clock),
    lookupLimits: new PartnerLookupLimits(db, clock, options.partnerLookupLimits),
    securityLog,
  });
  void app.register(handoverRoutes, {
    auth,
    handovers: new HandoverService(db, clock),
    keyRateLimit: options.handoverKeyRateLimit ?? { max: 10, timeWindowMs: 60_000 },
  });
  // One throttle for the public page: confirmations and free places count against the same limits.
  const confirmationLimits = new ConfirmationLimits(options.confirmationLimits);
  void app.register(partnerConfirmationRoutes, {
    auth,
    keys: new PartnerKeyService(db, clock),
    confirmations: new PartnerConfirmationService(db, clock, confirmationLimits),
  });
  void app.register(offerCapacityRoutes, { auth, capacity: new OfferCapacityService(db, clock, confirmationLimits) });
  scheduleHandoverPurge(app, db, clock);
  if (options.retention !== undefined) scheduleRetention(app, db, options.retention, clock);
  // Registered as a plugin so it loads after @fastify/swagger and appears in the document too.
  void app.register((instance, _options, done) => {
    instance.get('/api/openapi.json', { schema: { summary: 'This OpenAPI document', tags: ['system'] } }, () => instance.swagger());
    done();
  });

  const staticRoot = options.staticDir === undefined ? undefined : resolve(options.staticDir);
  if (staticRoot !== undefined) {
    void app.register(fastifyStatic, {
      root: staticRoot,
      // The build writes a .br and a .gz beside each text asset (vite.config.ts); they are sent
      // with Content-Encoding and Vary: Accept-Encoding to browsers that accept them.
      preCompressed: true,
      cacheControl: false,
      setHeaders: staticCacheControl,
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    const path = request.url.split('?', 1)[0] ?? '';
    // SPA fallback: client-side routes get index.html; missing hashed assets stay 404.
    if (staticRoot !== undefined && isRead && !isApiPath(request.url) && !path.startsWith('/assets/')) {
      void reply.header('Cache-Control', 'no-cache').sendFile('index.html', staticRoot);
      return;
    }
    sendError(reply, new ServiceError(404, 'notFound', defaultMessage('notFound')));
  });

  return app;
}
