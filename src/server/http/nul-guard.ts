// PostgreSQL cannot store U+0000 in text or jsonb: such a string would reach
// the database and fail there with a 500. Refuse it up front, for every route,
// as a 400 with a reason (no legitimate input contains a NUL character).
import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../services/service-error';

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  for (const [key, v] of Object.entries(value)) if (key.includes('\u0000') || containsNul(v, depth + 1)) return true;
  return false;
}

export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
      done(new ServiceError(400, 'invalidRequest', 'Text must not contain NUL characters.'));
      return;
    }
    done();
  });
}
