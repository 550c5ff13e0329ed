// Builds the envelope of a new record revision: id, revision, device, time,
// and the content hash the server will recompute and compare.
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';
import { HOME_CONTACT_SCHEMA_VERSION, type HomeContactContent } from '@shared/records/home-contact';
import {
  CONSENT_REFUSAL_SCHEMA_VERSION,
  CONSENT_SCHEMA_VERSION,
  CONSENT_WITHDRAWAL_SCHEMA_VERSION,
  type ConsentContent,
  type ConsentRefusalContent,
  type ConsentWithdrawalContent,
} from '@shared/records/consent';
import {
  WELCOME_VISIT_ATTEMPT_SCHEMA_VERSION,
  WELCOME_VISIT_SCHEMA_VERSION,
  type WelcomeVisitAttemptContent,
  type WelcomeVisitContent,
} from '@shared/records/welcome-visit';
import { MEDIATION_SCHEMA_VERSION, type MediationContent } from '@shared/records/mediation';
import { SCREENING_SCHEMA_VERSION, type ScreeningContent } from '@shared/records/screening';
import { REFERRAL_SCHEMA_VERSION, type ReferralContent } from '@shared/records/referral';
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
  RecordKind,
  SyncRecord,
} from '@shared/records/sync-record';

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

export interface RecordContext {
  deviceId: string;
  now: Date;
}

async function envelope<K extends keyof typeof FORM_VERSIONS, C>(
  kind: K,
  schemaVersion: number,
  caseNumber: string | null,
  content: C,
  context: RecordContext,
) {
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

/** The content schema version each kind is written with (the server reads older ones too). */
const SCHEMA_VERSIONS = {
  homeContact: HOME_CONTACT_SCHEMA_VERSION,
  consent: CONSENT_SCHEMA_VERSION,
  consentRefusal: CONSENT_REFUSAL_SCHEMA_VERSION,
  consentWithdrawal: CONSENT_WITHDRAWAL_SCHEMA_VERSION,
  welcomeVisit: WELCOME_VISIT_SCHEMA_VERSION,
  welcomeVisitAttempt: WELCOME_VISIT_ATTEMPT_SCHEMA_VERSION,
  mediation: MEDIATION_SCHEMA_VERSION,
  screening: SCREENING_SCHEMA_VERSION,
  referral: REFERRAL_SCHEMA_VERSION,
} as const satisfies Record<RecordKind, number>;

type RecordOf<K extends RecordKind> = Extract<SyncRecord, { kind: K }>;

/**
 * The first revision of a record of any kind. The record schemas decide which
 * kinds must name a case; the typed helpers below say it in their signatures.
 */
export async function newRecord<K extends RecordKind>(
  kind: K,
  content: RecordOf<K>['content'],
  caseNumber: string | null,
  context: RecordContext,
): Promise<RecordOf<K>> {
  // The envelope has exactly the fields of every kind's record; the kind ties content and schema version together.
  return (await envelope(kind, SCHEMA_VERSIONS[kind], caseNumber, content, context)) as unknown as RecordOf<K>;
}

export function newHomeContactRecord(
  content: HomeContactContent,
  context: RecordContext,
  caseNumber: string | null = null,
): Promise<HomeContactRecord> {
  return newRecord('homeContact', content, caseNumber, context);
}

export function newConsentRecord(content: ConsentContent, caseNumber: string, context: RecordContext): Promise<ConsentRecord> {
  return newRecord('consent', content, caseNumber, context);
}

export function newConsentRefusalRecord(content: ConsentRefusalContent, context: RecordContext): Promise<ConsentRefusalRecord> {
  return newRecord('consentRefusal', content, null, context);
}

export function newConsentWithdrawalRecord(
  content: ConsentWithdrawalContent,
  caseNumber: string,
  context: RecordContext,
): Promise<ConsentWithdrawalRecord> {
  return newRecord('consentWithdrawal', content, caseNumber, context);
}

export function newWelcomeVisitRecord(
  content: WelcomeVisitContent,
  caseNumber: string,
  context: RecordContext,
): Promise<WelcomeVisitRecord> {
  return newRecord('welcomeVisit', content, caseNumber, context);
}

export function newWelcomeVisitAttemptRecord(
  content: WelcomeVisitAttemptContent,
  context: RecordContext,
): Promise<WelcomeVisitAttemptRecord> {
  return newRecord('welcomeVisitAttempt', content, null, context);
}

export function newMediationRecord(
  content: MediationContent,
  context: RecordContext,
  caseNumber: string | null = null,
): Promise<MediationRecord> {
  return newRecord('mediation', content, caseNumber, context);
}

export function newScreeningRecord(content: ScreeningContent, caseNumber: string, context: RecordContext): Promise<ScreeningRecord> {
  return newRecord('screening', content, caseNumber, context);
}

/**
 * A correction (DESIGN.md §3: complete records are read-only): the same record
 * id and kind, revision + 1, the new content and its hash. The case stays the
 * one the record was made for.
 */
export async function correctedRecord<R extends SyncRecord>(previous: R, content: R['content'], context: RecordContext): Promise<R> {
  return {
    ...previous,
    // A correction is written as today's form writes it (a version-1 welcome visit's offer types are not carried over).
    schemaVersion: SCHEMA_VERSIONS[previous.kind] as R['schemaVersion'],
    formVersion: FORM_VERSIONS[previous.kind],
    revision: previous.revision + 1,
    deviceId: context.deviceId,
    createdAt: context.now.toISOString(),
    contentHash: await contentHash(content),
    content,
  };
}

export function newReferralRecord(content: ReferralContent, caseNumber: string, context: RecordContext): Promise<ReferralRecord> {
  return newRecord('referral', content, caseNumber, context);
}
