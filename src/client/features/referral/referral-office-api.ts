// The office area's referral calls (coordinator catalogue and follow-up,
// partner look-up and uptake marks), on the office connection. Online only.
import { z } from 'zod';
import {
  followUpListSchema,
  managedOfferListSchema,
  managedOfferSchema,
  offerCsvExportSchema,
  offerCsvImportResponseSchema,
  partnerOrganisationListSchema,
  partnerReferralListSchema,
  partnerReferralSchema,
  referralSettingsSchema,
  type FollowUpList,
  type ManagedOffer,
  type PartnerReferral,
  type ReferralSettings,
} from '../../../shared/referral-api';
import type { OfficeConnection } from '../office/office-api';
import { handoverKeyResponseSchema, handoverRevealResponseSchema, type HandoverKeyEnrolment } from '../../../shared/handover-api';

const offerPath = (id: string) => `/api/office/offers/${encodeURIComponent(id)}`;

export function referralOfficeApi(api: OfficeConnection) {
  return {
    listOffers: async (): Promise<ManagedOffer[]> => (await api.call(managedOfferListSchema, '/api/office/offers', 'GET')).offers,
    partnerOrganisations: async () =>
      (await api.call(partnerOrganisationListSchema, '/api/office/partner-organisations', 'GET')).organisations,
    createOffer: (offer: ManagedOffer) => api.call(managedOfferSchema, '/api/office/offers', 'POST', offer),
    updateOffer: ({ id, ...changes }: ManagedOffer) => api.call(managedOfferSchema, offerPath(id), 'PUT', changes),
    removeOffer: (id: string) => api.call(z.undefined(), offerPath(id), 'DELETE'),
    exportCsv: () => api.call(offerCsvExportSchema, '/api/office/offers/export', 'GET'),
    importCsv: (csv: string) => api.call(offerCsvImportResponseSchema, '/api/office/offers/import', 'POST', { csv }),
    followUp: (): Promise<FollowUpList> => api.call(followUpListSchema, '/api/office/referrals/follow-up', 'GET'),
    markNoResponse: (id: string) =>
      api.call(partnerReferralSchema, `/api/office/referrals/${encodeURIComponent(id)}/state`, 'POST', { state: 'noResponse' }),
    updateSettings: (settings: ReferralSettings) =>
      api.call(referralSettingsSchema, '/api/office/referral-settings', 'PUT', settings),
    lookup: async (caseNumber: string): Promise<PartnerReferral[]> =>
      (await api.call(partnerReferralListSchema, '/api/partner/referrals/lookup', 'POST', { caseNumber })).referrals,
    markUptake: (id: string, state: 'contacted' | 'started' | 'completed' | 'declined') =>
      api.call(partnerReferralSchema, `/api/partner/referrals/${encodeURIComponent(id)}/state`, 'POST', { state }),
    handoverKey: async () => (await api.call(handoverKeyResponseSchema, '/api/partner/handover-key', 'GET')).key,
    setHandoverKey: async (enrolment: HandoverKeyEnrolment) =>
      (await api.call(handoverKeyResponseSchema, '/api/partner/handover-key', 'PUT', enrolment)).key,
    /** Shown once: the server deletes the call-back request's boxes with this answer. */
    openCallback: (id: string, keyId: string) =>
      api.call(handoverRevealResponseSchema, `/api/partner/referrals/${encodeURIComponent(id)}/callback/open`, 'POST', { keyId }),
  };
}
export type ReferralOfficeApi = ReturnType<typeof referralOfficeApi>;
