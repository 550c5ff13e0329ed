// Contract of settings changes that wait for a second admin (M9, src/domain/safeguards.ts): a
// PUT of the settings that weakens a safeguard applies everything else at once (202) and leaves
// the weakened values as one pending change, which another admin confirms or any admin rejects.
import { z } from 'zod';
import { municipalitySettingsSchema } from './staff-api';

/** A pending change that nobody confirmed in this many days lapses. */
export const SAFEGUARD_CHANGE_TTL_DAYS = 7;

/** Only the weakened settings, with their proposed values. */
export const safeguardValuesSchema = municipalitySettingsSchema
  .pick({
    autoLockMinutes: true,
    maxUnlockAttempts: true,
    retentionDaysAfterSync: true,
    fourEyesKinds: true,
    fourEyesForReferrals: true,
    officeLockMinutes: true,
    officeSessionHours: true,
    tabletSessionDays: true,
  })
  .partial();
export type SafeguardValues = z.infer<typeof safeguardValuesSchema>;

export const safeguardChangeSchema = z.strictObject({
  id: z.string(),
  proposedBy: z.strictObject({ id: z.string(), displayName: z.string() }),
  proposedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** The weakened settings' proposed values. */
  proposed: safeguardValuesSchema,
  /** The same settings' values in force now. */
  current: safeguardValuesSchema,
});
export type SafeguardChange = z.infer<typeof safeguardChangeSchema>;

export const pendingSafeguardChangeSchema = z.strictObject({ pending: safeguardChangeSchema.nullable() });
export const safeguardChangeParamsSchema = z.strictObject({ id: z.uuid() });
