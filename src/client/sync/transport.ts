// How the engine pushes records: one batch per request through the client's one
// request function (http/request.ts). A push answers record by record, also with
// 409/422 when nothing was accepted; every other failure is a RequestError that
// the engine sorts into retry, renew, pause or reject. Tests substitute their own transport.
import { pushResponseSchema, type PushRequest, type PushResponse } from '@shared/protocol';
import { request } from '../http/request';

/**
 * A batch of up to MAX_PUSH_BATCH records may take a while on a weak mobile
 * connection; a push cut off by the clock is simply sent again (pushes are idempotent).
 */
export const PUSH_TIMEOUT_MS = 60_000;

export interface PushTransport {
  /** The server's answer per record; throws RequestError when there is none. */
  push(batch: PushRequest): Promise<PushResponse>;
}

export function httpTransport(options: { baseUrl?: string; token: () => Promise<string | undefined> }): PushTransport {
  return {
    async push(batch) {
      return request('/api/sync/push', {
        method: 'POST',
        answer: pushResponseSchema,
        answerOnErrorStatus: true,
        body: batch,
        token: await options.token(),
        timeoutMs: PUSH_TIMEOUT_MS,
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      });
    },
  };
}
