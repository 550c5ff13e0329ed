// The workflow registry: one entry per record kind that staff fill in on a
// form. Everything that differs between workflows is here; the shared record
// form lifecycle (forms/useRecordForm) and the work area read it. A new
// workflow = one entry here + one content schema (shared/records) + one field list.
import type { ComponentType } from 'react';
import { TABLET_ROLES, type Role } from '@shared/protocol';
import type { TabletWorkflow } from '@shared/organisation-workflows';
import type { SyncRecord } from '@shared/records/sync-record';
import { isCorrectableKind } from '@domain/corrections';
import { isReferralSourceKind } from '@domain/referral-sources';
import type { WorkflowNamespace } from '../../forms/schema-messages';
import { HomeContactSummary } from '../home-contact/HomeContactSummary';
import { MediationSummary } from '../mediation/MediationSummary';
import { ScreeningSummary } from '../screening/ScreeningSummary';
import { WelcomeVisitSummary } from '../welcome-visit/WelcomeVisitSummary';

/** The record kinds with a form, in the registry's order (the home offers them in the organisation's order). */
export const WORKFLOW_KINDS = ['homeContact', 'screening', 'welcomeVisit', 'mediation'] as const satisfies readonly TabletWorkflow[];
export type WorkflowKind = (typeof WORKFLOW_KINDS)[number];
export type WorkflowRecord<K extends WorkflowKind = WorkflowKind> = Extract<SyncRecord, { kind: K }>;
export type WorkflowContent<K extends WorkflowKind> = WorkflowRecord<K>['content'];

/** What every workflow form is opened with. */
export interface WorkflowFormProps<K extends WorkflowKind> {
  /** Leaves the form; `saved` after the record was saved. */
  onDone: (outcome?: 'saved') => void;
  /** The previous record of this workflow was saved at this time (a form opened for the next one says so). */
  savedAt?: string | undefined;
  /** The case the form is for (e.g. straight after the consent); the person picks one otherwise. */
  caseNumber?: string | undefined;
  /** A saved record to correct: the form opens with its content; saving writes its next revision. */
  correction?: WorkflowRecord<K> | undefined;
}

export interface Workflow<K extends WorkflowKind> {
  kind: K;
  /** The draft a new record autosaves under (a correction's draft is per record: records/work-items). */
  newDraftId: `${K}:new`;
  /** Whether a saved record can be corrected by its author (the rule lives in domain/corrections). */
  correctable: boolean;
  /** Whether a referral can start from its records ("Vermitteln" once approved; the rule lives in domain/referral-sources). */
  referralSource: boolean;
  /**
   * `required`: the record is about a consented case (case number input, or the case it was opened for);
   * `optional`: anonymous unless the person links a consented case (CaseLink).
   */
  caseLink: 'required' | 'optional';
  /** Whether the form asks for the family's district (Sozialraum): the reports count these kinds by district. */
  district: boolean;
  /** The overview's "new …" button (`<namespace>:new`). */
  overviewLabel: `${WorkflowNamespace}:new`;
  /** Which roles are offered the workflow (all tablet roles); which organisations: the admin's choice (shared/organisation-workflows). */
  roles: readonly Role[];
  /** The form, in a chunk of its own (the work area preloads it while idle). */
  loadForm: () => Promise<ComponentType<WorkflowFormProps<K>>>;
  /** One line about a saved record in the record list. */
  Summary: ComponentType<{ content: WorkflowContent<K> }>;
}

type Registry = { [K in WorkflowKind]: Workflow<K> };

export const WORKFLOWS: Registry = {
  homeContact: {
    kind: 'homeContact',
    newDraftId: 'homeContact:new',
    correctable: isCorrectableKind('homeContact'),
    referralSource: isReferralSourceKind('homeContact'),
    caseLink: 'optional',
    // Foyer contacts are counted by site, not by where the family lives.
    district: false,
    overviewLabel: 'home-contact:new',
    roles: TABLET_ROLES,
    loadForm: () => import('../home-contact/HomeContactForm').then((m) => m.HomeContactForm),
    Summary: HomeContactSummary,
  },
  screening: {
    kind: 'screening',
    newDraftId: 'screening:new',
    correctable: isCorrectableKind('screening'),
    referralSource: isReferralSourceKind('screening'),
    caseLink: 'required',
    district: true,
    overviewLabel: 'screening:new',
    roles: TABLET_ROLES,
    loadForm: () => import('../screening/ScreeningForm').then((m) => m.ScreeningForm),
    Summary: ScreeningSummary,
  },
  welcomeVisit: {
    kind: 'welcomeVisit',
    newDraftId: 'welcomeVisit:new',
    correctable: isCorrectableKind('welcomeVisit'),
    referralSource: isReferralSourceKind('welcomeVisit'),
    caseLink: 'required',
    district: true,
    overviewLabel: 'welcome-visit:new',
    roles: TABLET_ROLES,
    loadForm: () => import('../welcome-visit/WelcomeVisitForm').then((m) => m.WelcomeVisitForm),
    Summary: WelcomeVisitSummary,
  },
  mediation: {
    kind: 'mediation',
    newDraftId: 'mediation:new',
    correctable: isCorrectableKind('mediation'),
    referralSource: isReferralSourceKind('mediation'),
    caseLink: 'optional',
    district: true,
    overviewLabel: 'mediation:new',
    roles: TABLET_ROLES,
    loadForm: () => import('../mediation/MediationForm').then((m) => m.MediationForm),
    Summary: MediationSummary,
  },
};

export function isWorkflowKind(kind: string): kind is WorkflowKind {
  return (WORKFLOW_KINDS as readonly string[]).includes(kind);
}

/** The workflows a person with these roles is offered. */
export function workflowsFor(roles: readonly string[]): Workflow<WorkflowKind>[] {
  return WORKFLOW_KINDS.map((kind): Workflow<WorkflowKind> => WORKFLOWS[kind] as Workflow<WorkflowKind>).filter((workflow) =>
    workflow.roles.some((role) => roles.includes(role)),
  );
}
