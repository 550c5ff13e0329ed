// The lost-tablet report (shared/lost-tablet.ts): for one tablet of the municipality, the case
// numbers the server knows could be on it and why, its last contact and who signed in on it.
// Viewing it is audited. Unsent records are unknowable here: only the count the tablet last reported.
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { PULLED_FOR_CHECK_DAYS, TABLET_EXPOSURE_REASONS, type TabletExposure, type TabletExposureReason } from '@shared/lost-tablet';
import { DEFAULT_SECURITY_SETTINGS } from '@shared/security-defaults';
import { REFERRAL_WINDOW_DAYS } from '@domain/retention';
import { audit } from './audit';
import { ServiceError, defaultMessage } from './service-error';

const DAY_MS = 24 * 60 * 60 * 1000;
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : toIsoTimestamp(value));

interface DeviceRow {
  id: string;
  label: string;
  organisation_name: string | null;
  enrolled_at: unknown;
  revoked_at: unknown;
  last_contact_at: unknown;
  last_push_at: unknown;
  report_received_at: unknown;
  unsent_count: number | null;
  draft_count: number | null;
  last_sign_in_at: unknown;
  retention_days_after_sync: number | null;
}

export class LostTabletService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async report(user: SessionUser, deviceId: string): Promise<TabletExposure> {
    const now = this.clock();
    const [device] = await this.db.query<DeviceRow>(
      `SELECT d.id::text AS id, d.label, o.name AS organisation_name, d.enrolled_at, d.revoked_at,
              r.last_contact_at, r.last_push_at, r.report_received_at, r.unsent_count, r.draft_count,
              (SELECT max(t.created_at) FROM (
                 SELECT created_at FROM sessions WHERE municipality_id = $1 AND device_id = d.id
                 UNION ALL SELECT created_at FROM refresh_tokens WHERE municipality_id = $1 AND device_id = d.id) t) AS last_sign_in_at,
              s.retention_days_after_sync
         FROM devices d
         LEFT JOIN organisations o ON o.id = d.organisation_id AND o.municipality_id = d.municipality_id
         LEFT JOIN device_reports r ON r.municipality_id = d.municipality_id AND r.device_id = d.id
         LEFT JOIN municipality_settings s ON s.municipality_id = d.municipality_id
        WHERE d.municipality_id = $1 AND d.id = $2`,
      [user.municipalityId, deviceId],
    );
    if (!device) throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
    const retentionDays = device.retention_days_after_sync ?? DEFAULT_SECURITY_SETTINGS.retentionDaysAfterSync;
    const windowDays = Math.max(retentionDays, REFERRAL_WINDOW_DAYS);

    const cases = await this.db.query<{ case_number: string; reasons: string[]; last_at: unknown }>(
      `WITH mine AS (
         SELECT r.id, r.revision, r.case_number, r.kind, r.needs_second_check, r.approved_at, r.superseded, r.received_at
           FROM records r
          WHERE r.municipality_id = $1 AND r.device_id = $2::uuid AND r.case_number IS NOT NULL
       ), facts AS (
         SELECT case_number, 'consent' AS reason, received_at AS at FROM mine WHERE kind = 'consent'
         UNION ALL
         SELECT m.case_number, 'awaitingCheck', m.received_at FROM mine m
          WHERE NOT m.superseded
            AND ((m.needs_second_check AND m.approved_at IS NULL)
                 OR EXISTS (SELECT 1 FROM record_reviews v
                             WHERE v.municipality_id = $1 AND v.record_id = m.id AND v.revision = m.revision AND v.decision = 'sentBack'))
         UNION ALL
         SELECT case_number, 'withinRetention', coalesce(approved_at, received_at) FROM mine
          WHERE coalesce(approved_at, received_at) >= $3
         UNION ALL
         SELECT f.case_number, 'referral', f.state_changed_at FROM referrals f
          WHERE f.municipality_id = $1
            AND EXISTS (SELECT 1 FROM records rec WHERE rec.municipality_id = $1 AND rec.id = f.record_id AND rec.device_id = $2::uuid)
         UNION ALL
         SELECT rec.case_number, 'pulledForCheck', a.at
           FROM audit_log a
           JOIN records rec ON rec.municipality_id = $1 AND rec.id::text = split_part(split_part(a.object_id, '@', 1), '#', 1)
          WHERE a.municipality_id = $1 AND a.action = 'read.reviewQueue' AND a.at >= $4
            AND split_part(a.object_id, '@', 2) = $5 AND rec.case_number IS NOT NULL
         UNION ALL
         SELECT case_number, 'caseNumberOnly', received_at FROM mine
       )
       SELECT case_number, array_agg(DISTINCT reason) AS reasons, max(at) AS last_at
         FROM facts GROUP BY case_number ORDER BY case_number`,
      [
        user.municipalityId,
        deviceId,
        new Date(now.getTime() - windowDays * DAY_MS),
        new Date(now.getTime() - PULLED_FOR_CHECK_DAYS * DAY_MS),
        deviceId,
      ],
    );
    const staff = await this.db.query<{ display_name: string; last_sign_in_at: unknown }>(
      `SELECT a.display_name, max(t.created_at) AS last_sign_in_at
         FROM (SELECT account_id, created_at FROM sessions WHERE municipality_id = $1 AND device_id = $2::uuid
               UNION ALL SELECT account_id, created_at FROM refresh_tokens WHERE municipality_id = $1 AND device_id = $2::uuid) t
         JOIN staff_accounts a ON a.id = t.account_id AND a.municipality_id = $1
        GROUP BY a.id, a.display_name
        ORDER BY max(t.created_at) DESC`,
      [user.municipalityId, deviceId],
    );
    // The view itself is audited: who looked at which tablet's case numbers.
    await audit(this.db, { municipalityId: user.municipalityId, actorId: user.id, action: 'read.tabletExposure', objectId: deviceId });

    const contacts = [device.last_contact_at, device.last_push_at, device.last_sign_in_at]
      .map(isoOrNull)
      .filter((at): at is string => at !== null)
      .sort();
    const reportedAt = isoOrNull(device.report_received_at);
    return {
      device: {
        deviceId: device.id,
        label: device.label,
        organisationName: device.organisation_name,
        enrolledAt: toIsoTimestamp(device.enrolled_at),
        revokedAt: isoOrNull(device.revoked_at),
      },
      generatedAt: now.toISOString(),
      lastContactAt: contacts.at(-1) ?? null,
      lastPushAt: isoOrNull(device.last_push_at),
      reportedUnsent:
        reportedAt === null || device.unsent_count === null || device.draft_count === null
          ? null
          : { unsentCount: device.unsent_count, draftCount: device.draft_count, reportedAt },
      retentionDaysAfterSync: retentionDays,
      windowDays,
      signedInStaff: staff.map((s) => ({ displayName: s.display_name, lastSignInAt: toIsoTimestamp(s.last_sign_in_at) })),
      cases: cases.map((row) => ({
        caseNumber: row.case_number,
        reasons: orderedReasons(row.reasons),
        lastAt: toIsoTimestamp(row.last_at),
      })),
    };
  }
}

/** Strongest first; "case number only" only when nothing stronger applies. */
function orderedReasons(found: readonly string[]): TabletExposureReason[] {
  const reasons = TABLET_EXPOSURE_REASONS.filter((reason) => found.includes(reason));
  return reasons.length > 1 ? reasons.filter((reason) => reason !== 'caseNumberOnly') : reasons;
}
