// The tablet's calls to the backend besides push: sign-in, renewal, sign-out,
// the pulls (config, offer catalogue, questionnaire, withdrawals, review
// decisions, referral states), tablet enrollment and status, signing-key
// enrollment, reviews. All go through the one request function (http/request.ts):
// answers are checked against the shared schemas before anything is stored,
// failures are a RequestError.
import { z } from 'zod';
import {
  deviceConfigSchema,
  loginResponseSchema,
  type DeviceConfig,
  type LoginRequest,
  type LoginResponse,
  type RefreshRequest,
  type WithdrawalsResponse,
  withdrawalsResponseSchema,
  FAMILY_CONTACT_FEATURE,
  REFERRAL_FOLLOW_UP_FEATURE,
} from '@shared/protocol';
import { FAMILY_TEXTS_FEATURE, offerCatalogResponseSchema, type OfferCatalogResponse } from '@shared/offers';
import { CONFIG_FEATURES_PARAM, EMERGENCY_PRESENTATION_FEATURE } from '@shared/emergency-instruction';
import { ORGANISATION_WORKFLOWS_FEATURE } from '@shared/organisation-workflows';
import { CAPACITY_FEATURE, CATALOG_FEATURES_PARAM } from '@shared/offer-capacity';
import { activeQuestionnaireResponseSchema, type ActiveQuestionnaireResponse } from '@shared/questionnaire-api';
import { tabletReferralStatesSchema, type TabletReferralStates } from '@shared/referral-api';
import {
  deviceStatusResponseSchema,
  enrollDeviceResponseSchema,
  signingKeySchema,
  type EnrollDeviceRequest,
  type EnrollDeviceResponse,
} from '@shared/staff-api';
import {
  reviewDecisionsResponseSchema,
  reviewQueueResponseSchema,
  submitReviewsResponseSchema,
  type ReviewDecisionsResponse,
  type ReviewQueueResponse,
  type ReviewSubmission,
  type SubmitReviewsResponse,
} from '@shared/four-eyes';
import type { DeviceReport } from '@shared/fleet';
import { request } from '../http/request';

export async function signIn(credentials: LoginRequest): Promise<LoginResponse> {
  return request('/api/session', { method: 'POST', answer: loginResponseSchema, body: credentials });
}

export async function refreshSession(renewal: RefreshRequest): Promise<LoginResponse> {
  return request('/api/session/refresh', { method: 'POST', answer: loginResponseSchema, body: renewal });
}

export async function signOut(token: string): Promise<void> {
  await request('/api/session', { method: 'DELETE', answer: z.unknown(), token });
}

export async function fetchDeviceConfig(token: string): Promise<DeviceConfig> {
  // Names the optional fields this build parses: the server leaves them out for older tablets.
  const features = [
    EMERGENCY_PRESENTATION_FEATURE,
    FAMILY_CONTACT_FEATURE,
    ORGANISATION_WORKFLOWS_FEATURE,
    REFERRAL_FOLLOW_UP_FEATURE,
  ].join(',');
  return request(`/api/sync/config?${CONFIG_FEATURES_PARAM}=${features}`, {
    method: 'GET',
    answer: deviceConfigSchema,
    token,
  });
}

/** The municipality's offer catalogue; only for a session signed in on this enrolled tablet (else 403). */
export async function fetchOfferCatalog(token: string): Promise<OfferCatalogResponse> {
  return request(`/api/sync/offers?${CATALOG_FEATURES_PARAM}=${CAPACITY_FEATURE},${FAMILY_TEXTS_FEATURE}`, {
    method: 'GET',
    answer: offerCatalogResponseSchema,
    token,
  });
}

/** The municipality's active screening questionnaire (null: the built-in default); checked again by the tablet before use. */
export async function fetchQuestionnaire(token: string): Promise<ActiveQuestionnaireResponse> {
  return request('/api/sync/questionnaire', { method: 'GET', answer: activeQuestionnaireResponseSchema, token });
}

/** States of the referrals made on this tablet; only for a session signed in on this enrolled tablet (else 403). */
export async function fetchReferralStates(token: string): Promise<TabletReferralStates> {
  return request('/api/sync/referrals', { method: 'GET', answer: tabletReferralStatesSchema, token });
}

export async function enrollDevice(token: string, enrollment: EnrollDeviceRequest): Promise<EnrollDeviceResponse> {
  return request('/api/devices', { method: 'POST', answer: enrollDeviceResponseSchema, token, body: enrollment });
}

/** The status check; `report` (counts and times for the fleet view) is left out when undefined. */
export async function deviceStatus(
  deviceId: string,
  deviceSecret: string,
  report?: DeviceReport,
): Promise<z.infer<typeof deviceStatusResponseSchema>> {
  const body = report === undefined ? { deviceId, deviceSecret } : { deviceId, deviceSecret, report };
  return request('/api/devices/status', { method: 'POST', answer: deviceStatusResponseSchema, body });
}

export async function enrollSigningKey(token: string, deviceId: string, publicKey: string): Promise<z.infer<typeof signingKeySchema>> {
  return request('/api/staff/keys', { method: 'POST', answer: signingKeySchema, token, body: { deviceId, publicKey } });
}

export async function fetchWithdrawals(token: string, since: string | undefined): Promise<WithdrawalsResponse> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  return request(`/api/sync/withdrawals${query}`, { method: 'GET', answer: withdrawalsResponseSchema, token });
}

/** Submits approvals and send-backs made on this tablet; answered per review. */
export async function submitReviews(token: string, deviceId: string, reviews: readonly ReviewSubmission[]): Promise<SubmitReviewsResponse> {
  return request('/api/reviews', { method: 'POST', answer: submitReviewsResponseSchema, token, body: { deviceId, reviews } });
}

/** Records of my organisation waiting for my second check (approvers only, online only). */
export async function fetchReviewQueue(token: string): Promise<ReviewQueueResponse> {
  return request('/api/reviews/queue', { method: 'GET', answer: reviewQueueResponseSchema, token });
}

/** Decisions on records this tablet sent, from `since` on. */
export async function fetchReviewDecisions(token: string, since: string | undefined): Promise<ReviewDecisionsResponse> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  return request(`/api/reviews/decisions${query}`, { method: 'GET', answer: reviewDecisionsResponseSchema, token });
}
