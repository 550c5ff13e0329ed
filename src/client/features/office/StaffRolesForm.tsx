// Admin: change one account's roles (PATCH with the shared update schema).
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { updateStaffRequestSchema, type StaffAccount, type UpdateStaffRequest } from '../../../shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { RolesFieldset } from './RolesFieldset';

type RolesForm = z.input<typeof updateStaffRequestSchema>;
const FIELDS = ['roles'] as const;

export function StaffRolesForm({
  api,
  account,
  onSaved,
  onCancel,
}: {
  api: OfficeConnection;
  account: StaffAccount;
  onSaved: (account: StaffAccount) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<RolesForm, unknown, UpdateStaffRequest>({
    resolver: zodResolver(updateStaffRequestSchema),
    defaultValues: { roles: [...account.roles] },
  });

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      onSaved(await api.updateStaff(account.id, body));
    } catch (error) {
      applyServerIssues(error, FIELDS, setError);
      setFailure(apiErrorKey(error, 'load'));
    }
  });

  return (
    <form className="office-form office-form--inset" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="office-staff-roles-title">
      <h3 id="office-staff-roles-title" ref={heading} tabIndex={-1}>
        {t('staff.edit.title', { name: account.displayName })}
      </h3>
      <RolesFieldset registration={register('roles')} error={errors.roles && t(fieldErrorKey(errors.roles.message))} />
      <FormFailure failure={failure} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {t('staff.edit.submit')}
        </button>
        <button type="button" className="button" disabled={isSubmitting} onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
