// Admin: a new staff account. Validated with the schema the server uses; the
// initial password goes to the server once and is never kept in the page.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import {
  MIN_PASSWORD_LENGTH,
  createStaffRequestSchema,
  type CreateStaffRequest,
  type Organisation,
  type StaffAccount,
} from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { OfficeField } from './OfficeField';
import { RolesFieldset } from './RolesFieldset';

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

  return (
    <form className="office-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="office-staff-create-title">
      <h3 id="office-staff-create-title">{t('staff.create.title')}</h3>
      <div className="field-row">
        <OfficeField
          id="office-staff-displayName"
          label={t('staff.create.displayName')}
          error={errors.displayName && t(fieldErrorKey(errors.displayName.message))}
        >
          {(control) => <input {...control} autoComplete="off" {...register('displayName')} />}
        </OfficeField>
        <OfficeField
          id="office-staff-username"
          label={t('staff.create.username')}
          error={errors.username && t(fieldErrorKey(errors.username.message))}
          hint={t('staff.create.usernameHint')}
        >
          {(control) => <input {...control} autoComplete="off" autoCapitalize="none" spellCheck={false} {...register('username')} />}
        </OfficeField>
      </div>
      <OfficeField
        id="office-staff-organisationId"
        label={t('staff.create.organisation')}
        // A select offers only valid slugs: any error means nothing was chosen.
        error={errors.organisationId && t('fieldErrors.invalidChoice')}
      >
        {(control) => (
          <>
            <select {...control} {...register('organisationId')}>
              <option value="">{t('choose')}</option>
              {organisations.map((organisation) => (
                <option key={organisation.id} value={organisation.id}>
                  {organisation.name}
                </option>
              ))}
            </select>
            {organisations.length === 0 && <p className="hint">{t('staff.create.noOrganisations')}</p>}
          </>
        )}
      </OfficeField>
      <RolesFieldset
        registration={register('roles')}
        error={errors.roles && t(fieldErrorKey(errors.roles.message))}
        errorId="office-staff-roles-error"
      />
      <OfficeField
        id="office-staff-password"
        label={t('staff.create.password')}
        error={errors.password && t(fieldErrorKey(errors.password.message))}
        hint={t('staff.create.passwordHint', { min: MIN_PASSWORD_LENGTH })}
      >
        {(control) => <input {...control} type="password" autoComplete="off" {...register('password')} />}
      </OfficeField>
      <FormFailure failure={failure} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {t('staff.create.submit')}
        </button>
      </div>
    </form>
  );
}
