// Bearer-token authentication for routes that need a signed-in staff member.
import type { FastifyRequest } from 'fastify';
import type { Role } from '@shared/protocol';
import type { AuthService, StaffSession } from '../services/auth-service';
import { ServiceError, defaultMessage } from '../services/service-error';

declare module 'fastify' {
  interface FastifyRequest {
    staffSession: StaffSession | null;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/**
 * An onRequest hook: runs before the body is even read, so strangers cannot make us parse 4 MB.
 * A session from a one-time password (an admin's reset) is refused with 403 passwordChangeRequired
 * on every route but the few that pass `allowPasswordChange` (set the password, who am I, sign out).
 */
export function authenticateWith(auth: AuthService, { allowPasswordChange = false }: { allowPasswordChange?: boolean } = {}) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    const session = token === null ? null : await auth.authenticate(token);
    if (!session) throw new ServiceError(401, 'unauthorized', defaultMessage('unauthorized'));
    request.staffSession = session;
    if (session.mustChangePassword && !allowPasswordChange) {
      throw new ServiceError(403, 'passwordChangeRequired', defaultMessage('passwordChangeRequired'));
    }
  };
}

export function requireSession(request: FastifyRequest): StaffSession {
  if (!request.staffSession) throw new ServiceError(401, 'unauthorized', defaultMessage('unauthorized'));
  return request.staffSession;
}

/**
 * An onRequest hook after authenticateWith: 403 unless the staff member holds one
 * of the roles. Runs before the body and path are looked at, so it reveals nothing.
 */
export function requireRoles(...roles: readonly Role[]) {
  return (request: FastifyRequest): Promise<void> => {
    const roleHeld = request.staffSession?.user.roles.some((role) => roles.includes(role)) ?? false;
    if (request.staffSession === null) return Promise.reject(new ServiceError(401, 'unauthorized', defaultMessage('unauthorized')));
    if (!roleHeld) return Promise.reject(new ServiceError(403, 'forbidden', defaultMessage('forbidden')));
    return Promise.resolve();
  };
}

/**
 * An onRequest hook after authenticateWith (and requireRoles): 403 forbidden unless
 * the session is bound to an enrolled tablet. Authentication already refuses a
 * session whose tablet was revoked, so a bound session here means an active tablet
 * of the session's municipality (the foreign key is composite). Runs before the
 * body is read, so a browser that never enrolled cannot make us parse a push.
 */
export function requireTabletSession(message: string) {
  return (request: FastifyRequest): Promise<void> => {
    const session = request.staffSession;
    if (session === null) return Promise.reject(new ServiceError(401, 'unauthorized', defaultMessage('unauthorized')));
    if (session.deviceId === null) return Promise.reject(new ServiceError(403, 'forbidden', message));
    return Promise.resolve();
  };
}
