// The one error envelope (src/shared/protocol.ts errorEnvelopeSchema) and the
// error handler that maps every failure (a ServiceError, a schema or body error) onto it. Bad input is always a 4xx;
// only our own bugs become 500, and those are logged without request bodies.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorEnvelope, ErrorReason } from '@shared/protocol';
import { ServiceError, defaultMessage, type Issue } from '../services/service-error';

export function errorEnvelope(reason: ErrorReason, message: string, issues?: Issue[]): ErrorEnvelope {
  return { error: { reason, message, ...(issues === undefined ? {} : { issues }) } };
}

const REASON_BY_STATUS: Partial<Record<number, ErrorReason>> = {
  400: 'invalidRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  405: 'notFound',
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
  426: 'clientTooOld',
  429: 'rateLimited',
  503: 'unavailable',
};

const MALFORMED_BODY_CODES = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

function classify(error: FastifyError): ServiceError | null {
  if (error instanceof ServiceError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.slice(0, 50).map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: issue.keyword === 'unrecognized_keys' ? 'unrecognizedKeys' : (issue.message ?? 'invalid'),
    }));
    return new ServiceError(400, 'invalidRequest', 'The request does not match the schema.', issues);
  }
  if (error.validation) {
    return new ServiceError(400, 'invalidRequest', 'The request does not match the schema.');
  }
  if (error.code && MALFORMED_BODY_CODES.has(error.code)) {
    return new ServiceError(400, 'malformedJson', 'The request body is not valid JSON.');
  }
  // secure-json-parse rejects __proto__/constructor.prototype keys with a SyntaxError.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new ServiceError(400, 'malformedJson', 'The request body is not valid JSON.');
  }
  const status = error.statusCode ?? 500;
  // Overloaded (@fastify/under-pressure has set Retry-After): the tablet waits and tries again.
  if (status === 503) return new ServiceError(503, 'unavailable', defaultMessage('unavailable'));
  if (status >= 400 && status < 500) {
    const reason = REASON_BY_STATUS[status] ?? 'invalidRequest';
    return new ServiceError(status === 405 ? 404 : status, reason, defaultMessage(reason));
  }
  return null;
}

export function sendError(reply: FastifyReply, error: ServiceError): void {
  reply.code(error.statusCode).send(errorEnvelope(error.reason, error.message, error.issues));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = classify(error);
    if (known) {
      sendError(reply, known);
      return;
    }
    // Only the error and the route: never the body, which may carry record content.
    request.log.error(
      { err: { type: error.name, code: error.code, message: error.message, stack: error.stack }, route: request.routeOptions.url },
      'unexpected error',
    );
    sendError(reply, new ServiceError(500, 'internal', defaultMessage('internal')));
  });
}
