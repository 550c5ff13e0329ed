// A form open in the work area tells it whether leaving would leave work
// behind (a half-filled form), so every way out — "cancel", the back button,
// a change of screen — asks first. The draft survives either way unless the
// person chooses to discard it. Outside the work area (tests of one screen) it is absent.
import { createContext, useContext } from 'react';

export interface OpenForm {
  /** Something was entered (or a draft restored) and not saved. */
  dirty: () => boolean;
  /** Writes the draft now, so leaving loses nothing. */
  keep: () => Promise<void>;
  /** Throws the draft away (the person chose to). */
  discard: () => Promise<void>;
}

export interface LeaveGuard {
  /** Registers the open form; returns the unregister function. */
  register: (form: OpenForm) => () => void;
  /** "Cancel" in a form: asks first if something was entered, else discards the (empty) draft and leaves. */
  cancel: () => void;
}

export const LeaveGuardContext = createContext<LeaveGuard | null>(null);

export function useLeaveGuard(): LeaveGuard | null {
  return useContext(LeaveGuardContext);
}
