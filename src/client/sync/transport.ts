// How the engine reaches the backend. The HTTP implementation is the only
// place the sync code calls fetch; tests substitute their own transport.
import {
  errorEnvelopeSchema,
  pushResponseSchema,
  type ErrorEnvelope,
  type PushRequest,
  type PushResponse,
} from '../../shared/protocol';

export type PushOutcome =
  | { kind: 'answered'; status: number; response: PushResponse }
  | { kind: 'failed'; status: number; error: ErrorEnvelope['error'] | undefined }
  | { kind: 'network' };

export interface PushTransport {
  push(request: PushRequest): Promise<PushOutcome>;
}

export function httpTransport(options: { baseUrl?: string; token: () => Promise<string | undefined> }): PushTransport {
  const baseUrl = options.baseUrl ?? '';
  return {
    async push(request) {
      const token = await options.token();
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/api/sync/push`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          },
          body: JSON.stringify(request),
          cache: 'no-store',
          credentials: 'omit',
        });
      } catch {
        return { kind: 'network' };
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        // A cut body or a proxy's HTML page: the answer is unknown, so retry.
        return response.status >= 500 || response.ok ? { kind: 'network' } : { kind: 'failed', status: response.status, error: undefined };
      }
      const answered = pushResponseSchema.safeParse(body);
      if (answered.success) return { kind: 'answered', status: response.status, response: answered.data };
      if (response.ok) return { kind: 'network' };
      const envelope = errorEnvelopeSchema.safeParse(body);
      return { kind: 'failed', status: response.status, error: envelope.success ? envelope.data.error : undefined };
    },
  };
}
