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
import type { SessionUser } from '@shared/protocol';
import type { Device, DeviceStatus, EnrollDeviceRequest, EnrollDeviceResponse, ListedDevice } from '@shared/staff-api';

export interface DeviceStatusAnswer {
  status: DeviceStatus;
  /** Deactivated people who signed in on this tablet; empty unless the status is 'active'. */
  deactivatedAccountIds: string[];
}
import { ServiceError, defaultMessage } from './service-error';
import { audit } from './audit';
import { revokeDeviceCredentials } from './revocation';

interface DeviceRow {
  id: string;
  municipality_id: string;
  organisation_id: string;
  label: string;
  enrolled_at: unknown;
  revoked_at: unknown;
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
  ) {}

  /** The tablet joins the enrolling coordinator's municipality and organisation. */
  async enroll(user: SessionUser, request: EnrollDeviceRequest): Promise<EnrollDeviceResponse> {
    const deviceSecret = randomBytes(32).toString('base64url');
    const deviceEscrowKey = randomBytes(32).toString('base64url');
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<DeviceRow>(
        `INSERT INTO devices (id, municipality_id, organisation_id, label, secret_hash, escrow_key, enrolled_by, enrolled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO NOTHING
         RETURNING ${DEVICE_COLUMNS}`,
        [request.deviceId, user.municipalityId, user.organisationId, request.label, hashToken(deviceSecret), deviceEscrowKey, user.id, now],
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
    const rows = await this.db.query<DeviceRow & { organisation_name: string | null }>(
      `SELECT d.id::text AS id, d.municipality_id, d.organisation_id, d.label, d.enrolled_at, d.revoked_at,
              o.name AS organisation_name
         FROM devices d
         LEFT JOIN organisations o ON o.id = d.organisation_id AND o.municipality_id = d.municipality_id
        WHERE d.municipality_id = $1 ORDER BY d.enrolled_at, d.id`,
      [user.municipalityId],
    );
    return rows.map((row) => ({ ...toDevice(row), organisationName: row.organisation_name ?? row.organisation_id }));
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
  async status(deviceId: string, deviceSecret: string): Promise<DeviceStatusAnswer> {
    const [row] = await this.db.query<{ secret_hash: string; municipality_id: string; revoked_at: unknown }>(
      'SELECT secret_hash, municipality_id, revoked_at FROM devices WHERE id = $1',
      [deviceId],
    );
    const stored = row ? Buffer.from(row.secret_hash, 'hex') : DECOY_HASH;
    const matches = timingSafeEqual(sha256(deviceSecret), stored.length === 32 ? stored : DECOY_HASH);
    if (!row || !matches) return { status: 'unknown', deactivatedAccountIds: [] };
    if (row.revoked_at !== null) return { status: 'revoked', deactivatedAccountIds: [] };
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
    return { status: 'active', deactivatedAccountIds: deactivated.map((account) => account.id) };
  }
}
