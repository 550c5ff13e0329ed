// Which settings protect the families' data, and which direction weakens them (M9): a change
// that weakens one waits for a second admin (server/services/safeguard-changes.ts); one that
// raises them applies at once. Weakening means: tablets lock later, allow more wrong unlocks,
// keep sent content longer, fewer records get the second check, or sign-ins last longer (the
// office's idle lock, the office's and the tablets' absolute session lifetimes).

export interface SafeguardSettings {
  /** Tablets lock after this many minutes without a touch: more is weaker. */
  autoLockMinutes: number;
  /** Wrong unlocks before a key slot is wiped: more is weaker. */
  maxUnlockAttempts: number;
  /** Days a sent record's content stays on the tablet: more is weaker (more to lose with a tablet). */
  retentionDaysAfterSync: number;
  /** Record kinds that need the second check: removing one is weaker. */
  fourEyesKinds: readonly string[];
  /** Whether records recommending offers need the second check: switching it off is weaker. */
  fourEyesForReferrals: boolean;
  /** The office signs out after this many idle minutes: more is weaker (absent in a request: unchanged). */
  officeLockMinutes?: number | undefined;
  /** An office sign-in ends after this many hours however often renewed: more is weaker. */
  officeSessionHours?: number | undefined;
  /** A tablet sign-in ends after this many days however often renewed: more is weaker. */
  tabletSessionDays?: number | undefined;
}

export const SAFEGUARD_FIELDS = [
  'autoLockMinutes',
  'maxUnlockAttempts',
  'retentionDaysAfterSync',
  'fourEyesKinds',
  'fourEyesForReferrals',
  'officeLockMinutes',
  'officeSessionHours',
  'tabletSessionDays',
] as const satisfies readonly (keyof SafeguardSettings)[];
export type SafeguardField = (typeof SAFEGUARD_FIELDS)[number];

/** Both values of an optional number, or null when the request leaves it out. */
function optionalPair(
  field: 'officeLockMinutes' | 'officeSessionHours' | 'tabletSessionDays',
  current: SafeguardSettings,
  proposed: SafeguardSettings,
) {
  const before = current[field];
  const after = proposed[field];
  return before === undefined || after === undefined ? null : { before, after };
}

function weakens(field: SafeguardField, current: SafeguardSettings, proposed: SafeguardSettings): boolean {
  switch (field) {
    case 'officeLockMinutes':
    case 'officeSessionHours':
    case 'tabletSessionDays': {
      const pair = optionalPair(field, current, proposed);
      return pair !== null && pair.after > pair.before;
    }
    case 'autoLockMinutes':
    case 'maxUnlockAttempts':
    case 'retentionDaysAfterSync':
      return proposed[field] > current[field];
    case 'fourEyesKinds':
      return current.fourEyesKinds.some((kind) => !proposed.fourEyesKinds.includes(kind));
    case 'fourEyesForReferrals':
      return current.fourEyesForReferrals && !proposed.fourEyesForReferrals;
  }
}

function raises(field: SafeguardField, current: SafeguardSettings, proposed: SafeguardSettings): boolean {
  switch (field) {
    case 'officeLockMinutes':
    case 'officeSessionHours':
    case 'tabletSessionDays': {
      const pair = optionalPair(field, current, proposed);
      return pair !== null && pair.after < pair.before;
    }
    case 'autoLockMinutes':
    case 'maxUnlockAttempts':
    case 'retentionDaysAfterSync':
      return proposed[field] < current[field];
    case 'fourEyesKinds':
      return proposed.fourEyesKinds.some((kind) => !current.fourEyesKinds.includes(kind));
    case 'fourEyesForReferrals':
      return !current.fourEyesForReferrals && proposed.fourEyesForReferrals;
  }
}

/** The safeguards a proposal would weaken (empty: it may apply at once). */
export function weakenedSafeguards(current: SafeguardSettings, proposed: SafeguardSettings): SafeguardField[] {
  return SAFEGUARD_FIELDS.filter((field) => weakens(field, current, proposed));
}

/** The safeguards a proposal raises (they apply at once, even when others wait). */
export function raisedSafeguards(current: SafeguardSettings, proposed: SafeguardSettings): SafeguardField[] {
  return SAFEGUARD_FIELDS.filter((field) => raises(field, current, proposed));
}

/**
 * What applies at once: the proposal, except that every weakened safeguard keeps its current
 * value — for the second-check kinds, the kinds it adds apply and the ones it removes stay.
 */
export function applicableAtOnce<T extends SafeguardSettings>(current: SafeguardSettings, proposed: T): T {
  const held: Partial<SafeguardSettings> = {};
  for (const field of weakenedSafeguards(current, proposed)) {
    if (field === 'fourEyesKinds') {
      held.fourEyesKinds = [...current.fourEyesKinds, ...proposed.fourEyesKinds.filter((kind) => !current.fourEyesKinds.includes(kind))];
    } else {
      Object.assign(held, { [field]: current[field] });
    }
  }
  return { ...proposed, ...held };
}
