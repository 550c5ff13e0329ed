// Builds the envelope of a new record revision: id, revision, device, time,
// and the content hash the server will recompute and compare.
import { contentHash } from '../shared/content-hash';
import { uuidv7 } from '../shared/ids';
import { HOME_CONTACT_SCHEMA_VERSION, type HomeContactContent } from '../shared/records/home-contact';
import {
  CONSENT_REFUSAL_SCHEMA_VERSION,
  CONSENT_SCHEMA_VERSION,
  CONSENT_WITHDRAWAL_SCHEMA_VERSION,
  type ConsentContent,
  type ConsentRefusalContent,
  type ConsentWithdrawalContent,
} from '../shared/records/consent';
import { WELCOME_VISIT_SCHEMA_VERSION, type WelcomeVisitAttemptContent, type WelcomeVisitContent } from '../shared/records/welcome-visit';
import { MEDIATION_SCHEMA_VERSION, type MediationContent } from '../shared/records/mediation';
import { SCREENING_SCHEMA_VERSION, type ScreeningContent } from '../shared/records/screening';
import { REFERRAL_SCHEMA_VERSION, type ReferralContent } from '../shared/records/referral';
import type {
  ReferralRecord,
  ScreeningRecord,
  MediationRecord,
  WelcomeVisitAttemptRecord,
  WelcomeVisitRecord,
  ConsentRecord,
  ConsentRefusalRecord,
  ConsentWithdrawalRecord,
  HomeContactRecord,
  SyncRecord,
} from '../shared/records/sync-record';

export const FORM_VERSIONS = {
  homeContact: '1.1',
  consent: '1.0',
  consentRefusal: '1.0',
  consentWithdrawal: '1.0',
  welcomeVisit: '1.0',
  welcomeVisitAttempt: '1.0',
  mediation: '1.0',
  screening: '1.0',
  referral: '1.0',
} as const;

interface Context {
  deviceId: string;
  now: Date;
}

async function envelope<K extends keyof typeof FORM_VERSIONS, C>(kind: K, schemaVersion: number, caseNumber: string | null, content: C, context: Context) {
  return {
    id: uuidv7(context.now.getTime()),
    kind,
    schemaVersion,
    formVersion: FORM_VERSIONS[kind],
    revision: 1,
    caseNumber,
    deviceId: context.deviceId,
    createdAt: context.now.toISOString(),
    contentHash: await contentHash(content),
    content,
  };
}

export async function newHomeContactRecord(content: HomeContactContent, context: Context, caseNumber: string | null = null): Promise<HomeContactRecord> {
  return { ...(await envelope('homeContact', HOME_CONTACT_SCHEMA_VERSION, caseNumber, content, context)), schemaVersion: HOME_CONTACT_SCHEMA_VERSION };
}

export async function newConsentRecord(content: ConsentContent, caseNumber: string, context: Context): Promise<ConsentRecord> {
  return { ...(await envelope('consent', CONSENT_SCHEMA_VERSION, caseNumber, content, context)), schemaVersion: CONSENT_SCHEMA_VERSION, caseNumber };
}

export async function newConsentRefusalRecord(content: ConsentRefusalContent, context: Context): Promise<ConsentRefusalRecord> {
  return { ...(await envelope('consentRefusal', CONSENT_REFUSAL_SCHEMA_VERSION, null, content, context)), schemaVersion: CONSENT_REFUSAL_SCHEMA_VERSION, caseNumber: null };
}

export async function newConsentWithdrawalRecord(content: ConsentWithdrawalContent, caseNumber: string, context: Context): Promise<ConsentWithdrawalRecord> {
  return { ...(await envelope('consentWithdrawal', CONSENT_WITHDRAWAL_SCHEMA_VERSION, caseNumber, content, context)), schemaVersion: CONSENT_WITHDRAWAL_SCHEMA_VERSION, caseNumber };
}

export async function newWelcomeVisitRecord(content: WelcomeVisitContent, caseNumber: string, context: Context): Promise<WelcomeVisitRecord> {
  return { ...(await envelope('welcomeVisit', WELCOME_VISIT_SCHEMA_VERSION, caseNumber, content, context)), schemaVersion: WELCOME_VISIT_SCHEMA_VERSION, caseNumber };
}

export async function newWelcomeVisitAttemptRecord(content: WelcomeVisitAttemptContent, context: Context): Promise<WelcomeVisitAttemptRecord> {
  return { ...(await envelope('welcomeVisitAttempt', WELCOME_VISIT_SCHEMA_VERSION, null, content, context)), schemaVersion: WELCOME_VISIT_SCHEMA_VERSION, caseNumber: null };
}

export async function newMediationRecord(content: MediationContent, context: Context, caseNumber: string | null = null): Promise<MediationRecord> {
  return { ...(await envelope('mediation', MEDIATION_SCHEMA_VERSION, caseNumber, content, context)), schemaVersion: MEDIATION_SCHEMA_VERSION };
}

export async function newScreeningRecord(content: ScreeningContent, caseNumber: string, context: Context): Promise<ScreeningRecord> {
  return { ...(await envelope('screening', SCREENING_SCHEMA_VERSION, caseNumber, content, context)), schemaVersion: SCREENING_SCHEMA_VERSION, caseNumber };
}

/**
 * A correction (DESIGN.md §3: complete records are read-only): the same record
 * id and kind, revision + 1, the new content and its hash. The case stays the
 * one the record was made for.
 */
export async function correctedRecord<R extends SyncRecord>(previous: R, content: R['content'], context: Context): Promise<R> {
  return {
    ...previous,
    formVersion: FORM_VERSIONS[previous.kind],
    revision: previous.revision + 1,
    deviceId: context.deviceId,
    createdAt: context.now.toISOString(),
    contentHash: await contentHash(content),
    content,
  };
}

export async function newReferralRecord(content: ReferralContent, caseNumber: string, context: Context): Promise<ReferralRecord> {
  return { ...(await envelope('referral', REFERRAL_SCHEMA_VERSION, caseNumber, content, context)), schemaVersion: REFERRAL_SCHEMA_VERSION, caseNumber };
}
