// Security events as one JSON line each in the server log (pino), for a log shipper
// to forward: `event: 'security'`, the kind, the client address, the request id (from
// the request's logger) and the account if known. Never a password, a token, case
// content or a typed username in clear: an unknown username appears only as a keyed
// hash (HMAC-SHA-256 under SECURITY_EVENT_KEY, cut to 64 bits), so repeated guesses
// at one name can be grouped without the log holding what was typed.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/**
 * Every other refused API request — a missing, expired or revoked token (401), a role or
 * tablet the route needs (403), any limiter (429) — is a security event too, with the
 * account when the request was signed in. Not audited: a tablet's expired access token
 * is routine; the log store counts them.
 */
export function registerDenialEvents(app: FastifyInstance, securityLog: SecurityLog): void {
  app.addHook('onResponse', (request, reply, done) => {
    const kind = DENIALS[reply.statusCode];
    if (kind !== undefined && !logged.has(request) && request.url.startsWith('/api/')) {
      const user = request.staffSession?.user;
      securityLog(request, [{ kind, accountId: user?.id ?? null, municipalityId: user?.municipalityId ?? null }]);
    }
    done();
  });
}

/** A refusal the route itself made (the in-memory limiter), with no account looked up. */
export function routeNote(kind: SecurityEventKind): SecurityNote {
  return { kind, accountId: null, municipalityId: null };
}
