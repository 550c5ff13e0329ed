// Withdrawal requests (docs/THREAT-MODEL.md, finding M5): a consent withdrawal made by another
// organisation than the one that recorded the case's consent waits for that organisation. Its
// approvers and coordinators (and the municipality's coordinators) list and confirm them.
import { z } from 'zod';
import { UUID_PATTERN } from './ids';

export const withdrawalRequestSchema = z.strictObject({
  /** The stored withdrawal record: the request's id. */
  withdrawalId: z.string(),
  caseNumber: z.string(),
  requestedAt: z.iso.datetime(),
  /** Names of the organisations, as the office knows them. */
  requestingOrganisation: z.string(),
  responsibleOrganisation: z.string(),
});
export type WithdrawalRequest = z.infer<typeof withdrawalRequestSchema>;

export const withdrawalRequestListSchema = z.strictObject({ requests: z.array(withdrawalRequestSchema) });
export type WithdrawalRequestList = z.infer<typeof withdrawalRequestListSchema>;

export const withdrawalRequestParamsSchema = z.strictObject({ withdrawalId: z.string().regex(UUID_PATTERN, { message: 'invalidId' }) });

export const withdrawalConfirmedSchema = z.strictObject({ withdrawnAt: z.iso.datetime() });
export type WithdrawalConfirmed = z.infer<typeof withdrawalConfirmedSchema>;
