// Referrals as FHIR R4 ServiceRequest + Task (docs/REFERRALS.md, "Mapping onto
// FHIR R4"; docs/FHIR.md). The case number is the only identifier; nothing
// the partner or the family wrote (the shared note) and nothing about the family
// (language, district) is exported. Resource ids are fresh per export, so an
// export cannot be joined with another by anything but the case number.
import type { ReferralReason, ReferralState } from './referral-state';
import { caseReference, LOTSE_FHIR_BASE, type CaseReference, type FhirBundle, type FhirCodeableConcept } from './fhir-types';

export const REFERRAL_REASON_SYSTEM = `${LOTSE_FHIR_BASE}/CodeSystem/referral-reason`;
export const REFERRAL_STATE_SYSTEM = `${LOTSE_FHIR_BASE}/CodeSystem/referral-state`;
export const OFFER_TYPE_SYSTEM = `${LOTSE_FHIR_BASE}/CodeSystem/offer-type`;

export type TaskStatus = 'draft' | 'requested' | 'accepted' | 'in-progress' | 'completed' | 'rejected' | 'failed' | 'cancelled' | 'on-hold';
export type ServiceRequestStatus = 'draft' | 'active' | 'completed' | 'revoked';

/** English display of each reason (the code system's display; the code is what a reader should use). */
const REASON_DISPLAY: Record<ReferralReason, string> = {
  gotHelp: 'got help',
  appointmentMade: 'appointment made',
  couldNotContact: 'could not contact',
  notEligible: 'not eligible',
  noCapacity: 'no capacity',
  noLongerInterested: 'family no longer interested',
  referredElsewhere: 'referred elsewhere',
  other: 'other',
};

const BUSINESS_STATUS: Record<ReferralState, string> = {
  suggested: 'suggested',
  handedOver: 'slip handed over',
  contacted: 'contacted',
  started: 'started',
  completed: 'completed',
  declined: 'declined',
  noResponse: 'no response',
};

/** A declined referral's Task.status depends on who gave up (the table in docs/REFERRALS.md). */
const DECLINED_STATUS: Record<ReferralReason, TaskStatus> = {
  notEligible: 'rejected',
  noCapacity: 'rejected',
  referredElsewhere: 'rejected',
  couldNotContact: 'failed',
  noLongerInterested: 'cancelled',
  other: 'cancelled',
  gotHelp: 'cancelled',
  appointmentMade: 'cancelled',
};

/** Task.status for a Lotse state and its reason: the one rule docs/REFERRALS.md tabulates. */
export function taskStatusOf(state: ReferralState, reason: ReferralReason | null): TaskStatus {
  switch (state) {
    case 'suggested':
      return 'draft';
    case 'handedOver':
      return 'requested';
    case 'contacted':
      return 'accepted';
    case 'started':
      return 'in-progress';
    case 'completed':
      return 'completed';
    case 'noResponse':
      return 'on-hold';
    case 'declined':
      // A declined referral always names a reason (REASONS_BY_STATE); one stored before reasons existed reads as "other".
      return DECLINED_STATUS[reason ?? 'other'];
  }
}

/** ServiceRequest.status: the order is active until the referral reached a final state. */
export function serviceRequestStatusOf(state: ReferralState): ServiceRequestStatus {
  if (state === 'suggested') return 'draft';
  if (state === 'completed') return 'completed';
  if (state === 'declined') return 'revoked';
  return 'active';
}

/** One referral as the export reads it: no record content, no note, nothing about the family but its case number. */
export interface ReferralExportRow {
  caseNumber: string;
  offerName: string;
  /** The organisation running the offer (organisation data, never a person). */
  offerOrganisation: string;
  offerType: string;
  state: ReferralState;
  reason: ReferralReason | null;
  createdAt: Date;
}

export interface ServiceRequestResource {
  resourceType: 'ServiceRequest';
  status: ServiceRequestStatus;
  intent: 'order';
  category: FhirCodeableConcept[];
  code: FhirCodeableConcept;
  subject: CaseReference;
  authoredOn: string;
  performer: { display: string }[];
}

export interface TaskResource {
  resourceType: 'Task';
  status: TaskStatus;
  statusReason?: FhirCodeableConcept;
  businessStatus: FhirCodeableConcept;
  intent: 'order';
  focus: { reference: string };
  basedOn: { reference: string }[];
  for: CaseReference;
  authoredOn: string;
  owner: { display: string };
}

export interface ReferralExportOptions {
  /** A fresh UUID per call: the resources' urn:uuid addresses within the bundle. */
  newId: () => string;
  /** FHIR partial dateTime of an instant (the month only: see monthOf). */
  month: (instant: Date) => string;
  now: Date;
}

/** The ServiceRequest + Task pair of each referral, in one collection Bundle. */
export function referralsBundle(
  rows: readonly ReferralExportRow[],
  options: ReferralExportOptions,
): FhirBundle<ServiceRequestResource | TaskResource> {
  const entry: FhirBundle<ServiceRequestResource | TaskResource>['entry'] = [];
  for (const row of rows) {
    const requestUrl = `urn:uuid:${options.newId()}`;
    const authoredOn = options.month(row.createdAt);
    entry.push({
      fullUrl: requestUrl,
      resource: {
        resourceType: 'ServiceRequest',
        status: serviceRequestStatusOf(row.state),
        intent: 'order',
        // SNOMED CT 3457005 "Patient referral" — the kind of request, as the SDOH guide's referrals say.
        category: [{ coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }] }],
        code: { coding: [{ system: OFFER_TYPE_SYSTEM, code: row.offerType }], text: row.offerName },
        subject: caseReference(row.caseNumber),
        authoredOn,
        performer: [{ display: row.offerOrganisation }],
      },
    });
    const status = taskStatusOf(row.state, row.reason);
    entry.push({
      fullUrl: `urn:uuid:${options.newId()}`,
      resource: {
        resourceType: 'Task',
        status,
        ...(row.reason === null
          ? {}
          : {
              statusReason: {
                coding: [{ system: REFERRAL_REASON_SYSTEM, code: row.reason, display: REASON_DISPLAY[row.reason] }],
              },
            }),
        businessStatus: {
          coding: [{ system: REFERRAL_STATE_SYSTEM, code: row.state, display: BUSINESS_STATUS[row.state] }],
          text: BUSINESS_STATUS[row.state],
        },
        intent: 'order',
        focus: { reference: requestUrl },
        basedOn: [{ reference: requestUrl }],
        for: caseReference(row.caseNumber),
        authoredOn,
        owner: { display: row.offerOrganisation },
      },
    });
  }
  return { resourceType: 'Bundle', type: 'collection', timestamp: options.now.toISOString(), entry };
}
