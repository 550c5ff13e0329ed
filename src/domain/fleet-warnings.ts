// Which tablets the office must look at before data is lost (issue 22, item 4):
// a lost or broken tablet loses exactly the records it has not sent. Pure: the
// backend judges with its own clock and hands the office the result.
import type { FleetWarning } from '@shared/fleet';

const DAY_MS = 86_400_000;

export interface FleetFacts {
  revoked: boolean;
  /** Last status check and last accepted push (server time); null: never. */
  lastContactAt: string | null;
  lastPushAt: string | null;
  /** From the tablet's last report; null when it never reported (an older app). */
  unsentCount: number | null;
  oldestUnsentAt: string | null;
  appVersion: string | null;
}

export interface FleetPolicy {
  warningDays: number;
  currentAppVersion: string;
}

/** Dotted numeric versions compared part by part ("0.10.0" is newer than "0.9.3"). */
export function isOlderVersion(version: string, than: string): boolean {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const left = a[i] ?? 0;
    const right = b[i] ?? 0;
    if (left !== right) return left < right;
  }
  return false;
}

/** The later of the last status check and the last push; null: never in touch. */
export function lastSeenAt(facts: Pick<FleetFacts, 'lastContactAt' | 'lastPushAt'>): string | null {
  const { lastContactAt, lastPushAt } = facts;
  if (lastContactAt === null || lastPushAt === null) return lastContactAt ?? lastPushAt;
  return Date.parse(lastContactAt) >= Date.parse(lastPushAt) ? lastContactAt : lastPushAt;
}

/**
 * The warnings for one tablet, in FLEET_WARNINGS order. A revoked tablet gets
 * none (its data is wiped at its next contact; nothing more can be saved).
 * "In touch" is the later of the last status check and the last push: an
 * older tablet that never reports still shows when it was last seen.
 */
export function fleetWarnings(facts: FleetFacts, now: Date, policy: FleetPolicy): FleetWarning[] {
  if (facts.revoked) return [];
  const limit = policy.warningDays * DAY_MS;
  const warnings: FleetWarning[] = [];
  const seenAt = lastSeenAt(facts);
  const lastSeen = seenAt === null ? null : Date.parse(seenAt);
  const holdsUnsent = (facts.unsentCount ?? 0) > 0;
  if (holdsUnsent && (lastSeen === null || now.getTime() - lastSeen >= limit)) warnings.push('unsentWhileSilent');
  if (holdsUnsent && facts.oldestUnsentAt !== null && now.getTime() - Date.parse(facts.oldestUnsentAt) >= limit) {
    warnings.push('unsentTooOld');
  }
  if (facts.appVersion !== null && isOlderVersion(facts.appVersion, policy.currentAppVersion)) warnings.push('outdatedApp');
  return warnings;
}
