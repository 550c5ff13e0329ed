// The office area's referral calls (coordinator catalogue and follow-up,
// partner look-up and uptake marks), on the office connection. Online only.
import { z } from 'zod';
import {
  followUpListSchema,
  issuedPartnerKeySchema,
  partnerKeyStatusListSchema,
  managedOfferListSchema,
  managedOfferSchema,
  offerFileExportSchema,
  offerImportPreviewSchema,
  offerImportResponseSchema,
  partnerOrganisationListSchema,
  partnerReferralListSchema,
  partnerReferralSchema,
  referralSettingsSchema,
  type FollowUpList,
  type ManagedOffer,
  type OfferFile,
  type OfferFileFormat,
  type PartnerReferral,
  type ReferralSettings,
} from '@shared/referral-api';
import type { OfficeConnection } from '../office/office-api';
import type { ReferralReason } from '@domain/referral-state';
import { handoverKeyResponseSchema, handoverRevealResponseSchema, type HandoverKeyEnrollment } from '@shared/handover-api';
import { RequestError } from '../../http/request';
import { partnerOfferCapacityListSchema, publicCapacitySchema, type OfferCapacityInput } from '@shared/offer-capacity';

const offerPath = (id: string) => `/api/office/offers/${encodeURIComponent(id)}`;

export function referralOfficeApi(api: OfficeConnection) {
  return {
    listOffers: async (): Promise<ManagedOffer[]> => (await api.call(managedOfferListSchema, '/api/office/offers', 'GET')).offers,
    /** The catalogue with the partners' free places (shown to the coordinator, set by the partner). */
    catalogue: async () => {
      const list = await api.call(managedOfferListSchema, '/api/office/offers', 'GET');
      return { offers: list.offers, capacities: new Map((list.capacities ?? []).map((entry) => [entry.offerId, entry.capacity])) };
    },
    /** The signed-in partner's own offers with their free places. */
    partnerOffers: async () => (await api.call(partnerOfferCapacityListSchema, '/api/partner/offers', 'GET')).offers,
    setCapacity: (offerId: string, capacity: OfferCapacityInput) =>
      api.call(publicCapacitySchema, `/api/partner/offers/${encodeURIComponent(offerId)}/capacity`, 'PUT', { capacity }),
    partnerOrganisations: async () =>
      (await api.call(partnerOrganisationListSchema, '/api/office/partner-organisations', 'GET')).organisations,
    createOffer: (offer: ManagedOffer) => api.call(managedOfferSchema, '/api/office/offers', 'POST', offer),
    updateOffer: ({ id, ...changes }: ManagedOffer) => api.call(managedOfferSchema, offerPath(id), 'PUT', changes),
    removeOffer: (id: string) => api.call(z.undefined(), offerPath(id), 'DELETE'),
    exportFile: (format: OfferFileFormat) => api.call(offerFileExportSchema, `/api/office/offers/export?format=${format}`, 'GET'),
    /** What importing the file would change (or its problems); writes nothing. */
    previewImport: (file: OfferFile) => api.call(offerImportPreviewSchema, '/api/office/offers/import/preview', 'POST', { file }),
    importFile: (file: OfferFile, baseVersion: string) =>
      api.call(offerImportResponseSchema, '/api/office/offers/import', 'POST', { file, baseVersion }),
    followUp: (): Promise<FollowUpList> => api.call(followUpListSchema, '/api/office/referrals/follow-up', 'GET'),
    markNoResponse: (id: string, reason: ReferralReason | null = null) =>
      api.call(partnerReferralSchema, `/api/office/referrals/${encodeURIComponent(id)}/state`, 'POST', {
        state: 'noResponse',
        ...(reason === null ? {} : { reason }),
      }),
    updateSettings: (settings: ReferralSettings) => api.call(referralSettingsSchema, '/api/office/referral-settings', 'PUT', settings),
    lookup: async (caseNumber: string): Promise<PartnerReferral[]> =>
      (await api.call(partnerReferralListSchema, '/api/partner/referrals/lookup', 'POST', { caseNumber })).referrals,
    markUptake: (id: string, state: 'contacted' | 'started' | 'completed' | 'declined', reason: ReferralReason | null = null) =>
      api.call(partnerReferralSchema, `/api/partner/referrals/${encodeURIComponent(id)}/state`, 'POST', {
        state,
        ...(reason === null ? {} : { reason }),
      }),
    partnerKeys: async () => (await api.call(partnerKeyStatusListSchema, '/api/office/offers/partner-keys', 'GET')).keys,
    /** The new key is in this answer only: the server keeps its hash. */
    issuePartnerKey: (offerId: string) => api.call(issuedPartnerKeySchema, `${offerPath(offerId)}/partner-key`, 'POST'),
    handoverKey: async () => (await api.call(handoverKeyResponseSchema, '/api/partner/handover-key', 'GET')).key,
    setHandoverKey: async (enrollment: HandoverKeyEnrollment) =>
      (await api.call(handoverKeyResponseSchema, '/api/partner/handover-key', 'PUT', enrollment)).key,
    /** Shown once: the server deletes the call-back request's boxes with this answer. */
    openCallback: (id: string, keyId: string) =>
      api.call(handoverRevealResponseSchema, `/api/partner/referrals/${encodeURIComponent(id)}/callback/open`, 'POST', { keyId }),
  };
}
export type ReferralOfficeApi = ReturnType<typeof referralOfficeApi>;

/** Why setting up the call-back key was refused: 403 means the account password given with it was wrong. */
export function handoverKeyRefusal(error: unknown): 'wrongPassword' | undefined {
  return error instanceof RequestError && error.status === 403 ? 'wrongPassword' : undefined;
}

/**
 * Why opening a call-back request was refused: 404, it is gone (opened,
 * withdrawn or expired); 409, it is sealed to another key of this person
 * (keyChanged) or not to this person at all.
 */
export function callbackRefusal(error: unknown): 'gone' | 'keyChanged' | 'notSealedToYou' | undefined {
  if (!(error instanceof RequestError)) return undefined;
  if (error.status === 404) return 'gone';
  if (error.status === 409) return error.issues.some((issue) => issue.message === 'notYourCurrentKey') ? 'keyChanged' : 'notSealedToYou';
  return undefined;
}
