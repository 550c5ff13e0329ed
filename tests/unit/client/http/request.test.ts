// The client's one request function: every way a call can fail ends as a
// RequestError with a typed reason, and a push's per-record answer is taken
// even with an error status.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { RequestError, request, requestText } from '@client/http/request';
import { pushResponseSchema } from '@shared/protocol';

const answerSchema = z.strictObject({ ok: z.literal(true) });

function stubFetch(answer: (init: RequestInit) => Promise<Response>): ReturnType<typeof vi.fn> {
  const fetchMock = vi.fn((_url: string, init: RequestInit) => answer(init));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function failureOf(call: Promise<unknown>): Promise<RequestError> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RequestError)) throw new Error(`expected a RequestError, got ${String(error)}`);
  return error;
}

describe('request', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('returns the answer checked against its schema, without cache or cookies, with the bearer token', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(Response.json({ ok: true })));
    expect(await request('/api/thing', { method: 'POST', answer: answerSchema, body: { a: 1 }, token: 't0k' })).toEqual({ ok: true });
    const init = fetchMock.mock.calls[0]?.[1] as RequestInit;
    expect(init).toMatchObject({ method: 'POST', cache: 'no-store', credentials: 'omit', body: '{"a":1}' });
    expect(init.headers).toMatchObject({ authorization: 'Bearer t0k', 'content-type': 'application/json' });
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('gives up after the timeout with reason "timeout"', async () => {
    stubFetch(
      (init) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => {
            reject(init.signal?.reason as Error);
          });
        }),
    );
    const error = await failureOf(request('/api/slow', { method: 'GET', answer: answerSchema, timeoutMs: 20 }));
    expect(error).toMatchObject({ reason: 'timeout', status: 0 });
  });

  it('reads how long an overloaded server asks to be left alone (Retry-After), capped at five minutes', async () => {
    const envelope = { error: { reason: 'unavailable', message: 'busy' } };
    stubFetch(() => Promise.resolve(Response.json(envelope, { status: 503, headers: { 'retry-after': '12' } })));
    expect(await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }))).toMatchObject({
      reason: 'unavailable',
      status: 503,
      retryAfterMs: 12_000,
    });
    stubFetch(() => Promise.resolve(new Response('<html>proxy</html>', { status: 503, headers: { 'retry-after': '86400' } })));
    expect(await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }))).toMatchObject({
      reason: 'unavailable',
      retryAfterMs: 300_000,
    });
    stubFetch(() => Promise.resolve(Response.json(envelope, { status: 503 })));
    expect((await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }))).retryAfterMs).toBeUndefined();
  });

  it('says "network" when no answer arrives at all', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }))).toMatchObject({ reason: 'network', status: 0 });
  });

  it('says "invalidResponse" for a success that is not JSON or not the API’s answer', async () => {
    stubFetch(() =>
      Promise.resolve(new Response('<html>captive portal</html>', { status: 200, headers: { 'content-type': 'text/html' } })),
    );
    expect(await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }))).toMatchObject({
      reason: 'invalidResponse',
      status: 200,
    });
    stubFetch(() => Promise.resolve(Response.json({ ok: 'yes' })));
    expect(await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }))).toMatchObject({
      reason: 'invalidResponse',
      status: 200,
    });
  });

  it('carries the reason, message and issues of the error envelope, and the status', async () => {
    stubFetch(() =>
      Promise.resolve(
        Response.json(
          { error: { reason: 'invalidRequest', message: 'check the fields', issues: [{ path: 'slug', message: 'invalidSlug' }] } },
          { status: 400 },
        ),
      ),
    );
    const error = await failureOf(request('/api/x', { method: 'POST', answer: answerSchema, body: {} }));
    expect(error).toMatchObject({
      reason: 'invalidRequest',
      status: 400,
      message: 'check the fields',
      issues: [{ path: 'slug', message: 'invalidSlug' }],
    });
    expect(error.envelope?.reason).toBe('invalidRequest');
  });

  it('guesses the reason from the status when an error has no envelope (a proxy’s page)', async () => {
    stubFetch(() => Promise.resolve(new Response('Bad gateway', { status: 502 })));
    const gateway = await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }));
    expect(gateway).toMatchObject({ reason: 'internal', status: 502, envelope: undefined });
    stubFetch(() => Promise.resolve(new Response('slow down', { status: 429 })));
    expect(await failureOf(request('/api/x', { method: 'GET', answer: answerSchema }))).toMatchObject({
      reason: 'rateLimited',
      status: 429,
    });
  });

  it('takes a per-record push answer with an error status when asked to', async () => {
    const answer = {
      serverTime: '2026-11-20T09:00:00.000Z',
      results: [{ id: 'a', revision: 1, outcome: 'rejected', status: 422, reason: 'invalidRecord', message: 'x' }],
    };
    stubFetch(() => Promise.resolve(Response.json(answer, { status: 422 })));
    expect(await request('/api/sync/push', { method: 'POST', answer: pushResponseSchema, answerOnErrorStatus: true, body: {} })).toEqual(
      answer,
    );
    stubFetch(() => Promise.resolve(Response.json(answer, { status: 422 })));
    expect(await failureOf(request('/api/sync/push', { method: 'POST', answer: pushResponseSchema, body: {} }))).toMatchObject({
      status: 422,
    });
  });

  it('returns nothing for 204 and text for downloads', async () => {
    stubFetch(() => Promise.resolve(new Response(null, { status: 204 })));
    const nothing = await request('/api/session', { method: 'DELETE', answer: z.literal('never').optional() });
    expect(nothing).toBeUndefined();
    stubFetch(() => Promise.resolve(new Response('a;b\n1;2\n', { status: 200, headers: { 'content-type': 'text/csv' } })));
    expect(await requestText('/api/report.csv', { method: 'GET' })).toBe('a;b\n1;2\n');
  });
});
