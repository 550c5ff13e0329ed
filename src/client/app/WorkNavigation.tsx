// Opening work from anywhere inside the work area: the record list's
// "Correct", "Continue", "Vermitteln" and "view case", a form's "record a new consent". WorkArea provides it; outside it (tests of single
// screens) it is absent.
import { createContext, useContext } from 'react';
import type { WorkflowKind } from '../features/workflows/registry';

export interface WorkNavigation {
  /**
   * Opens the workflow form of a record this person saved on this tablet,
   * prefilled with its content (or its correction draft); saving writes the
   * next revision. Resolves false (and opens nothing) if it cannot be corrected here.
   */
  openCorrection: (recordId: string) => Promise<boolean>;
  /** Opens the form a stored draft belongs to, with the draft restored. */
  continueDraft: (draftId: string) => Promise<boolean>;
  /** Opens the referral flow for the case, from this (approved) record of it. */
  openReferral: (caseNumber: string, sourceRecordId: string) => void;
  /** Opens the consent for a new case, to continue with this workflow afterwards. */
  newConsent: (workflow: WorkflowKind) => void;
  /** Opens the case view: everything this tablet holds for the case, in time order. */
  openCase: (caseNumber: string) => void;
}

export const WorkNavigationContext = createContext<WorkNavigation | null>(null);

export function useWorkNavigation(): WorkNavigation | null {
  return useContext(WorkNavigationContext);
}
