// The one request function of the client (tablet and office): a timeout on
// every call, no cache, no cookies, the answer checked against the shared
// contract, and every failure as one RequestError with a typed reason.
import type { z } from 'zod';
import { errorEnvelopeSchema, type ErrorEnvelope, type ErrorReason } from '@shared/protocol';

/** A slow or dead network must not leave a form spinning, or a sync run hanging, forever. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * What went wrong: the server's own reason from the error envelope, or
 * 'network' (no answer), 'timeout' (no answer in time), 'invalidResponse'
 * (an answer that is not the API's).
 */
export type RequestFailureReason = ErrorReason | 'network' | 'timeout' | 'invalidResponse';

export interface RequestIssue {
  path: string;
  message: string;
}

export class RequestError extends Error {
  override readonly name = 'RequestError';
  /** 0 when no answer arrived (network, timeout). */
  readonly status: number;
  readonly issues: readonly RequestIssue[];
  /** The server's own error when it answered with the API's envelope (else the reason is guessed from the status). */
  readonly envelope: ErrorEnvelope['error'] | undefined;
  /** How long the server asked to be left alone (Retry-After on 503 and 429), if it said. */
  readonly retryAfterMs: number | undefined;
  /** Retry-After in seconds as the server sent it, uncapped — for telling a person how long; undefined if absent or a date. */
  readonly requestedWaitSeconds: number | undefined;
  constructor(
    readonly reason: RequestFailureReason,
    details: {
      status?: number;
      envelope?: ErrorEnvelope['error'];
      retryAfterMs?: number | undefined;
      requestedWaitSeconds?: number | undefined;
    } = {},
  ) {
    super(details.envelope?.message ?? reason);
    this.status = details.status ?? 0;
    this.envelope = details.envelope;
    this.issues = details.envelope?.issues ?? [];
    this.retryAfterMs = details.retryAfterMs;
    this.requestedWaitSeconds = details.requestedWaitSeconds;
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions<T> {
  method: HttpMethod;
  /** What a successful answer must look like (204: `undefined`). */
  answer: z.ZodType<T>;
  body?: unknown;
  token?: string | undefined;
  /** Prefix for the path (tests and tools outside the browser need an absolute URL). */
  baseUrl?: string;
  timeoutMs?: number;
  /**
   * The answer schema also covers error statuses: a push is answered record
   * by record, with 409/422 when nothing was accepted.
   */
  answerOnErrorStatus?: boolean;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

async function send(
  path: string,
  options: { method: HttpMethod; body?: unknown; token?: string | undefined; baseUrl?: string; timeoutMs?: number },
): Promise<Response> {
  const { method, body, token } = options;
  try {
    return await fetch(`${options.baseUrl ?? ''}${path}`, {
      method,
      cache: 'no-store',
      credentials: 'omit',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new RequestError(isTimeout(error) ? 'timeout' : 'network');
  }
}

/** The longest wait a Retry-After may ask for; a larger (or a date) value is read as this. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Retry-After in seconds (RFC 9110 §10.2.3); the HTTP-date form is read as the longest wait. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (!/^\d+$/.test(trimmed)) return MAX_RETRY_AFTER_MS;
  return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
}

/** A failed answer: the envelope's reason if there is one, else a reason guessed from the status. */
function failure(status: number, payload: unknown, retryAfter: string | null = null): RequestError {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const requestedWaitSeconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
  const envelope = errorEnvelopeSchema.safeParse(payload);
  if (envelope.success) {
    return new RequestError(envelope.data.error.reason, { status, envelope: envelope.data.error, retryAfterMs, requestedWaitSeconds });
  }
  const guessed = status === 429 ? 'rateLimited' : status === 503 ? 'unavailable' : 'internal';
  return new RequestError(guessed, { status, retryAfterMs, requestedWaitSeconds });
}

/** Sends one request and returns its answer, checked against `options.answer`; throws RequestError otherwise. */
export async function request<T>(path: string, options: RequestOptions<T>): Promise<T> {
  const response = await send(path, options);
  let payload: unknown;
  if (response.status !== 204) {
    try {
      payload = await response.json();
    } catch (error) {
      // The clock ran out while the body arrived; else a cut body or a proxy's HTML page.
      if (isTimeout(error)) throw new RequestError('timeout', { status: response.status });
      if (response.ok) throw new RequestError('invalidResponse', { status: response.status });
      throw failure(response.status, undefined, response.headers.get('retry-after'));
    }
  }
  if (response.ok || options.answerOnErrorStatus === true) {
    const answered = options.answer.safeParse(payload);
    if (answered.success) return answered.data;
    if (response.ok) throw new RequestError('invalidResponse', { status: response.status });
  }
  throw failure(response.status, payload, response.headers.get('retry-after'));
}

/** Like `request`, for answers that are text (CSV downloads). */
export async function requestText(
  path: string,
  options: { method: HttpMethod; token?: string | undefined; timeoutMs?: number },
): Promise<string> {
  const response = await send(path, options);
  if (response.ok) {
    try {
      return await response.text();
    } catch (error) {
      throw new RequestError(isTimeout(error) ? 'timeout' : 'network', { status: response.status });
    }
  }
  throw failure(response.status, await response.json().catch(() => undefined), response.headers.get('retry-after'));
}
