// Turns API failures and zod message keys into keys of the 'office' namespace.
// Typed unions, so a missing translation is a compile error, not a blank line.
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { RequestError } from '../../http/request';

const FIELD_ERROR_KEYS = [
  'required',
  'tooLong',
  'invalidSlug',
  'invalidUsername',
  'invalidPersonId',
  'rolesRequired',
  'passwordTooShort',
  'passwordCommon',
  'passwordWeak',
  'passwordUnchanged',
  'passwordMismatch',
  'wrongPassword',
  'invalidChoice',
  'emptyUpdate',
  'outOfRange',
  'invalidNumber',
] as const;
type FieldErrorKey = (typeof FIELD_ERROR_KEYS)[number] | 'invalid';

/** The shared schemas carry message keys ('invalidSlug', …); anything else is a generic "check this". */
export function fieldErrorKey(message: string | undefined): `fieldErrors.${FieldErrorKey}` {
  const key = FIELD_ERROR_KEYS.find((k) => k === message) ?? 'invalid';
  return `fieldErrors.${key}`;
}

/** What the failed request was about: a 409 means something different for each. */
export type OfficeAction = 'signIn' | 'secondFactor' | 'organisation' | 'staff' | 'device' | 'load';

export type ApiErrorKey = `apiErrors.${
  | 'unauthorized'
  | 'rateLimited'
  | 'network'
  | 'forbidden'
  | 'notFound'
  | 'organisationConflict'
  | 'staffConflict'
  | 'deviceConflict'
  | 'conflict'
  | 'invalidRequest'
  | 'invalidResponse'
  | 'wrongPassword'
  | 'weakPassword'
  | 'passwordExpired'
  | 'passwordChangeRequired'
  | 'selfConfirmation'
  | 'secondFactorWrong'
  | 'secondFactorReplayed'
  | 'secondFactorMalformed'
  | 'secondFactorExpired'
  | 'passkeyRefused'
  | 'passkeysUnavailable'
  | 'passkeyCancelled'
  | 'lastSecondFactor'
  | 'other'}`;

export function apiErrorKey(error: unknown, action: OfficeAction): ApiErrorKey {
  if (!(error instanceof RequestError)) return 'apiErrors.other';
  switch (error.reason) {
    case 'wrongPassword':
    case 'weakPassword':
    case 'passwordExpired':
    case 'passwordChangeRequired':
    case 'selfConfirmation':
    case 'network':
    case 'rateLimited':
    case 'forbidden':
    case 'notFound':
    case 'invalidResponse':
      return `apiErrors.${error.reason}`;
    case 'timeout':
      // No answer in time reads to a person like no network.
      return 'apiErrors.network';
    case 'secondFactorWrong':
    case 'secondFactorReplayed':
    case 'secondFactorMalformed':
    case 'passkeyRefused':
    case 'passkeysUnavailable':
    case 'lastSecondFactor':
      return `apiErrors.${error.reason}`;
    case 'unauthorized':
      // The pending sign-in ended (expired, or too many wrong codes): the password is needed again.
      if (action === 'secondFactor') return 'apiErrors.secondFactorExpired';
      // Outside the sign-in form a 401 has already sent the person back to it.
      return action === 'signIn' ? 'apiErrors.unauthorized' : 'apiErrors.other';
    case 'conflict':
    case 'deviceRevoked':
      if (action === 'organisation') return 'apiErrors.organisationConflict';
      if (action === 'staff') return 'apiErrors.staffConflict';
      if (action === 'device') return 'apiErrors.deviceConflict';
      return 'apiErrors.conflict';
    case 'invalidRequest':
    case 'malformedJson':
      return 'apiErrors.invalidRequest';
    default:
      return 'apiErrors.other';
  }
}

/**
 * A 400 from the server names fields with the same message keys the client
 * schema uses; mark those fields so the message appears next to them.
 */
export function applyServerIssues<T extends FieldValues>(error: unknown, fields: readonly Path<T>[], setError: UseFormSetError<T>): void {
  if (!(error instanceof RequestError)) return;
  for (const issue of error.issues) {
    const field = fields.find((f) => f === issue.path || issue.path.startsWith(`${f}.`) || issue.path.startsWith(`/${f}`));
    if (field !== undefined) setError(field, { type: 'server', message: issue.message });
  }
}
