// Contract of the staff-facing API beyond sync: tablet enrollment and status,
// signing-key enrollment, and the admin's management of organisations and
// staff accounts. Client forms and server routes validate with these schemas.
import { z } from 'zod';
import { recordIdSchema } from './records/sync-record';
import { FAMILY_CONTACT_MAX_LENGTH, ROLES } from './protocol';
import { MAX_FLEET_WARNING_DAYS, appVersionSchema, deviceFleetStateSchema, deviceReportSchema } from './fleet';
import { emergencyInstructionSettingsSchema } from './emergency-instruction';
import { SESSION_SETTING_LIMITS } from './security-defaults';

export const ORGANISATION_KINDS = ['clinic', 'family-support', 'home-project', 'mediator-pool', 'partner', 'coordination'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidSlug' });
const label = z.string().trim().min(1, { message: 'required' }).max(120, { message: 'tooLong' });
const base64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(4096);

// ── Devices ────────────────────────────────────────────────────────────────

export const enrollDeviceRequestSchema = z.strictObject({
  /** Generated on the tablet (UUIDv7). */
  deviceId: recordIdSchema,
  /** A label the coordinator recognises, e.g. "Station 3, Tablet 2". No personal data. */
  label,
});
export type EnrollDeviceRequest = z.infer<typeof enrollDeviceRequestSchema>;

export const deviceSchema = z.strictObject({
  deviceId: recordIdSchema,
  municipalityId: z.string(),
  organisationId: z.string(),
  label: z.string(),
  enrolledAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});
export type Device = z.infer<typeof deviceSchema>;

export const enrollDeviceResponseSchema = z.strictObject({
  device: deviceSchema,
  /** Proves the tablet in status checks; stored only hashed on the server. */
  deviceSecret: base64url,
  /** Wraps the tablet's data key in escrow; never stored on the tablet. 32 bytes, base64url. */
  deviceEscrowKey: base64url,
});
export type EnrollDeviceResponse = z.infer<typeof enrollDeviceResponseSchema>;

export const deviceStatusRequestSchema = z.strictObject({
  deviceId: recordIdSchema,
  deviceSecret: base64url,
  /** Counts and times about the tablet (shared/fleet.ts); tablets from before the fleet view send none. */
  report: deviceReportSchema.optional(),
});
export const DEVICE_STATUSES = ['active', 'revoked', 'unknown'] as const;
export const deviceStatusResponseSchema = z.strictObject({
  status: z.enum(DEVICE_STATUSES),
  /**
   * Staff accounts of the tablet's municipality that were deactivated: the
   * tablet deletes their key slots (their offline access ends). Empty unless
   * the status is 'active'.
   */
  deactivatedAccountIds: z.array(z.string()),
  /**
   * After how many days an unsent entry counts as overdue (FLEET_WARNING_DAYS), so the
   * tablet warns when the office does. Sent only to tablets that sent a fleet report:
   * older apps parse this answer strictly and do not know the field.
   */
  unsentWarningDays: z.number().int().min(1).max(MAX_FLEET_WARNING_DAYS).optional(),
});
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/**
 * A tablet in the office's list: with its organisation's name, so coordinators
 * see names rather than ids, and its contact and last report (the fleet view).
 */
export const listedDeviceSchema = deviceSchema.extend({ organisationName: z.string(), fleet: deviceFleetStateSchema });
export type ListedDevice = z.infer<typeof listedDeviceSchema>;
export const deviceListSchema = z.strictObject({
  devices: z.array(listedDeviceSchema),
  /** The rule the warnings were judged by: N days, and the backend's app version. */
  fleetPolicy: z.strictObject({ warningDays: z.int().min(1), currentAppVersion: appVersionSchema }),
});
export type DeviceList = z.infer<typeof deviceListSchema>;

// ── Signing keys (per person and tablet, for four-eyes approval) ───────────

export const enrollSigningKeyRequestSchema = z.strictObject({
  deviceId: recordIdSchema,
  /** ECDSA P-256 public key, SPKI, base64url. */
  publicKey: base64url,
});
export const signingKeySchema = z.strictObject({
  keyId: z.string(),
  accountId: z.string(),
  deviceId: recordIdSchema,
  publicKey: base64url,
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});
export type SigningKey = z.infer<typeof signingKeySchema>;

// ── Admin: organisations and staff ─────────────────────────────────────────

export const organisationSchema = z.strictObject({
  id: slug,
  municipalityId: z.string(),
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
});
export type Organisation = z.infer<typeof organisationSchema>;

export const createOrganisationRequestSchema = z.strictObject({
  id: slug,
  name: label,
  kind: z.enum(ORGANISATION_KINDS, { error: 'invalidChoice' }),
});
export type CreateOrganisationRequest = z.infer<typeof createOrganisationRequestSchema>;

export const staffAccountSchema = z.strictObject({
  id: z.string(),
  municipalityId: z.string(),
  organisationId: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  active: z.boolean(),
  /** Accounts of one human being share a person id (four-eyes: none approves the other); null = its own person. */
  personId: z.string().nullable(),
});
export type StaffAccount = z.infer<typeof staffAccountSchema>;

export const MIN_PASSWORD_LENGTH = 12;

export const createStaffRequestSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,62}$/, { message: 'invalidUsername' }),
  displayName: label,
  organisationId: slug,
  roles: z.array(z.enum(ROLES)).min(1, { message: 'rolesRequired' }),
  /** Initial password, at least 12 characters; the person changes it later. */
  password: z.string().min(MIN_PASSWORD_LENGTH, { message: 'passwordTooShort' }).max(200),
});
export type CreateStaffRequest = z.infer<typeof createStaffRequestSchema>;

export const updateStaffRequestSchema = z
  .strictObject({
    displayName: label.optional(),
    roles: z.array(z.enum(ROLES)).min(1, { message: 'rolesRequired' }).optional(),
    /** false deactivates: sessions, refresh tokens and signing keys are revoked everywhere. */
    active: z.boolean().optional(),
    /** Marks accounts of the same human being (e.g. two jobs, two accounts); null clears it. */
    personId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, { message: 'invalidPersonId' })
      .nullable()
      .optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'emptyUpdate' });
export type UpdateStaffRequest = z.infer<typeof updateStaffRequestSchema>;

export const organisationListSchema = z.strictObject({ organisations: z.array(organisationSchema) });
export const staffListSchema = z.strictObject({ staff: z.array(staffAccountSchema) });

// ── Admin: the municipality's settings ─────────────────────────────────────

/** Kinds that can be put under the second check: anonymous counts have nothing to check. */
export const CHECKABLE_KINDS = ['screening', 'welcomeVisit', 'homeContact', 'mediation'] as const;

function sessionSetting(name: keyof typeof SESSION_SETTING_LIMITS) {
  const { min, max } = SESSION_SETTING_LIMITS[name];
  return z.int({ error: 'invalidNumber' }).min(min, { message: 'outOfRange' }).max(max, { message: 'outOfRange' }).optional();
}

export const municipalitySettingsSchema = z.strictObject({
  /** Tablets lock after this many minutes without a touch. */
  autoLockMinutes: z.int({ error: 'invalidNumber' }).min(1, { message: 'outOfRange' }).max(60, { message: 'outOfRange' }),
  /** Wrong unlocks before a person's key slot is wiped on a tablet. */
  maxUnlockAttempts: z.int({ error: 'invalidNumber' }).min(3, { message: 'outOfRange' }).max(50, { message: 'outOfRange' }),
  /** Days a sent (and approved) record's content stays on the tablet. */
  retentionDaysAfterSync: z.int({ error: 'invalidNumber' }).min(0, { message: 'outOfRange' }).max(30, { message: 'outOfRange' }),
  /** Record kinds that always need the second check (four-eyes). */
  fourEyesKinds: z
    .array(z.enum(CHECKABLE_KINDS, { error: 'invalidChoice' }))
    .refine((kinds) => new Set(kinds).size === kinds.length, { message: 'invalidChoice' }),
  /** Whether any record that recommends offers needs it too. */
  fourEyesForReferrals: z.boolean(),
  /**
   * How long a sign-in may last (services/auth-service.ts): the office locks after so many minutes
   * without activity or hidden; a sign-in ends after so many hours in the office, days on a tablet,
   * however often it is renewed. A PUT without one leaves it as it is; a GET always has them.
   */
  officeLockMinutes: sessionSetting('officeLockMinutes'),
  officeSessionHours: sessionSetting('officeSessionHours'),
  tabletSessionDays: sessionSetting('tabletSessionDays'),
  /**
   * What welcome visitors hand over, in this order (empty: the built-in list). A PUT without it
   * leaves the list as it is. An id stays the same as long as its item exists (records name ids).
   */
  welcomeItems: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-zA-Z0-9-]{0,62}$/, { message: 'invalidSlug' }),
        label: z.string().trim().min(1, { message: 'required' }).max(120, { message: 'tooLong' }),
      }),
    )
    .max(20, { message: 'tooMany' })
    .refine((items) => new Set(items.map((item) => item.id)).size === items.length, { message: 'duplicateItem' })
    .optional(),
  /**
   * The acute-danger instruction on the tablets (src/shared/emergency-instruction.ts). A PUT without
   * it leaves it as it is; a GET omits it while the municipality has no emergency number stored.
   */
  emergencyInstruction: emergencyInstructionSettingsSchema.optional(),
  /**
   * The contact line printed on the family's case card; null or empty: none. A PUT without it
   * leaves it as it is; a GET omits it while none is set.
   */
  familyContact: z.string().trim().max(FAMILY_CONTACT_MAX_LENGTH, { message: 'tooLong' }).nullable().optional(),
});
export type MunicipalitySettings = z.infer<typeof municipalitySettingsSchema>;
