// The office area's HTTP client. Online only: nothing is cached or stored in the
// browser; tokens live in this closure (React state holds the connection) and
// every response is checked against the shared contract before it is shown.
import type { z } from 'zod';
import {
  errorEnvelopeSchema,
  loginResponseSchema,
  type ErrorReason,
  type LoginResponse,
  type SessionUser,
} from '../../../shared/protocol';
import {
  deviceListSchema,
  deviceSchema,
  organisationListSchema,
  organisationSchema,
  staffAccountSchema,
  staffListSchema,
  type CreateOrganisationRequest,
  type CreateStaffRequest,
  type Device,
  type Organisation,
  type StaffAccount,
  type UpdateStaffRequest,
  municipalitySettingsSchema,
  type MunicipalitySettings,
} from '../../../shared/staff-api';
import { reportSchema, type Report, type ReportQuery } from '../../../shared/reports';

/** A slow or dead network must not leave a form spinning forever. */
const REQUEST_TIMEOUT_MS = 20_000;

export type OfficeErrorReason = ErrorReason | 'network' | 'invalidResponse';

export interface OfficeIssue {
  path: string;
  message: string;
}

export class OfficeApiError extends Error {
  override readonly name = 'OfficeApiError';
  constructor(
    readonly reason: OfficeErrorReason,
    readonly status: number,
    readonly issues: readonly OfficeIssue[] = [],
  ) {
    super(reason);
  }
}

interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string;
  /** 'text': the answer is returned as text (CSV downloads), not parsed as JSON. */
  as?: 'text';
}

async function request(path: string, { method, body, token, as }: RequestOptions): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      cache: 'no-store',
      credentials: 'omit',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new OfficeApiError('network', 0);
  }
  if (response.status === 204) return undefined;
  if (as === 'text' && response.ok) return response.text();
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const envelope = errorEnvelopeSchema.safeParse(payload);
    if (!envelope.success) throw new OfficeApiError(response.status === 429 ? 'rateLimited' : 'internal', response.status);
    const { reason, issues } = envelope.data.error;
    throw new OfficeApiError(reason, response.status, issues ?? []);
  }
  return payload;
}

function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) throw new OfficeApiError('invalidResponse', 200);
  return result.data;
}

/** A report URL: the query names only the period and a district id, never anything about a family. */
function reportPath(municipalityId: string, kind: 'indicators' | 'sachbericht', query: ReportQuery & { format?: 'csv' }): string {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  if (query.district !== undefined) params.set('district', query.district);
  if (query.format !== undefined) params.set('format', query.format);
  return `/api/reports/${encodeURIComponent(municipalityId)}/${kind}?${params.toString()}`;
}

/** Signs in without a device: the office session is never bound to a tablet. */
export async function signInToOffice(credentials: { username: string; password: string }): Promise<LoginResponse> {
  const body = { username: credentials.username, password: credentials.password };
  return parse(loginResponseSchema, await request('/api/session', { method: 'POST', body }));
}

export interface OfficeConnection {
  readonly user: SessionUser;
  listOrganisations(): Promise<Organisation[]>;
  createOrganisation(body: CreateOrganisationRequest): Promise<Organisation>;
  listStaff(): Promise<StaffAccount[]>;
  createStaff(body: CreateStaffRequest): Promise<StaffAccount>;
  updateStaff(id: string, body: UpdateStaffRequest): Promise<StaffAccount>;
  listDevices(): Promise<Device[]>;
  revokeDevice(deviceId: string): Promise<void>;
  settings(): Promise<MunicipalitySettings>;
  updateSettings(body: MunicipalitySettings): Promise<MunicipalitySettings>;
  /** Indicators of a period (coordinator, own municipality). */
  report(query: ReportQuery): Promise<Report>;
  /** The Sachbericht of a period as CSV text. */
  sachberichtCsv(query: ReportQuery): Promise<string>;
  /** Any other authorised call, its answer checked against `schema` (feature clients such as referral-api build on it). */
  call<T>(schema: z.ZodType<T>, path: string, method: RequestOptions['method'], body?: unknown): Promise<T>;
  /** Revokes the session on the server; never throws (offline, the token simply expires). */
  signOut(): Promise<void>;
}

/**
 * Wraps a fresh login. Access tokens live 15 minutes: on a 401 the rotating
 * refresh token is used once (shared by concurrent calls, since each use
 * invalidates the old one); if that fails, `onExpired` sends the person back
 * to the sign-in.
 */
export function connectOffice(login: LoginResponse, onExpired: () => void): OfficeConnection {
  let token = login.token;
  let refreshToken: string | null = login.refreshToken;
  let refreshing: Promise<boolean> | null = null;
  let expired = false;

  const expire = (): never => {
    if (!expired) {
      expired = true;
      refreshToken = null;
      onExpired();
    }
    throw new OfficeApiError('unauthorized', 401);
  };

  const refresh = (): Promise<boolean> => {
    const current = refreshToken;
    if (current === null) return Promise.resolve(false);
    refreshing ??= request('/api/session/refresh', { method: 'POST', body: { refreshToken: current } })
      .then((payload) => {
        const renewed = parse(loginResponseSchema, payload);
        token = renewed.token;
        refreshToken = renewed.refreshToken;
        return true;
      })
      .catch((error: unknown) => {
        // Offline is not expiry: the refresh token stays for the next try.
        if (error instanceof OfficeApiError && error.reason === 'network') throw error;
        return false;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };

  const authorised = async (path: string, options: Omit<RequestOptions, 'token'>): Promise<unknown> => {
    if (expired) expire();
    const usedToken = token;
    try {
      return await request(path, { ...options, token: usedToken });
    } catch (error) {
      if (!(error instanceof OfficeApiError) || error.status !== 401) throw error;
    }
    // Another call may have refreshed while this one was under way.
    if (token === usedToken && !(await refresh())) expire();
    try {
      return await request(path, { ...options, token });
    } catch (error) {
      if (error instanceof OfficeApiError && error.status === 401) expire();
      throw error;
    }
  };

  return {
    user: login.user,
    async call(schema, path, method, body) {
      return parse(schema, await authorised(path, body === undefined ? { method } : { method, body }));
    },
    async listOrganisations() {
      return parse(organisationListSchema, await authorised('/api/admin/organisations', { method: 'GET' })).organisations;
    },
    async createOrganisation(body) {
      return parse(organisationSchema, await authorised('/api/admin/organisations', { method: 'POST', body }));
    },
    async listStaff() {
      return parse(staffListSchema, await authorised('/api/admin/staff', { method: 'GET' })).staff;
    },
    async createStaff(body) {
      return parse(staffAccountSchema, await authorised('/api/admin/staff', { method: 'POST', body }));
    },
    async updateStaff(id, body) {
      return parse(staffAccountSchema, await authorised(`/api/admin/staff/${encodeURIComponent(id)}`, { method: 'PATCH', body }));
    },
    async listDevices() {
      return parse(deviceListSchema, await authorised('/api/devices', { method: 'GET' })).devices;
    },
    async revokeDevice(deviceId) {
      const payload = await authorised(`/api/devices/${encodeURIComponent(deviceId)}/revoke`, { method: 'POST', body: {} });
      // The answer is either empty (204) or the revoked device.
      if (payload !== undefined) parse(deviceSchema, payload);
    },
    async settings() {
      return parse(municipalitySettingsSchema, await authorised('/api/admin/settings', { method: 'GET' }));
    },
    async updateSettings(body) {
      return parse(municipalitySettingsSchema, await authorised('/api/admin/settings', { method: 'PUT', body }));
    },
    async report(query) {
      return parse(reportSchema, await authorised(reportPath(login.user.municipalityId, 'indicators', query), { method: 'GET' }));
    },
    async sachberichtCsv(query) {
      const text = await authorised(reportPath(login.user.municipalityId, 'sachbericht', { ...query, format: 'csv' }), { method: 'GET', as: 'text' });
      if (typeof text !== 'string') throw new OfficeApiError('invalidResponse', 200);
      return text;
    },
    async signOut() {
      if (expired) return;
      expired = true;
      refreshToken = null;
      await request('/api/session', { method: 'DELETE', token }).catch(() => undefined);
    },
  };
}
