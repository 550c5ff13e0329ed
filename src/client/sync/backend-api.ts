// Online-only calls to the backend besides push: sign-in, sign-out, config pull.
// Responses are validated with the shared schemas before anything is stored.
import {
  deviceConfigSchema,
  errorEnvelopeSchema,
  loginResponseSchema,
  type DeviceConfig,
  type ErrorReason,
  type LoginRequest,
  type LoginResponse,
} from '../../shared/protocol';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly reason: ErrorReason | 'network',
    readonly status: number,
  ) {
    super(reason);
  }
}

async function call(path: string, init: RequestInit & { token?: string | undefined }): Promise<unknown> {
  const { token, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      cache: 'no-store',
      credentials: 'omit',
      headers: {
        ...(rest.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
    });
  } catch {
    throw new BackendError('network', 0);
  }
  if (response.status === 204) return undefined;
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const envelope = errorEnvelopeSchema.safeParse(body);
    throw new BackendError(envelope.success ? envelope.data.error.reason : 'internal', response.status);
  }
  return body;
}

export async function signIn(credentials: LoginRequest): Promise<LoginResponse> {
  return loginResponseSchema.parse(await call('/api/session', { method: 'POST', body: JSON.stringify(credentials) }));
}

export async function signOut(token: string): Promise<void> {
  await call('/api/session', { method: 'DELETE', token });
}

export async function fetchDeviceConfig(token: string): Promise<DeviceConfig> {
  return deviceConfigSchema.parse(await call('/api/sync/config', { method: 'GET', token }));
}
