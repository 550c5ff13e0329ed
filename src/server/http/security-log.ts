// Security events as one JSON line each in the server log (pino), for a log shipper
// to forward: `event: 'security'`, the kind, the client address, the request id (from
// the request's logger) and the account if known. Never a password, a token, case
// content or a typed username in clear: an unknown username appears only as a keyed
// hash (HMAC-SHA-256 under SECURITY_EVENT_KEY, cut to 64 bits), so repeated guesses
// at one name can be grouped without the log holding what was typed.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database';
import { withMunicipality } from '../db/tenant-scope';
import { SERVER_WIDE_AUDIT, audit } from '../services/audit';
import type { SecurityEventKind, SecurityNote } from '../services/security-events';

export type SecurityLog = (request: FastifyRequest, notes: readonly SecurityNote[], typedUsername?: string) => void;

/** Requests that already wrote their own, more specific event: the catch-all below stays silent for them. */
const logged = new WeakSet<FastifyRequest>();

export function createSecurityLog(key: string | undefined): SecurityLog {
  // Without a configured key the hashes group guesses within one process run only.
  const hmacKey = key ?? randomBytes(32).toString('base64url');
  const usernameHash = (typed: string): string =>
    createHmac('sha256', hmacKey).update(typed.normalize('NFC').toLowerCase()).digest('hex').slice(0, 16);
  return (request, notes, typedUsername) => {
    if (notes.length > 0) logged.add(request);
    for (const note of notes) {
      request.log.warn(
        {
          event: 'security',
          kind: note.kind,
          clientAddress: request.ip,
          ...(note.accountId === null ? {} : { accountId: note.accountId }),
          ...(note.municipalityId === null ? {} : { municipalityId: note.municipalityId }),
          ...(note.accountId === null && typedUsername !== undefined ? { usernameHash: usernameHash(typedUsername) } : {}),
        },
        `security event ${note.kind}`,
      );
    }
  };
}

const DENIALS: Partial<Record<number, SecurityEventKind>> = {
  401: 'access.unauthorized',
  403: 'access.forbidden',
  429: 'access.rateLimited',
};

/** Refusals without a sign-in audited server-wide per minute and process; more are counted in one entry (a scan must not grow the chain per request). */
export const UNSIGNED_DENIAL_AUDITS_PER_MINUTE = 120;

/**
 * Every other refused API request — a missing, expired or revoked token (401), a role or
 * tablet the route needs (403), any limiter (429) — is a security event too, with the
 * account when the request was signed in. 401 and 403 are also audit entries (one hook for
 * every route): under the account's municipality when signed in, else server-wide; object
 * "<client address> <method> <route pattern>", never the URL with its ids. Requests whose
 * route already wrote its own, more specific event are not repeated.
 */
export function registerDenialEvents(app: FastifyInstance, securityLog: SecurityLog, db: Queryable): void {
  let window = { startedAt: 0, audited: 0, suppressed: 0 };
  app.addHook('onResponse', async (request, reply) => {
    const kind = DENIALS[reply.statusCode];
    if (kind === undefined || logged.has(request) || !request.url.startsWith('/api/')) return;
    const user = request.staffSession?.user;
    securityLog(request, [{ kind, accountId: user?.id ?? null, municipalityId: user?.municipalityId ?? null }]);
    if (reply.statusCode === 429) return;
    const action = reply.statusCode === 401 ? 'security.denied.unauthorized' : 'security.denied.forbidden';
    const objectId = `${request.ip} ${request.method} ${request.routeOptions.url ?? '(no route)'}`;
    try {
      if (user !== undefined) {
        // onResponse runs after the handler's scope: the entry names its municipality itself (027).
        await withMunicipality(user.municipalityId, () =>
          audit(db, { municipalityId: user.municipalityId, actorId: user.id, action, objectId }),
        );
        return;
      }
      const now = Date.now();
      if (now - window.startedAt >= 60_000) {
        if (window.suppressed > 0) {
          const suppressed = String(window.suppressed);
          // Server-wide entries may be appended from any scope (027, policy server_wide_entries).
          await audit(db, {
            municipalityId: SERVER_WIDE_AUDIT,
            actorId: null,
            action: 'security.denied.unauditedCount',
            objectId: suppressed,
          });
        }
        window = { startedAt: now, audited: 0, suppressed: 0 };
      }
      if (window.audited >= UNSIGNED_DENIAL_AUDITS_PER_MINUTE) {
        window.suppressed += 1;
        return;
      }
      window.audited += 1;
      await audit(db, { municipalityId: SERVER_WIDE_AUDIT, actorId: null, action, objectId });
    } catch (error: unknown) {
      request.log.error({ err: error }, 'auditing a refused request failed');
    }
  });
}

/** A refusal the route itself made (the in-memory limiter), with no account looked up. */
export function routeNote(kind: SecurityEventKind): SecurityNote {
  return { kind, accountId: null, municipalityId: null };
}
