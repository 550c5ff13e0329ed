// Admin: a new staff account. Validated with the schema the server uses; the
// initial password goes to the server once and is never kept in the page.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ROLES } from '../../../shared/protocol';
import {
  MIN_PASSWORD_LENGTH,
  createStaffRequestSchema,
  type CreateStaffRequest,
  type Organisation,
  type StaffAccount,
} from '../../../shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';

type StaffForm = z.input<typeof createStaffRequestSchema>;
const FIELDS = ['username', 'displayName', 'organisationId', 'roles', 'password'] as const;
const EMPTY: StaffForm = { username: '', displayName: '', organisationId: '', roles: [], password: '' };

export function StaffCreateForm({
  api,
  organisations,
  onCreated,
}: {
  api: OfficeConnection;
  organisations: readonly Organisation[];
  onCreated: (account: StaffAccount) => void;
}) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<StaffForm, unknown, CreateStaffRequest>({
    resolver: zodResolver(createStaffRequestSchema),
    defaultValues: EMPTY,
  });

  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      const account = await api.createStaff(body);
      reset(EMPTY);
      onCreated(account);
    } catch (error) {
      applyServerIssues(error, FIELDS, setError);
      setFailure(apiErrorKey(error, 'staff'));
    }
  });

  const describedBy = (field: (typeof FIELDS)[number], hint?: string): string | undefined => {
    const ids = [hint, errors[field] ? `office-staff-${field}-error` : undefined].filter((id) => id !== undefined);
    return ids.length > 0 ? ids.join(' ') : undefined;
  };

  return (
    <form className="office-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="office-staff-create-title">
      <h3 id="office-staff-create-title">{t('staff.create.title')}</h3>
      <div className="field-row">
        <div className="field">
          <label htmlFor="office-staff-displayName">{t('staff.create.displayName')}</label>
          <input
            id="office-staff-displayName"
            autoComplete="off"
            aria-invalid={errors.displayName ? true : undefined}
            aria-describedby={describedBy('displayName')}
            {...register('displayName')}
          />
          {errors.displayName && (
            <p id="office-staff-displayName-error" className="field__error">
              {t(fieldErrorKey(errors.displayName.message))}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="office-staff-username">{t('staff.create.username')}</label>
          <input
            id="office-staff-username"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-invalid={errors.username ? true : undefined}
            aria-describedby={describedBy('username', 'office-staff-username-hint')}
            {...register('username')}
          />
          <p id="office-staff-username-hint" className="hint">
            {t('staff.create.usernameHint')}
          </p>
          {errors.username && (
            <p id="office-staff-username-error" className="field__error">
              {t(fieldErrorKey(errors.username.message))}
            </p>
          )}
        </div>
      </div>
      <div className="field">
        <label htmlFor="office-staff-organisationId">{t('staff.create.organisation')}</label>
        <select
          id="office-staff-organisationId"
          aria-invalid={errors.organisationId ? true : undefined}
          aria-describedby={describedBy('organisationId')}
          {...register('organisationId')}
        >
          <option value="">{t('choose')}</option>
          {organisations.map((organisation) => (
            <option key={organisation.id} value={organisation.id}>
              {organisation.name}
            </option>
          ))}
        </select>
        {organisations.length === 0 && <p className="hint">{t('staff.create.noOrganisations')}</p>}
        {errors.organisationId && (
          <p id="office-staff-organisationId-error" className="field__error">
            {/* A select offers only valid slugs: any error means nothing was chosen. */}
            {t('fieldErrors.invalidChoice')}
          </p>
        )}
      </div>
      <fieldset className="choice-group" aria-invalid={errors.roles ? true : undefined} aria-describedby={describedBy('roles')}>
        <legend>{t('staff.create.roles')}</legend>
        <div className="choices">
          {ROLES.map((role) => (
            <label key={role} className="choice">
              <input type="checkbox" value={role} {...register('roles')} />
              <span>{t(`roles.${role}`)}</span>
            </label>
          ))}
        </div>
        {errors.roles && (
          <p id="office-staff-roles-error" className="field__error">
            {t(fieldErrorKey(errors.roles.message))}
          </p>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor="office-staff-password">{t('staff.create.password')}</label>
        <input
          id="office-staff-password"
          type="password"
          autoComplete="new-password"
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={describedBy('password', 'office-staff-password-hint')}
          {...register('password')}
        />
        <p id="office-staff-password-hint" className="hint">
          {t('staff.create.passwordHint', { min: MIN_PASSWORD_LENGTH })}
        </p>
        {errors.password && (
          <p id="office-staff-password-error" className="field__error">
            {t(fieldErrorKey(errors.password.message))}
          </p>
        )}
      </div>
      {failure !== null && (
        <p className="form-error" role="alert">
          {t(failure)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {t('staff.create.submit')}
        </button>
      </div>
    </form>
  );
}
