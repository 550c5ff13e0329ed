// Enrolled tablets (DESIGN.md §4): a coordinator enrolls a tablet once while
// online. The tablet's secret is stored only as its SHA-256 (it proves the
// tablet in status checks); the escrow key stays on the server and is handed to
// staff signing in on that tablet. Revoking a tablet ends its sessions, refresh
// tokens and signing keys at once; the tablet wipes itself at its next contact.
// The status check also names the deactivated people who ever signed in on the
// tablet, so it deletes their key slots and their offline access ends.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken, sha256 } from './secret-hash';
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { inEachMunicipality, withMunicipality } from '../db/tenant-scope';
import type { SessionUser } from '@shared/protocol';
import type { Device, DeviceStatus, EnrollDeviceRequest, EnrollDeviceResponse, ListedDevice } from '@shared/staff-api';
import { FLEET_WARNINGS, type DeviceFleetState, type DeviceReport, type FleetWarning } from '@shared/fleet';
import { fleetWarnings, type FleetPolicy } from '@domain/fleet-warnings';

export interface DeviceStatusAnswer {
  status: DeviceStatus;
  /** Deactivated people who signed in on this tablet; empty unless the status is 'active'. */
  deactivatedAccountIds: string[];
  /** FLEET_WARNING_DAYS, for tablets that sent a report (they know the field). */
  unsentWarningDays?: number;
}
import { ServiceError, defaultMessage } from './service-error';
import { audit } from './audit';
import { revokeDeviceCredentials } from './revocation';
import { escrowKeyPlace, sealText } from './content-seal';

interface DeviceRow {
  id: string;
  municipality_id: string;
  organisation_id: string;
  label: string;
  enrolled_at: unknown;
  revoked_at: unknown;
}

interface FleetRow {
  last_contact_at: unknown;
  last_push_at: unknown;
  report_received_at: unknown;
  app_version: string | null;
  unsent_count: number | null;
  unsent_by_kind: unknown;
  oldest_unsent_at: unknown;
  draft_count: number | null;
  storage_persisted: boolean | null;
  storage_usage_bytes: string | number | null;
  storage_quota_bytes: string | number | null;
}

/** What the operators' metrics show of the fleet (see `fleetSummary`). */
export interface FleetSummary {
  /** Tablets not revoked. */
  tablets: number;
  /** Unsent records by the tablets' last reports. */
  unsentRecords: number;
  /** Age of the oldest of them, by the server's clock; 0 when nothing waits. */
  oldestUnsentSeconds: number;
  /** Tablets carrying each warning of the fleet view. */
  warnings: Record<FleetWarning, number>;
}

const FLEET_COLUMNS =
  'r.last_contact_at, r.last_push_at, r.report_received_at, r.app_version, r.unsent_count, r.unsent_by_kind, ' +
  'r.oldest_unsent_at, r.draft_count, r.storage_persisted, r.storage_usage_bytes, r.storage_quota_bytes';

const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : toIsoTimestamp(value));
/** bigint arrives as a string from node-postgres; the schema bounds it far below 2^53. */
const bytesOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

function toFleetState(row: FleetRow, revoked: boolean, now: Date, policy: FleetPolicy): DeviceFleetState {
  const receivedAt = isoOrNull(row.report_received_at);
  const report =
    receivedAt === null || row.app_version === null || row.unsent_count === null || row.draft_count === null
      ? null
      : {
          receivedAt,
          appVersion: row.app_version,
          unsentCount: row.unsent_count,
          unsentByKind: (typeof row.unsent_by_kind === 'string' ? JSON.parse(row.unsent_by_kind) : row.unsent_by_kind) as Record<
            string,
            number
          >,
          oldestUnsentAt: isoOrNull(row.oldest_unsent_at),
          draftCount: row.draft_count,
          storagePersisted: row.storage_persisted === true,
          storageUsageBytes: bytesOrNull(row.storage_usage_bytes),
          storageQuotaBytes: bytesOrNull(row.storage_quota_bytes),
        };
  const lastContactAt = isoOrNull(row.last_contact_at);
  const lastPushAt = isoOrNull(row.last_push_at);
  const warnings = fleetWarnings(
    {
      revoked,
      lastContactAt,
      lastPushAt,
      unsentCount: report?.unsentCount ?? null,
      oldestUnsentAt: report?.oldestUnsentAt ?? null,
      appVersion: report?.appVersion ?? null,
    },
    now,
    policy,
  );
  return { lastContactAt, lastPushAt, report, warnings };
}

const DEVICE_COLUMNS = 'id::text AS id, municipality_id, organisation_id, label, enrolled_at, revoked_at';

function toDevice(row: DeviceRow): Device {
  return {
    deviceId: row.id,
    municipalityId: row.municipality_id,
    organisationId: row.organisation_id,
    label: row.label,
    enrolledAt: toIsoTimestamp(row.enrolled_at),
    revokedAt: row.revoked_at === null ? null : toIsoTimestamp(row.revoked_at),
  };
}

/** Compared against when the device is unknown, so both paths cost the same. */
const DECOY_HASH = sha256(randomBytes(32).toString('base64url'));

export class DeviceService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    /** When the fleet view warns (N days, the backend's app version). */
    readonly fleetPolicy: FleetPolicy,
  ) {}

  /** The tablet joins the enrolling coordinator's municipality and organisation. */
  async enroll(user: SessionUser, request: EnrollDeviceRequest): Promise<EnrollDeviceResponse> {
    const deviceSecret = randomBytes(32).toString('base64url');
    const deviceEscrowKey = randomBytes(32).toString('base64url');
    const now = this.clock();
    // The escrow key opens the tablet's vault for staff who sign in there: sealed at rest under the server key.
    const escrow = sealText(deviceEscrowKey, escrowKeyPlace(user.municipalityId, request.deviceId));
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<DeviceRow>(
        `INSERT INTO devices (id, municipality_id, organisation_id, label, secret_hash, escrow_key, seal_key_id, enrolled_by, enrolled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $9, $7, $8)
         ON CONFLICT (id) DO NOTHING
         RETURNING ${DEVICE_COLUMNS}`,
        [
          request.deviceId,
          user.municipalityId,
          user.organisationId,
          request.label,
          hashToken(deviceSecret),
          escrow.sealed,
          user.id,
          now,
          escrow.keyId,
        ],
      );
      if (!row) throw new ServiceError(409, 'conflict', 'This tablet is already enrolled.');
      await audit(tx, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: 'device.enrolled',
        objectId: row.id,
      });
      return { device: toDevice(row), deviceSecret, deviceEscrowKey };
    });
  }

  /** The municipality's tablets with their organisation's name (the office shows names, not ids). */
  async list(user: SessionUser): Promise<ListedDevice[]> {
    const rows = await this.db.query<DeviceRow & FleetRow & { organisation_name: string | null }>(
      `SELECT d.id::text AS id, d.municipality_id, d.organisation_id, d.label, d.enrolled_at, d.revoked_at,
              o.name AS organisation_name, ${FLEET_COLUMNS}
         FROM devices d
         LEFT JOIN organisations o ON o.id = d.organisation_id AND o.municipality_id = d.municipality_id
         LEFT JOIN device_reports r ON r.device_id = d.id AND r.municipality_id = d.municipality_id
        WHERE d.municipality_id = $1 ORDER BY d.enrolled_at, d.id`,
      [user.municipalityId],
    );
    const now = this.clock();
    return rows.map((row) => ({
      ...toDevice(row),
      organisationName: row.organisation_name ?? row.organisation_id,
      fleet: toFleetState(row, row.revoked_at !== null, now, this.fleetPolicy),
    }));
  }

  /**
   * The whole installation's fleet for the operators' metrics: active tablets,
   * the records their last reports say are unsent, the oldest of them, and how
   * many tablets carry each warning. Counts only — no tablet, municipality or case.
   */
  async fleetSummary(): Promise<FleetSummary> {
    // The operators' view spans municipalities: one query per municipality, counts only.
    const rows = (
      await inEachMunicipality(this.db, (municipalityId) =>
        this.db.query<FleetRow>(
          `SELECT ${FLEET_COLUMNS}
             FROM devices d
             LEFT JOIN device_reports r ON r.device_id = d.id AND r.municipality_id = d.municipality_id
            WHERE d.revoked_at IS NULL AND d.municipality_id = $1`,
          [municipalityId],
        ),
      )
    ).flat();
    const now = this.clock();
    const summary: FleetSummary = {
      tablets: rows.length,
      unsentRecords: 0,
      oldestUnsentSeconds: 0,
      warnings: Object.fromEntries(FLEET_WARNINGS.map((w) => [w, 0])) as Record<FleetWarning, number>,
    };
    for (const row of rows) {
      const fleet = toFleetState(row, false, now, this.fleetPolicy);
      const unsent = fleet.report?.unsentCount ?? 0;
      summary.unsentRecords += unsent;
      const oldest = fleet.report?.oldestUnsentAt ?? null;
      if (unsent > 0 && oldest !== null) {
        summary.oldestUnsentSeconds = Math.max(summary.oldestUnsentSeconds, Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000));
      }
      for (const warning of fleet.warnings) summary.warnings[warning]++;
    }
    return summary;
  }

  /** Idempotent; 404 for an unknown tablet and another municipality's alike. */
  async revoke(user: SessionUser, deviceId: string): Promise<void> {
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ revoked_at: unknown }>(
        'SELECT revoked_at FROM devices WHERE id = $1 AND municipality_id = $2 FOR UPDATE',
        [deviceId, user.municipalityId],
      );
      if (!row) throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
      if (row.revoked_at === null) {
        await tx.query('UPDATE devices SET revoked_at = $3, revoked_by = $4 WHERE id = $1 AND municipality_id = $2', [
          deviceId,
          user.municipalityId,
          now,
          user.id,
        ]);
      }
      // Also on a repeat: anything bound to the tablet in between is ended too.
      await revokeDeviceCredentials(tx, deviceId, now);
      await audit(tx, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: 'device.revoked',
        objectId: deviceId,
      });
    });
  }

  /**
   * What a tablet learns about itself by proving its secret; 'unknown' also for a
   * wrong secret. An active tablet also learns which people of its municipality
   * who ever signed in on it (a session or a signing key bound to it) are
   * deactivated now: it deletes their key slots. Empty for any other status.
   */
  async status(deviceId: string, deviceSecret: string, report?: DeviceReport): Promise<DeviceStatusAnswer> {
    // The tablet has no session: its id names the municipality it acts for (migration 027).
    const municipalityId = await this.db.lookUpMunicipality('device', deviceId);
    return withMunicipality(municipalityId, () => this.statusInMunicipality(deviceId, deviceSecret, report));
  }

  private async statusInMunicipality(
    deviceId: string,
    deviceSecret: string,
    report: DeviceReport | undefined,
  ): Promise<DeviceStatusAnswer> {
    const [row] = await this.db.query<{ secret_hash: string; municipality_id: string; revoked_at: unknown }>(
      'SELECT secret_hash, municipality_id, revoked_at FROM devices WHERE id = $1',
      [deviceId],
    );
    const stored = row ? Buffer.from(row.secret_hash, 'hex') : DECOY_HASH;
    const matches = timingSafeEqual(sha256(deviceSecret), stored.length === 32 ? stored : DECOY_HASH);
    if (!row || !matches) return { status: 'unknown', deactivatedAccountIds: [] };
    if (row.revoked_at !== null) return { status: 'revoked', deactivatedAccountIds: [] };
    await this.noteContact(deviceId, row.municipality_id, report);
    const deactivated = await this.db.query<{ id: string }>(
      `SELECT a.id FROM staff_accounts a
        WHERE a.municipality_id = $2 AND NOT a.active
          AND (EXISTS (SELECT 1 FROM sessions s
                        WHERE s.account_id = a.id AND s.municipality_id = a.municipality_id AND s.device_id = $1)
            OR EXISTS (SELECT 1 FROM signing_keys k
                        WHERE k.account_id = a.id AND k.municipality_id = a.municipality_id AND k.device_id = $1))
        ORDER BY a.id`,
      [deviceId, row.municipality_id],
    );
    return {
      status: 'active',
      deactivatedAccountIds: deactivated.map((account) => account.id),
      // Only a tablet that reports knows the field (older apps parse this answer strictly).
      ...(report === undefined ? {} : { unsentWarningDays: this.fleetPolicy.warningDays }),
    };
  }

  /**
   * Keeps when an active tablet last proved itself and, if it sent one, its
   * report (replacing the previous one whole). Without a report (an app from
   * before the fleet view) only the contact time changes.
   */
  private async noteContact(deviceId: string, municipalityId: string, report: DeviceReport | undefined): Promise<void> {
    const now = this.clock();
    if (report === undefined) {
      await this.db.query(
        `INSERT INTO device_reports (municipality_id, device_id, last_contact_at) VALUES ($1, $2, $3)
         ON CONFLICT (municipality_id, device_id) DO UPDATE SET last_contact_at = EXCLUDED.last_contact_at`,
        [municipalityId, deviceId, now],
      );
      return;
    }
    const oldestUnsentAt = report.oldestUnsentAgeSeconds === null ? null : new Date(now.getTime() - report.oldestUnsentAgeSeconds * 1000);
    await this.db.query(
      `INSERT INTO device_reports (municipality_id, device_id, last_contact_at, report_received_at, app_version, unsent_count,
                                   unsent_by_kind, oldest_unsent_at, draft_count, storage_persisted, storage_usage_bytes,
                                   storage_quota_bytes)
       VALUES ($1, $2, $3, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11)
       ON CONFLICT (municipality_id, device_id) DO UPDATE SET
         last_contact_at = EXCLUDED.last_contact_at, report_received_at = EXCLUDED.report_received_at,
         app_version = EXCLUDED.app_version, unsent_count = EXCLUDED.unsent_count, unsent_by_kind = EXCLUDED.unsent_by_kind,
         oldest_unsent_at = EXCLUDED.oldest_unsent_at, draft_count = EXCLUDED.draft_count,
         storage_persisted = EXCLUDED.storage_persisted, storage_usage_bytes = EXCLUDED.storage_usage_bytes,
         storage_quota_bytes = EXCLUDED.storage_quota_bytes`,
      [
        municipalityId,
        deviceId,
        now,
        report.appVersion,
        report.unsentCount,
        JSON.stringify(report.unsentByKind),
        oldestUnsentAt,
        report.draftCount,
        report.storagePersisted,
        report.storageUsageBytes,
        report.storageQuotaBytes,
      ],
    );
  }
}
