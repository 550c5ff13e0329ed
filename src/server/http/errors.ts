// The one error envelope (src/shared/protocol.ts errorEnvelopeSchema) and the
// error handler that maps every failure onto it. Bad input is always a 4xx;
// only our own bugs become 500, and those are logged without request bodies.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorEnvelope, ErrorReason } from '../../shared/protocol';

export interface Issue {
  path: string;
  message: string;
}

/** An expected failure with a typed reason; thrown by services and routes. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly reason: ErrorReason,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }
}

export function errorEnvelope(reason: ErrorReason, message: string, issues?: Issue[]): ErrorEnvelope {
  return { error: { reason, message, ...(issues === undefined ? {} : { issues }) } };
}

interface ZodLikeIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Zod issues as {path, message}. Zod's messages name what was expected, never the
 * submitted value; unknown keys are the one place a submitted string would be
 * echoed, so those get a fixed message and the parent's path.
 */
export function issuesFromZod(issues: readonly ZodLikeIssue[], prefix = ''): Issue[] {
  return issues.slice(0, 50).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    const message = issue.code === 'unrecognized_keys' ? 'unrecognizedKeys' : issue.message;
    return { path, message };
  });
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
};

const MALFORMED_BODY_CODES = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

function classify(error: FastifyError): ApiError | null {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.slice(0, 50).map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: issue.keyword === 'unrecognized_keys' ? 'unrecognizedKeys' : (issue.message ?? 'invalid'),
    }));
    return new ApiError(400, 'invalidRequest', 'The request does not match the schema.', issues);
  }
  if (error.validation) {
    return new ApiError(400, 'invalidRequest', 'The request does not match the schema.');
  }
  if (error.code && MALFORMED_BODY_CODES.has(error.code)) {
    return new ApiError(400, 'malformedJson', 'The request body is not valid JSON.');
  }
  // secure-json-parse rejects __proto__/constructor.prototype keys with a SyntaxError.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new ApiError(400, 'malformedJson', 'The request body is not valid JSON.');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const reason = REASON_BY_STATUS[status] ?? 'invalidRequest';
    return new ApiError(status === 405 ? 404 : status, reason, MESSAGES[reason]);
  }
  return null;
}

const MESSAGES: Record<ErrorReason, string> = {
  malformedJson: 'The request body is not valid JSON.',
  invalidRequest: 'The request is not valid.',
  payloadTooLarge: 'The request body is too large.',
  unsupportedMediaType: 'The request body must be application/json.',
  clientTooOld: 'This app version is too old; please update.',
  unauthorized: 'Not signed in, or the session has ended.',
  forbidden: 'Not allowed.',
  notFound: 'Not found.',
  rateLimited: 'Too many attempts; please wait a moment.',
  invalidRecord: 'The record is not valid.',
  hashMismatch: 'The content hash does not match the content.',
  revisionConflict: 'This revision already exists with different content.',
  deviceRevoked: 'This tablet has been revoked.',
  conflict: 'This conflicts with existing data.',
  consentMissing: 'No consent of this case covers this record.',
  caseWithdrawn: 'The consent for this case was withdrawn; nothing more is stored for it.',
  staleRevision: 'A newer revision of this record exists; only the latest can be reviewed.',
  invalidSignature: 'A signature does not verify for what it claims to cover.',
  unknownKey: 'A signing key is not enrolled for the person named.',
  keyRevoked: 'A signing key has been revoked.',
  selfApproval: 'The second check must be made by a different person than the author.',
  notApprover: 'Only an approver of the author’s organisation can make the second check.',
  reviewIdUsed: 'This review id has already been used.',
  alreadyReviewed: 'This revision has already been reviewed.',
  internal: 'Something went wrong on the server.',
};

export function sendError(reply: FastifyReply, error: ApiError): void {
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
    sendError(reply, new ApiError(500, 'internal', MESSAGES.internal));
  });
}

export function defaultMessage(reason: ErrorReason): string {
  return MESSAGES[reason];
}
