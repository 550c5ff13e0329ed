// Family mode for every screen: who holds the tablet (app/App.tsx keeps it,
// the rule is domain/family-mode.ts), and how a screen hands the tablet to the
// family. Outside the app (tests of one screen) staff always hold it and a
// handover changes nothing.
import { createContext, useContext } from 'react';
import { STAFF_HOLDS, type FamilyTask, type TabletHolder } from '@domain/family-mode';
import type { FamilyLanguage } from '@shared/languages';

export interface FamilyMode {
  holder: TabletHolder;
  /** The unlocked staff member gives the tablet to the family for `task`, in `language`. */
  handOver: (language: FamilyLanguage, task: FamilyTask) => void;
  /** A family task asks staff to take the tablet back soon (a quiet mark, no words). */
  callStaff: () => void;
}

const STAFF_ONLY: FamilyMode = {
  holder: STAFF_HOLDS,
  handOver: () => undefined,
  callStaff: () => undefined,
};

export const FamilyModeContext = createContext<FamilyMode>(STAFF_ONLY);

export function useFamilyMode(): FamilyMode {
  return useContext(FamilyModeContext);
}
