// The office area's connection to the backend, on the client's one request
// function (http/request.ts, 20 s timeout, RequestError). Online only: nothing
// is cached or stored in the browser; tokens live in this closure (React state
// holds the connection) and every response is checked against the shared
// contract before it is shown.
import { z } from 'zod';
import { loginResponseSchema, type LoginResponse, type SessionUser } from '@shared/protocol';
import { DEFAULT_SESSION_SETTINGS } from '@shared/security-defaults';
import {
  deviceListSchema,
  deviceSchema,
  organisationListSchema,
  organisationSchema,
  staffAccountSchema,
  staffListSchema,
  type CreateOrganisationRequest,
  type CreateStaffRequest,
  type DeviceList,
  type Organisation,
  type StaffAccount,
  type UpdateStaffRequest,
  municipalitySettingsSchema,
  type MunicipalitySettings,
} from '@shared/staff-api';
import { reportSchema, type Report, type ReportQuery } from '@shared/reports';
import { passwordResetResponseSchema, type ChangePasswordRequest, type PasswordResetResponse } from '@shared/password-api';
import { pendingSafeguardChangeSchema, type SafeguardChange } from '@shared/safeguard-api';
import {
  secondFactorConfirmResponseSchema,
  secondFactorEnrolmentSchema,
  secondFactorOverviewSchema,
  secondFactorPolicySchema,
  signInResponseSchema,
  type SecondFactorConfirmResponse,
  type SecondFactorEnrolment,
  type SecondFactorOverview,
  type SecondFactorPolicy,
  type SignInResponse,
} from '@shared/second-factor';
import {
  ownPasskeysSchema,
  passkeyAddedSchema,
  passkeyOptionsSchema,
  type OwnPasskeys,
  type PasskeyAdded,
  type PasskeyAssertion,
  type PasskeyOptions,
  type PasskeyRegistration,
} from '@shared/passkeys';
import type { ExportKind, ExportPeriod } from '@shared/exports';
import { tabletExposureSchema, type TabletExposure } from '@shared/lost-tablet';
import { RequestError, request, requestText, type HttpMethod } from '../../http/request';

/** One authorised call: a JSON answer checked against `answer`, or (`answer: 'text'`) a text download. */
type Call<T> = { method: HttpMethod; body?: unknown } & ({ answer: z.ZodType<T> } | { answer: 'text' });

/** A report URL: the query names only the period and a district id, never anything about a family. */
function reportPath(
  municipalityId: string,
  kind: 'indicators' | 'sachbericht' | 'funnel',
  query: ReportQuery & { format?: 'csv' },
): string {
  const params = new URLSearchParams({ from: query.from, to: query.to });
  if (query.district !== undefined) params.set('district', query.district);
  if (query.format !== undefined) params.set('format', query.format);
  return `/api/reports/${encodeURIComponent(municipalityId)}/${kind}?${params.toString()}`;
}

/** Signs in without a device: the office session is never bound to a tablet; the answer may ask for the second factor. */
export async function signInToOffice(credentials: { username: string; password: string }): Promise<SignInResponse> {
  const body = { username: credentials.username, password: credentials.password };
  return request('/api/session', { method: 'POST', answer: signInResponseSchema, body });
}

/** The second step: a code of the authenticator app or a recovery code, with the password step's pending token. */
export async function verifySecondFactor(pendingToken: string, code: string): Promise<LoginResponse> {
  return request('/api/session/second-factor', { method: 'POST', answer: loginResponseSchema, body: { pendingToken, code } });
}

/** A fresh secret for the authenticator app (the QR code and the text), for an account that must set one up. */
export async function startSecondFactorEnrolment(pendingToken: string): Promise<SecondFactorEnrolment> {
  return request('/api/session/second-factor/enrolment', { method: 'POST', answer: secondFactorEnrolmentSchema, body: { pendingToken } });
}

/** Confirms the new authenticator with a current code: the session and the recovery codes (shown once). */
export async function confirmSecondFactorEnrolment(pendingToken: string, code: string): Promise<SecondFactorConfirmResponse> {
  return request('/api/session/second-factor/enrolment/confirm', {
    method: 'POST',
    answer: secondFactorConfirmResponseSchema,
    body: { pendingToken, code },
  });
}

/** The challenge for answering the code step with a passkey (the password step's pending token). */
export async function passkeySignInOptions(pendingToken: string): Promise<PasskeyOptions> {
  return request('/api/session/second-factor/passkey/options', { method: 'POST', answer: passkeyOptionsSchema, body: { pendingToken } });
}

/** The code step answered by a passkey: the session. */
export async function signInWithPasskey(pendingToken: string, credential: PasskeyAssertion): Promise<LoginResponse> {
  return request('/api/session/second-factor/passkey', { method: 'POST', answer: loginResponseSchema, body: { pendingToken, credential } });
}

/** The challenge for setting up a passkey as the required second factor. */
export async function passkeyEnrolmentOptions(pendingToken: string): Promise<PasskeyOptions> {
  return request('/api/session/second-factor/passkey/enrolment/options', {
    method: 'POST',
    answer: passkeyOptionsSchema,
    body: { pendingToken },
  });
}

/** The new passkey as the second factor: the session and the recovery codes (shown once). */
export async function enrolPasskey(
  pendingToken: string,
  label: string,
  credential: PasskeyRegistration,
): Promise<SecondFactorConfirmResponse> {
  return request('/api/session/second-factor/passkey/enrolment', {
    method: 'POST',
    answer: secondFactorConfirmResponseSchema,
    body: { pendingToken, label, credential },
  });
}

/** Why the office's session ended without the person signing out. */
export type OfficeExpiry = 'expired' | 'lifetimeEnded';

export interface OfficeConnection {
  readonly user: SessionUser;
  /** Minutes without activity (or hidden) after which the office locks: the municipality's setting. */
  readonly lockMinutes: number;
  listOrganisations(): Promise<Organisation[]>;
  createOrganisation(body: CreateOrganisationRequest): Promise<Organisation>;
  listStaff(): Promise<StaffAccount[]>;
  createStaff(body: CreateStaffRequest): Promise<StaffAccount>;
  updateStaff(id: string, body: UpdateStaffRequest): Promise<StaffAccount>;
  /** The tablets with their fleet state, and the rule their warnings were judged by. */
  listDevices(): Promise<DeviceList>;
  revokeDevice(deviceId: string): Promise<void>;
  /** The lost-tablet report: the case numbers that could be on the tablet (audited on the server). */
  tabletExposure(deviceId: string): Promise<TabletExposure>;
  settings(): Promise<MunicipalitySettings>;
  /** Weakened safeguards are not in the answer: they wait for a second admin (pendingSafeguardChange). */
  updateSettings(body: MunicipalitySettings): Promise<MunicipalitySettings>;
  /** The settings change waiting for a second admin, if any. */
  pendingSafeguardChange(): Promise<SafeguardChange | null>;
  confirmSafeguardChange(id: string): Promise<void>;
  rejectSafeguardChange(id: string): Promise<void>;
  /** Sets the signed-in person's own password (the only call a session from a one-time password may make). */
  changePassword(body: ChangePasswordRequest): Promise<void>;
  /** An admin's reset: the one-time password, to be shown once and never kept. */
  resetPassword(staffId: string): Promise<PasswordResetResponse>;
  /** The own passkeys, and whether a role requires a second factor. */
  ownPasskeys(): Promise<OwnPasskeys>;
  /** The challenge for adding a passkey; the password again (403 wrongPassword). */
  passkeyOptions(password: string): Promise<PasskeyOptions>;
  addPasskey(label: string, credential: PasskeyRegistration): Promise<PasskeyAdded>;
  /** 409 lastSecondFactor when it is the last factor of a role that requires one. */
  removePasskey(id: string): Promise<void>;
  /** The second-factor policy and who has a factor (admin). */
  secondFactors(): Promise<SecondFactorOverview>;
  updateSecondFactorPolicy(body: SecondFactorPolicy): Promise<SecondFactorPolicy>;
  resetSecondFactor(staffId: string): Promise<void>;
  /** Indicators of a period (coordinator, own municipality). */
  report(query: ReportQuery): Promise<Report>;
  /** The Sachbericht of a period as CSV text. */
  sachberichtCsv(query: ReportQuery): Promise<string>;
  /** The funnel of a period as CSV text (the same suppressed funnel as in the Sachbericht). */
  funnelCsv(query: ReportQuery): Promise<string>;
  /** An export for evaluators (FHIR JSON or CSV) as text; the questionnaires need no period. */
  exportFile(kind: ExportKind, period: ExportPeriod): Promise<string>;
  /** Any other authorised call, its answer checked against `schema` (feature clients such as referral-api build on it). */
  call<T>(schema: z.ZodType<T>, path: string, method: HttpMethod, body?: unknown): Promise<T>;
  /** Revokes the session on the server; never throws (offline, the token simply expires). */
  signOut(): Promise<void>;
}

/**
 * Wraps a fresh login. Access tokens live 15 minutes: on a 401 the rotating
 * refresh token is used once (shared by concurrent calls, since each use
 * invalidates the old one); if that fails, `onExpired` sends the person back
 * to the sign-in.
 */
export function connectOffice(login: LoginResponse, onExpired: (why: OfficeExpiry) => void): OfficeConnection {
  let token = login.token;
  let refreshToken: string | null = login.refreshToken;
  let refreshing: Promise<boolean> | null = null;
  let expired = false;
  /** Set when the server refused a refresh because the sign-in reached its absolute lifetime. */
  let lifetimeEnded = false;

  const expire = (): never => {
    if (!expired) {
      expired = true;
      refreshToken = null;
      onExpired(lifetimeEnded ? 'lifetimeEnded' : 'expired');
    }
    throw new RequestError('unauthorized', { status: 401 });
  };

  const refresh = (): Promise<boolean> => {
    const current = refreshToken;
    if (current === null) return Promise.resolve(false);
    refreshing ??= request('/api/session/refresh', { method: 'POST', answer: loginResponseSchema, body: { refreshToken: current } })
      .then((renewed) => {
        token = renewed.token;
        refreshToken = renewed.refreshToken;
        return true;
      })
      .catch((error: unknown) => {
        // Offline is not expiry: the refresh token stays for the next try.
        if (error instanceof RequestError && (error.reason === 'network' || error.reason === 'timeout')) throw error;
        lifetimeEnded = error instanceof RequestError && error.reason === 'sessionExpired';
        return false;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };

  const send = <T>(path: string, call: Call<T>, bearer: string): Promise<T | string> =>
    call.answer === 'text'
      ? requestText(path, { method: call.method, token: bearer })
      : request(path, { method: call.method, answer: call.answer, token: bearer, ...(call.body === undefined ? {} : { body: call.body }) });

  async function authorised<T>(path: string, call: { method: HttpMethod; body?: unknown; answer: z.ZodType<T> }): Promise<T>;
  async function authorised(path: string, call: { method: HttpMethod; answer: 'text' }): Promise<string>;
  async function authorised<T>(path: string, call: Call<T>): Promise<T | string> {
    if (expired) expire();
    const usedToken = token;
    try {
      return await send(path, call, usedToken);
    } catch (error) {
      if (!(error instanceof RequestError) || error.status !== 401) throw error;
    }
    // Another call may have refreshed while this one was under way.
    if (token === usedToken && !(await refresh())) expire();
    try {
      return await send(path, call, token);
    } catch (error) {
      if (error instanceof RequestError && error.status === 401) expire();
      throw error;
    }
  }

  return {
    user: login.user,
    lockMinutes: login.officeLockMinutes ?? DEFAULT_SESSION_SETTINGS.officeLockMinutes,
    async call(schema, path, method, body) {
      return authorised(path, body === undefined ? { method, answer: schema } : { method, body, answer: schema });
    },
    async listOrganisations() {
      return (await authorised('/api/admin/organisations', { method: 'GET', answer: organisationListSchema })).organisations;
    },
    async createOrganisation(body) {
      return authorised('/api/admin/organisations', { method: 'POST', body, answer: organisationSchema });
    },
    async listStaff() {
      return (await authorised('/api/admin/staff', { method: 'GET', answer: staffListSchema })).staff;
    },
    async createStaff(body) {
      return authorised('/api/admin/staff', { method: 'POST', body, answer: staffAccountSchema });
    },
    async updateStaff(id, body) {
      return authorised(`/api/admin/staff/${encodeURIComponent(id)}`, { method: 'PATCH', body, answer: staffAccountSchema });
    },
    async listDevices() {
      return authorised('/api/devices', { method: 'GET', answer: deviceListSchema });
    },
    async revokeDevice(deviceId) {
      // The answer is either empty (204) or the revoked device.
      await authorised(`/api/devices/${encodeURIComponent(deviceId)}/revoke`, {
        method: 'POST',
        body: {},
        answer: deviceSchema.optional(),
      });
    },
    async tabletExposure(deviceId) {
      return authorised(`/api/devices/${encodeURIComponent(deviceId)}/exposure`, { method: 'GET', answer: tabletExposureSchema });
    },
    async settings() {
      return authorised('/api/admin/settings', { method: 'GET', answer: municipalitySettingsSchema });
    },
    async updateSettings(body) {
      return authorised('/api/admin/settings', { method: 'PUT', body, answer: municipalitySettingsSchema });
    },
    async pendingSafeguardChange() {
      return (await authorised('/api/admin/settings/safeguard-changes', { method: 'GET', answer: pendingSafeguardChangeSchema })).pending;
    },
    async confirmSafeguardChange(id) {
      await authorised(`/api/admin/settings/safeguard-changes/${encodeURIComponent(id)}/confirm`, {
        method: 'POST',
        body: {},
        answer: z.unknown(),
      });
    },
    async ownPasskeys() {
      return authorised('/api/account/passkeys', { method: 'GET', answer: ownPasskeysSchema });
    },
    async passkeyOptions(password) {
      return authorised('/api/account/passkeys/options', { method: 'POST', body: { password }, answer: passkeyOptionsSchema });
    },
    async addPasskey(label, credential) {
      return authorised('/api/account/passkeys', { method: 'POST', body: { label, credential }, answer: passkeyAddedSchema });
    },
    async removePasskey(id) {
      await authorised(`/api/account/passkeys/${encodeURIComponent(id)}`, { method: 'DELETE', answer: z.unknown() });
    },
    async secondFactors() {
      return authorised('/api/admin/second-factors', { method: 'GET', answer: secondFactorOverviewSchema });
    },
    async updateSecondFactorPolicy(body) {
      return authorised('/api/admin/second-factors/policy', { method: 'PUT', body, answer: secondFactorPolicySchema });
    },
    async resetSecondFactor(staffId) {
      await authorised(`/api/admin/staff/${encodeURIComponent(staffId)}/second-factor/reset`, {
        method: 'POST',
        body: {},
        answer: z.unknown(),
      });
    },
    async rejectSafeguardChange(id) {
      await authorised(`/api/admin/settings/safeguard-changes/${encodeURIComponent(id)}/reject`, {
        method: 'POST',
        body: {},
        answer: z.unknown(),
      });
    },
    async changePassword(body) {
      await authorised('/api/session/password', { method: 'POST', body, answer: z.unknown() });
    },
    async resetPassword(staffId) {
      return authorised(`/api/admin/staff/${encodeURIComponent(staffId)}/password-reset`, {
        method: 'POST',
        body: {},
        answer: passwordResetResponseSchema,
      });
    },
    async report(query) {
      return authorised(reportPath(login.user.municipalityId, 'indicators', query), { method: 'GET', answer: reportSchema });
    },
    async sachberichtCsv(query) {
      return authorised(reportPath(login.user.municipalityId, 'sachbericht', { ...query, format: 'csv' }), {
        method: 'GET',
        answer: 'text',
      });
    },
    async funnelCsv(query) {
      return authorised(reportPath(login.user.municipalityId, 'funnel', { ...query, format: 'csv' }), {
        method: 'GET',
        answer: 'text',
      });
    },
    async exportFile(kind, period) {
      // The URL names the period only; the answer goes straight into a download, never into storage.
      const query = kind === 'fhir/questionnaires' ? '' : `?${new URLSearchParams({ from: period.from, to: period.to }).toString()}`;
      return authorised(`/api/exports/${kind}${query}`, { method: 'GET', answer: 'text' });
    },
    async signOut() {
      if (expired) return;
      expired = true;
      refreshToken = null;
      // Never throws: offline, the token simply expires.
      await request('/api/session', { method: 'DELETE', answer: z.unknown(), token }).catch(() => undefined);
    },
  };
}
