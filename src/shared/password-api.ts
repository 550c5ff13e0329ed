// Contract of a staff member's own password change and of an admin's reset to a one-time
// password (docs/THREAT-MODEL.md, "Staff passwords"). The strength rule itself lives in
// src/domain/password-strength.ts; here only what the client form and the route agree on.
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './staff-api';

/** A one-time password from an admin's reset is valid this long (then 401 passwordExpired). */
export const ONE_TIME_PASSWORD_TTL_HOURS = 72;

export const changePasswordRequestSchema = z
  .strictObject({
    currentPassword: z.string().min(1, { message: 'required' }).max(200, { message: 'tooLong' }),
    newPassword: z.string().min(MIN_PASSWORD_LENGTH, { message: 'passwordTooShort' }).max(200, { message: 'tooLong' }),
  })
  .refine((body) => body.newPassword !== body.currentPassword, { message: 'passwordUnchanged', path: ['newPassword'] });
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const passwordResetResponseSchema = z.strictObject({
  /** Shown once to the admin, who hands it over in person; never stored in clear, never logged, never e-mailed. */
  oneTimePassword: z.string(),
  /** After this the one-time password no longer signs in. */
  expiresAt: z.iso.datetime(),
});
export type PasswordResetResponse = z.infer<typeof passwordResetResponseSchema>;
