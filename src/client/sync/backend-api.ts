// Online-only calls to the backend besides push: sign-in, renewal, sign-out,
// config and offer catalogue pulls, tablet enrollment and status, signing-key enrollment.
// Responses are validated with the shared schemas before anything is stored.
import { z } from 'zod';
import {
  deviceConfigSchema,
  errorEnvelopeSchema,
  loginResponseSchema,
  type DeviceConfig,
  type ErrorReason,
  type LoginRequest,
  type LoginResponse,
  type RefreshRequest,
  type WithdrawalsResponse,
  withdrawalsResponseSchema,
} from '../../shared/protocol';
import { offerCatalogResponseSchema, type OfferCatalogResponse } from '../../shared/offers';
import { activeQuestionnaireResponseSchema, type ActiveQuestionnaireResponse } from '../../shared/questionnaire-api';
import { tabletReferralStatesSchema, type TabletReferralStates } from '../../shared/referral-api';
import {
  deviceStatusResponseSchema,
  enrollDeviceResponseSchema,
  signingKeySchema,
  type DeviceStatus,
  type EnrollDeviceRequest,
  type EnrollDeviceResponse,
} from '../../shared/staff-api';
import {
  reviewDecisionsResponseSchema,
  reviewQueueResponseSchema,
  submitReviewsResponseSchema,
  type ReviewDecisionsResponse,
  type ReviewQueueResponse,
  type ReviewSubmission,
  type SubmitReviewsResponse,
} from '../../shared/four-eyes';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly reason: ErrorReason | 'network',
    readonly status: number,
  ) {
    super(reason);
  }
}

async function call(path: string, init: RequestInit & { token?: string | undefined; json?: unknown }): Promise<unknown> {
  const { token, json, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      cache: 'no-store',
      credentials: 'omit',
      headers: {
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
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
  return loginResponseSchema.parse(await call('/api/session', { method: 'POST', json: credentials }));
}

export async function refreshSession(request: RefreshRequest): Promise<LoginResponse> {
  return loginResponseSchema.parse(await call('/api/session/refresh', { method: 'POST', json: request }));
}

export async function signOut(token: string): Promise<void> {
  await call('/api/session', { method: 'DELETE', token });
}

export async function fetchDeviceConfig(token: string): Promise<DeviceConfig> {
  return deviceConfigSchema.parse(await call('/api/sync/config', { method: 'GET', token }));
}

/** The municipality's offer catalogue; only for a session signed in on this enrolled tablet (else 403). */
export async function fetchOfferCatalog(token: string): Promise<OfferCatalogResponse> {
  return offerCatalogResponseSchema.parse(await call('/api/sync/offers', { method: 'GET', token }));
}

/** The municipality's active screening questionnaire (null: the built-in default); checked again by the tablet before use. */
export async function fetchQuestionnaire(token: string): Promise<ActiveQuestionnaireResponse> {
  return activeQuestionnaireResponseSchema.parse(await call('/api/sync/questionnaire', { method: 'GET', token }));
}

/** States of the referrals made on this tablet; only for a session signed in on this enrolled tablet (else 403). */
export async function fetchReferralStates(token: string): Promise<TabletReferralStates> {
  return tabletReferralStatesSchema.parse(await call('/api/sync/referrals', { method: 'GET', token }));
}

export async function enrollDevice(token: string, request: EnrollDeviceRequest): Promise<EnrollDeviceResponse> {
  return enrollDeviceResponseSchema.parse(await call('/api/devices', { method: 'POST', token, json: request }));
}

export async function deviceStatus(deviceId: string, deviceSecret: string): Promise<{ status: DeviceStatus; deactivatedAccountIds: string[] }> {
  return deviceStatusResponseSchema.parse(await call('/api/devices/status', { method: 'POST', json: { deviceId, deviceSecret } }));
}

export async function enrollSigningKey(token: string, deviceId: string, publicKey: string): Promise<z.infer<typeof signingKeySchema>> {
  return signingKeySchema.parse(await call('/api/staff/keys', { method: 'POST', token, json: { deviceId, publicKey } }));
}

export async function fetchWithdrawals(token: string, since: string | undefined): Promise<WithdrawalsResponse> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  return withdrawalsResponseSchema.parse(await call(`/api/sync/withdrawals${query}`, { method: 'GET', token }));
}

/** Submits approvals and send-backs made on this tablet; answered per review. */
export async function submitReviews(token: string, deviceId: string, reviews: readonly ReviewSubmission[]): Promise<SubmitReviewsResponse> {
  return submitReviewsResponseSchema.parse(await call('/api/reviews', { method: 'POST', token, json: { deviceId, reviews } }));
}

/** Records of my organisation waiting for my second check (approvers only, online only). */
export async function fetchReviewQueue(token: string): Promise<ReviewQueueResponse> {
  return reviewQueueResponseSchema.parse(await call('/api/reviews/queue', { method: 'GET', token }));
}

/** Decisions on records this tablet sent, from `since` on. */
export async function fetchReviewDecisions(token: string, since: string | undefined): Promise<ReviewDecisionsResponse> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  return reviewDecisionsResponseSchema.parse(await call(`/api/reviews/decisions${query}`, { method: 'GET', token }));
}
