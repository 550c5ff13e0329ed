// What a tablet needs to know about its municipality before it works offline
// (GET /api/sync/config): name, HOME sites, districts, welcome items, emergency
// contacts, lock settings, the second-check rule, each organisation's workflows and the referral follow-up weeks. No case data: any session
// of the municipality may read it, bound to a tablet or not.
import type { Database, Queryable } from '../db/database';
import { SYNC_PROTOCOL_VERSION } from '@shared/protocol';
import type { DeviceConfig, SessionUser } from '@shared/protocol';
import { DEFAULT_SECURITY_SETTINGS } from '@shared/security-defaults';
import { DEFAULT_FOUR_EYES_POLICY, type FourEyesPolicy } from '@domain/four-eyes';
import { isRecordKind } from '@shared/records/sync-record';
import { emergencyContacts, emergencyPresentation } from './emergency-settings';
import { isTabletWorkflow, type OrganisationWorkflows } from '@shared/organisation-workflows';
import { ORGANISATION_KINDS, type OrganisationKind } from '@shared/staff-api';
import { defaultWorkflows } from '@domain/organisation-workflows';
import { noResponseWeeksOf } from './referral-service';

/** The municipality's second-check rule (src/domain/four-eyes.ts); the default while it has no settings row. */
export async function fourEyesPolicy(db: Queryable, municipalityId: string): Promise<FourEyesPolicy> {
  const [row] = await db.query<{ four_eyes_kinds: string[]; four_eyes_for_referrals: boolean }>(
    'SELECT four_eyes_kinds, four_eyes_for_referrals FROM municipality_settings WHERE municipality_id = $1',
    [municipalityId],
  );
  if (!row) return DEFAULT_FOUR_EYES_POLICY;
  return {
    kinds: row.four_eyes_kinds.filter(isRecordKind),
    forReferrals: row.four_eyes_for_referrals,
  };
}

/** The contact line on the family's case card, or null while the office has not set one. */
export async function familyContactLine(q: Queryable, municipalityId: string): Promise<string | null> {
  const [row] = await q.query<{ family_contact: string | null }>(
    'SELECT family_contact FROM municipality_settings WHERE municipality_id = $1',
    [municipalityId],
  );
  return row?.family_contact ?? null;
}

/**
 * Every organisation's workflows in the municipality, as its staff get them: the admin's choice, or
 * the default of its kind while there is none (and for a stored list with nothing known left in it).
 */
export async function organisationWorkflows(q: Queryable, municipalityId: string): Promise<OrganisationWorkflows[]> {
  const rows = await q.query<{ id: string; kind: string; workflows: string[] | null }>(
    'SELECT id, kind, workflows FROM organisations WHERE municipality_id = $1 ORDER BY id',
    [municipalityId],
  );
  return rows.map((row) => {
    const chosen = (row.workflows ?? []).filter(isTabletWorkflow);
    const kind: OrganisationKind = (ORGANISATION_KINDS as readonly string[]).includes(row.kind)
      ? (row.kind as OrganisationKind)
      : 'partner';
    return chosen.length > 0
      ? { organisationId: row.id, workflows: chosen, chosen: true }
      : { organisationId: row.id, workflows: defaultWorkflows(kind), chosen: false };
  });
}

/** Optional configuration fields a tablet asked for (CONFIG_FEATURES_PARAM); older tablets parse strictly. */
export interface ConfigFeatures {
  emergencyPresentation: boolean;
  familyContact: boolean;
  organisationWorkflows?: boolean;
  referralFollowUp?: boolean;
}

export class ConfigService {
  constructor(private readonly db: Database) {}

  /**
   * @param features the optional fields the tablet asked for: tablets built before a field
   * existed parse the configuration strictly and would reject it.
   */
  async deviceConfig(
    user: SessionUser,
    now: Date = new Date(),
    features: ConfigFeatures = { emergencyPresentation: false, familyContact: false },
  ): Promise<DeviceConfig> {
    const [municipality] = await this.db.query<{ id: string; name: string }>('SELECT id, name FROM municipalities WHERE id = $1', [
      user.municipalityId,
    ]);
    if (!municipality) throw new Error('session municipality does not exist');
    const sites = await this.db.query<{ id: string; label: string }>(
      'SELECT id, label FROM home_sites WHERE municipality_id = $1 ORDER BY sort_order, label',
      [user.municipalityId],
    );
    const welcomeItems = await this.db.query<{ id: string; label: string }>(
      'SELECT id, label FROM welcome_items WHERE municipality_id = $1 ORDER BY sort_order, label',
      [user.municipalityId],
    );
    const districts = await this.db.query<{ id: string; label: string }>(
      'SELECT id, label FROM districts WHERE municipality_id = $1 ORDER BY sort_order, label',
      [user.municipalityId],
    );
    const contacts = await emergencyContacts(this.db, user.municipalityId);
    const [settings] = await this.db.query<{
      auto_lock_minutes: number;
      max_unlock_attempts: number;
      retention_days_after_sync: number;
    }>(
      `SELECT auto_lock_minutes, max_unlock_attempts, retention_days_after_sync
         FROM municipality_settings WHERE municipality_id = $1`,
      [user.municipalityId],
    );
    const policy = await fourEyesPolicy(this.db, user.municipalityId);
    const familyContact = features.familyContact ? await familyContactLine(this.db, user.municipalityId) : null;
    const workflows = features.organisationWorkflows === true ? await organisationWorkflows(this.db, user.municipalityId) : null;
    const noResponseWeeks = features.referralFollowUp === true ? await noResponseWeeksOf(this.db, user.municipalityId) : null;
    // Accounts the organisation marked as one person: the tablet checks "a different person" as the server does.
    const linked = await this.db.query<{ id: string; person_id: string }>(
      'SELECT id, person_id FROM staff_accounts WHERE municipality_id = $1 AND person_id IS NOT NULL ORDER BY id',
      [user.municipalityId],
    );
    return {
      protocolVersion: SYNC_PROTOCOL_VERSION,
      serverTime: now.toISOString(),
      municipality: { id: municipality.id, name: municipality.name },
      homeSites: sites.map((site) => ({ id: site.id, label: site.label })),
      districts: districts.map((district) => ({ id: district.id, label: district.label })),
      welcomeItems: welcomeItems.map((item) => ({ id: item.id, label: item.label })),
      emergencyContacts: contacts,
      ...(features.emergencyPresentation ? { emergencyPresentation: await emergencyPresentation(this.db, user.municipalityId) } : {}),
      ...(familyContact === null ? {} : { familyContact }),
      ...(workflows === null
        ? {}
        : { organisationWorkflows: workflows.map((entry) => ({ organisationId: entry.organisationId, workflows: entry.workflows })) }),
      ...(noResponseWeeks === null ? {} : { referralNoResponseWeeks: noResponseWeeks }),
      security: {
        autoLockMinutes: settings?.auto_lock_minutes ?? DEFAULT_SECURITY_SETTINGS.autoLockMinutes,
        maxUnlockAttempts: settings?.max_unlock_attempts ?? DEFAULT_SECURITY_SETTINGS.maxUnlockAttempts,
        retentionDaysAfterSync: settings?.retention_days_after_sync ?? DEFAULT_SECURITY_SETTINGS.retentionDaysAfterSync,
      },
      fourEyes: {
        kinds: [...policy.kinds],
        forReferrals: policy.forReferrals,
        linkedAccounts: linked.map((row) => ({ accountId: row.id, personId: row.person_id })),
      },
    };
  }
}
