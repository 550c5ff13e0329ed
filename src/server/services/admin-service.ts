// The admin's management of organisations and staff accounts, always scoped to
// the admin's own municipality: another municipality's ids answer 404. Every
// change is audited (who, what, which object — never passwords). Deactivating
// a person revokes their sessions, refresh tokens and signing keys everywhere.
import type { Database, Queryable } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { CHECKABLE_KINDS, ORGANISATION_KINDS } from '@shared/staff-api';
import { DEFAULT_SECURITY_SETTINGS, DEFAULT_SESSION_SETTINGS } from '@shared/security-defaults';
import { DEFAULT_FOUR_EYES_POLICY } from '@domain/four-eyes';
import type {
  CreateOrganisationRequest,
  CreateStaffRequest,
  MunicipalitySettings,
  Organisation,
  OrganisationKind,
  StaffAccount,
  UpdateStaffRequest,
} from '@shared/staff-api';
import { ServiceError, defaultMessage } from './service-error';
import { toRoles } from './auth-service';
import { createStaffAccount } from './staff-accounts';
import { audit } from './audit';
import { emergencyInstructionSettings, replaceEmergencyInstruction } from './emergency-settings';
import { familyContactLine, organisationWorkflows } from './config-service';
import type { OrganisationWorkflows, SetOrganisationWorkflowsRequest } from '@shared/organisation-workflows';
import { isUniqueViolation } from '../db/sql-errors';
import { revokeAccountCredentials } from './revocation';
import type { SignInLimits } from './sign-in-limits';
import { SafeguardChanges } from './safeguard-changes';
import { SETTINGS_COLUMNS, type SettingsRow } from './settings-row';
import { applicableAtOnce, raisedSafeguards, weakenedSafeguards } from '@domain/safeguards';
import { personalWords, refuseWeakPassword } from './password-service';

interface OrganisationRow {
  id: string;
  municipality_id: string;
  name: string;
  kind: string;
}

interface StaffRow {
  id: string;
  municipality_id: string;
  organisation_id: string;
  username: string;
  display_name: string;
  roles: string[];
  active: boolean;
  person_id: string | null;
}

const STAFF_COLUMNS = 'id, municipality_id, organisation_id, username, display_name, roles, active, person_id';

function isOrganisationKind(kind: string): kind is OrganisationKind {
  return (ORGANISATION_KINDS as readonly string[]).includes(kind);
}

function toOrganisation(row: OrganisationRow): Organisation {
  // Rows from before 002 may carry a kind outside today's list; shown as 'partner' rather than failing the list.
  return { id: row.id, municipalityId: row.municipality_id, name: row.name, kind: isOrganisationKind(row.kind) ? row.kind : 'partner' };
}

function toStaffAccount(row: StaffRow): StaffAccount {
  return {
    id: row.id,
    municipalityId: row.municipality_id,
    organisationId: row.organisation_id,
    username: row.username,
    displayName: row.display_name,
    roles: toRoles(row.roles),
    active: row.active,
    personId: row.person_id,
  };
}

const notFound = (): ServiceError => new ServiceError(404, 'notFound', defaultMessage('notFound'));

function toSettings(row: SettingsRow | undefined): MunicipalitySettings {
  if (!row) {
    return {
      ...DEFAULT_SECURITY_SETTINGS,
      fourEyesKinds: DEFAULT_FOUR_EYES_POLICY.kinds.filter(isCheckableKind),
      fourEyesForReferrals: DEFAULT_FOUR_EYES_POLICY.forReferrals,
      ...DEFAULT_SESSION_SETTINGS,
    };
  }
  return {
    autoLockMinutes: row.auto_lock_minutes,
    maxUnlockAttempts: row.max_unlock_attempts,
    retentionDaysAfterSync: row.retention_days_after_sync,
    fourEyesKinds: row.four_eyes_kinds.filter(isCheckableKind),
    fourEyesForReferrals: row.four_eyes_for_referrals,
    officeLockMinutes: row.office_lock_minutes,
    officeSessionHours: row.office_session_hours,
    tabletSessionDays: row.tablet_session_days,
  };
}

function isCheckableKind(kind: string): kind is MunicipalitySettings['fourEyesKinds'][number] {
  return (CHECKABLE_KINDS as readonly string[]).includes(kind);
}

/** A settings update: what applies now, and the id of the change left waiting for a second admin. */
export interface SettingsUpdate {
  settings: MunicipalitySettings;
  pendingChangeId: string | null;
}

export class AdminService {
  readonly safeguards: SafeguardChanges;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {
    this.safeguards = new SafeguardChanges(db, clock);
  }

  /** The municipality's settings (the defaults while it has none stored). */
  async settings(admin: SessionUser): Promise<MunicipalitySettings> {
    const [row] = await this.db.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM municipality_settings WHERE municipality_id = $1`, [
      admin.municipalityId,
    ]);
    return this.withLists(this.db, admin.municipalityId, toSettings(row));
  }

  private async withLists(q: Queryable, municipalityId: string, settings: MunicipalitySettings): Promise<MunicipalitySettings> {
    const emergencyInstruction = await emergencyInstructionSettings(q, municipalityId);
    const familyContact = await familyContactLine(q, municipalityId);
    return {
      ...settings,
      welcomeItems: await this.welcomeItems(q, municipalityId),
      ...(emergencyInstruction ? { emergencyInstruction } : {}),
      ...(familyContact === null ? {} : { familyContact }),
    };
  }

  private async welcomeItems(q: Queryable, municipalityId: string): Promise<{ id: string; label: string }[]> {
    return q.query<{ id: string; label: string }>(
      'SELECT id, label FROM welcome_items WHERE municipality_id = $1 ORDER BY sort_order, label',
      [municipalityId],
    );
  }

  /**
   * Replaces the settings; tablets get them with their next configuration pull. A safeguard the
   * request weakens (domain/safeguards.ts) keeps its value and waits as a pending change for a
   * second admin; everything else — raised safeguards too — applies at once.
   */
  async updateSettings(admin: SessionUser, requested: MunicipalitySettings): Promise<SettingsUpdate> {
    return this.db.transaction(async (tx) => {
      const [stored] = await tx.query<SettingsRow>(
        `SELECT ${SETTINGS_COLUMNS} FROM municipality_settings WHERE municipality_id = $1 FOR UPDATE`,
        [admin.municipalityId],
      );
      const current = toSettings(stored);
      const weakened = weakenedSafeguards(current, requested);
      const raised = raisedSafeguards(current, requested);
      const settings = applicableAtOnce(current, requested);
      // A PUT without a session setting leaves it as it is (a longer one is held like the other safeguards).
      const officeLockMinutes = settings.officeLockMinutes ?? current.officeLockMinutes;
      const officeSessionHours = settings.officeSessionHours ?? current.officeSessionHours;
      const tabletSessionDays = settings.tabletSessionDays ?? current.tabletSessionDays;
      const [row] = await tx.query<SettingsRow>(
        `INSERT INTO municipality_settings (municipality_id, auto_lock_minutes, max_unlock_attempts, retention_days_after_sync,
                                            four_eyes_kinds, four_eyes_for_referrals, updated_at,
                                            office_lock_minutes, office_session_hours, tablet_session_days)
         VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10)
         ON CONFLICT (municipality_id) DO UPDATE SET
           auto_lock_minutes = EXCLUDED.auto_lock_minutes, max_unlock_attempts = EXCLUDED.max_unlock_attempts,
           retention_days_after_sync = EXCLUDED.retention_days_after_sync, four_eyes_kinds = EXCLUDED.four_eyes_kinds,
           four_eyes_for_referrals = EXCLUDED.four_eyes_for_referrals, updated_at = EXCLUDED.updated_at,
           office_lock_minutes = EXCLUDED.office_lock_minutes, office_session_hours = EXCLUDED.office_session_hours,
           tablet_session_days = EXCLUDED.tablet_session_days
         RETURNING ${SETTINGS_COLUMNS}`,
        [
          admin.municipalityId,
          settings.autoLockMinutes,
          settings.maxUnlockAttempts,
          settings.retentionDaysAfterSync,
          [...settings.fourEyesKinds],
          settings.fourEyesForReferrals,
          this.clock(),
          officeLockMinutes,
          officeSessionHours,
          tabletSessionDays,
        ],
      );
      if (settings.welcomeItems !== undefined) {
        await tx.query('DELETE FROM welcome_items WHERE municipality_id = $1', [admin.municipalityId]);
        for (const [index, item] of settings.welcomeItems.entries()) {
          await tx.query('INSERT INTO welcome_items (municipality_id, id, label, sort_order) VALUES ($1, $2, $3, $4)', [
            admin.municipalityId,
            item.id,
            item.label,
            index,
          ]);
        }
      }
      if (settings.emergencyInstruction !== undefined) {
        await replaceEmergencyInstruction(tx, admin.municipalityId, settings.emergencyInstruction);
      }
      if (settings.familyContact !== undefined) {
        await tx.query('UPDATE municipality_settings SET family_contact = $2 WHERE municipality_id = $1', [
          admin.municipalityId,
          settings.familyContact === null || settings.familyContact === '' ? null : settings.familyContact,
        ]);
      }
      await audit(tx, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'settings.updated',
        objectId: admin.municipalityId,
      });
      if (raised.length > 0) {
        await audit(tx, {
          municipalityId: admin.municipalityId,
          actorId: admin.id,
          action: 'settings.safeguardsRaised',
          objectId: admin.municipalityId,
        });
      }
      const pendingChangeId =
        weakened.length === 0
          ? null
          : await this.safeguards.propose(tx, admin, Object.fromEntries(weakened.map((field) => [field, requested[field]])));
      return { settings: await this.withLists(tx, admin.municipalityId, toSettings(row)), pendingChangeId };
    });
  }

  async listOrganisations(admin: SessionUser): Promise<Organisation[]> {
    const rows = await this.db.query<OrganisationRow>(
      'SELECT id, municipality_id, name, kind FROM organisations WHERE municipality_id = $1 ORDER BY name, id',
      [admin.municipalityId],
    );
    return rows.map(toOrganisation);
  }

  async createOrganisation(admin: SessionUser, request: CreateOrganisationRequest): Promise<Organisation> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<OrganisationRow>(
        `INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING
         RETURNING id, municipality_id, name, kind`,
        [request.id, admin.municipalityId, request.name, request.kind],
      );
      if (!row) throw new ServiceError(409, 'conflict', 'An organisation with this id already exists.');
      await audit(tx, { municipalityId: admin.municipalityId, actorId: admin.id, action: 'organisation.created', objectId: row.id });
      return toOrganisation(row);
    });
  }

  /** Every organisation's workflows on the tablet's home: the admin's choice or its kind's default. */
  async listOrganisationWorkflows(admin: SessionUser): Promise<OrganisationWorkflows[]> {
    return organisationWorkflows(this.db, admin.municipalityId);
  }

  /**
   * Sets which workflows an organisation of the admin's municipality is offered, in order (null:
   * back to its kind's default); another municipality's organisation is 404. Tablets get it with
   * their next configuration pull. Audited with the organisation as object.
   */
  async setOrganisationWorkflows(
    admin: SessionUser,
    organisationId: string,
    request: SetOrganisationWorkflowsRequest,
  ): Promise<OrganisationWorkflows> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        'UPDATE organisations SET workflows = $3 WHERE id = $1 AND municipality_id = $2 RETURNING id',
        [organisationId, admin.municipalityId, request.workflows],
      );
      if (!row) throw notFound();
      await audit(tx, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'organisation.workflowsChanged',
        objectId: row.id,
      });
      const entry = (await organisationWorkflows(tx, admin.municipalityId)).find((item) => item.organisationId === row.id);
      if (!entry) throw new Error('updated organisation not found');
      return entry;
    });
  }

  async listStaff(admin: SessionUser): Promise<StaffAccount[]> {
    const rows = await this.db.query<StaffRow>(`SELECT ${STAFF_COLUMNS} FROM staff_accounts WHERE municipality_id = $1 ORDER BY username`, [
      admin.municipalityId,
    ]);
    return rows.map(toStaffAccount);
  }

  async createStaff(admin: SessionUser, request: CreateStaffRequest): Promise<StaffAccount> {
    try {
      refuseWeakPassword(
        request.password,
        personalWords({ username: request.username, display_name: request.displayName, municipality_id: admin.municipalityId }),
        'password',
      );
    } catch (error) {
      await audit(this.db, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'staff.createRefusedWeakPassword',
        objectId: null,
      });
      throw error;
    }
    // Usernames are unique across municipalities; only the look-up sees the others' (migration 027).
    const taken = (await this.db.lookUpMunicipality('username', request.username)) !== null;
    try {
      return await this.db.transaction(async (tx) => {
        const [organisation] = await tx.query('SELECT 1 FROM organisations WHERE id = $1 AND municipality_id = $2', [
          request.organisationId,
          admin.municipalityId,
        ]);
        if (!organisation) throw notFound();
        if (taken) throw new ServiceError(409, 'conflict', 'This username is taken.');
        const id = await createStaffAccount(tx, {
          municipalityId: admin.municipalityId,
          organisationId: request.organisationId,
          username: request.username,
          displayName: request.displayName,
          password: request.password,
          roles: [...new Set(request.roles)],
        });
        await audit(tx, { municipalityId: admin.municipalityId, actorId: admin.id, action: 'staff.created', objectId: id });
        const [row] = await tx.query<StaffRow>(`SELECT ${STAFF_COLUMNS} FROM staff_accounts WHERE id = $1`, [id]);
        if (!row) throw new Error('created staff account not found');
        return toStaffAccount(row);
      });
    } catch (error) {
      // The same username created twice at once.
      if (isUniqueViolation(error)) throw new ServiceError(409, 'conflict', 'This username is taken.');
      throw error;
    }
  }

  /**
   * Lifts the sign-in lock and delays of an account of the admin's municipality
   * (one of another municipality is 404, like an unknown one); audited either way.
   */
  async unlockSignIn(admin: SessionUser, staffId: string, limits: SignInLimits): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [account] = await tx.query<{ id: string }>('SELECT id FROM staff_accounts WHERE id = $1 AND municipality_id = $2', [
        staffId,
        admin.municipalityId,
      ]);
      if (!account) throw notFound();
      await limits.unlockAccount(tx, account.id);
      await audit(tx, { municipalityId: admin.municipalityId, actorId: admin.id, action: 'session.accountUnlocked', objectId: account.id });
    });
  }

  async updateStaff(admin: SessionUser, staffId: string, request: UpdateStaffRequest): Promise<StaffAccount> {
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      const [current] = await tx.query<StaffRow>(
        `SELECT ${STAFF_COLUMNS} FROM staff_accounts WHERE id = $1 AND municipality_id = $2 FOR UPDATE`,
        [staffId, admin.municipalityId],
      );
      if (!current) throw notFound();
      if (current.id === admin.id) {
        if (request.active === false) throw new ServiceError(409, 'conflict', 'You cannot deactivate your own account.');
        if (request.roles !== undefined && !request.roles.includes('admin')) {
          throw new ServiceError(409, 'conflict', 'You cannot remove your own admin role.');
        }
      }
      const [row] = await tx.query<StaffRow>(
        `UPDATE staff_accounts
            SET display_name = COALESCE($3, display_name),
                roles = COALESCE($4::text[], roles),
                active = COALESCE($5, active),
                person_id = CASE WHEN $6::boolean THEN $7 ELSE person_id END
          WHERE id = $1 AND municipality_id = $2
          RETURNING ${STAFF_COLUMNS}`,
        [
          staffId,
          admin.municipalityId,
          request.displayName ?? null,
          request.roles === undefined ? null : [...new Set(request.roles)],
          request.active ?? null,
          request.personId !== undefined,
          request.personId ?? null,
        ],
      );
      if (!row) throw notFound();
      const entry = { municipalityId: admin.municipalityId, actorId: admin.id, objectId: staffId };
      await audit(tx, { ...entry, action: 'staff.updated' });
      if (request.roles !== undefined) await audit(tx, { ...entry, action: 'staff.rolesChanged' });
      if (request.personId !== undefined) await audit(tx, { ...entry, action: 'staff.personLinked' });
      if (request.active === false) {
        await revokeAccountCredentials(tx, staffId, now);
        if (current.active) await audit(tx, { ...entry, action: 'staff.deactivated' });
      }
      if (request.active === true && !current.active) await audit(tx, { ...entry, action: 'staff.reactivated' });
      return toStaffAccount(row);
    });
  }
}
