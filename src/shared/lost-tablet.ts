// The lost-tablet report (office, coordinator or admin): which case numbers could be on a tablet,
// from what the server knows — what a data-protection officer needs in the first hour after a loss.
// Records saved on the tablet and never sent are unknowable here; the tablet's last report counts them.
import { z } from 'zod';

/**
 * Why a case number could be on the tablet, strongest first:
 * - consent: a consent recorded on it (its content stays on the tablet for later records offline);
 * - awaitingCheck: a record sent from it that awaits its second check or was sent back (content kept);
 * - withinRetention: a record sent from it within the municipality's retention on tablets or the
 *   referral window (content may still be there);
 * - referral: a referral made from a record of it (its state is pulled back to it);
 * - pulledForCheck: a record of another tablet shown on it for a second check in the last days
 *   (held in memory while the screen is open, never stored);
 * - caseNumberOnly: a record sent from it whose content the tablet has dropped: the encrypted
 *   content-free entry still names the case number.
 */
export const TABLET_EXPOSURE_REASONS = [
  'consent',
  'awaitingCheck',
  'withinRetention',
  'referral',
  'pulledForCheck',
  'caseNumberOnly',
] as const;
export type TabletExposureReason = (typeof TABLET_EXPOSURE_REASONS)[number];

/** Days back in which a review-queue read on the tablet is listed. */
export const PULLED_FOR_CHECK_DAYS = 7;

export const tabletExposureSchema = z.strictObject({
  device: z.strictObject({
    deviceId: z.string(),
    label: z.string(),
    organisationName: z.string().nullable(),
    enrolledAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  }),
  /** The server's time of the report. */
  generatedAt: z.iso.datetime(),
  /** Last status check, push or sign-in of the tablet; null if it never made contact. */
  lastContactAt: z.iso.datetime().nullable(),
  lastPushAt: z.iso.datetime().nullable(),
  /** Unsent records and drafts the tablet reported at its last status check; null without a report. */
  reportedUnsent: z.strictObject({ unsentCount: z.int(), draftCount: z.int(), reportedAt: z.iso.datetime() }).nullable(),
  /** The retention on tablets in force (days after sync) and the window used for withinRetention. */
  retentionDaysAfterSync: z.int(),
  windowDays: z.int(),
  /** People who signed in on the tablet (display names), most recent first. */
  signedInStaff: z.array(z.strictObject({ displayName: z.string(), lastSignInAt: z.iso.datetime() })),
  cases: z.array(
    z.strictObject({
      caseNumber: z.string(),
      reasons: z.array(z.enum(TABLET_EXPOSURE_REASONS)).min(1),
      /** The most recent thing the server knows of this case on this tablet. */
      lastAt: z.iso.datetime(),
    }),
  ),
});
export type TabletExposure = z.infer<typeof tabletExposureSchema>;
