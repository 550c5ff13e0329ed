// Admin: change one account's roles and which person it belongs to (PATCH with
// the shared update schema). Accounts with the same person id never approve
// each other's records (four-eyes, src/domain/four-eyes.ts).
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { updateStaffRequestSchema, type StaffAccount, type UpdateStaffRequest } from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { RolesFieldset } from './RolesFieldset';
import { OfficeField } from './OfficeField';

type RolesForm = z.input<typeof updateStaffRequestSchema>;
const FIELDS = ['roles', 'personId'] as const;

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
    defaultValues: { roles: [...account.roles], personId: account.personId },
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
    <form
      className="office-form office-form--inset"
      onSubmit={(e) => void onSubmit(e)}
      noValidate
      aria-labelledby="office-staff-roles-title"
    >
      <h3 id="office-staff-roles-title" ref={heading} tabIndex={-1}>
        {t('staff.edit.title', { name: account.displayName })}
      </h3>
      <RolesFieldset registration={register('roles')} error={errors.roles && t(fieldErrorKey(errors.roles.message))} />
      <OfficeField
        id="office-staff-person"
        label={t('staff.edit.personId')}
        hint={t('staff.edit.personIdHint')}
        error={errors.personId && t(fieldErrorKey(errors.personId.message))}
      >
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="off"
            spellCheck={false}
            {...register('personId', {
              setValueAs: (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null),
            })}
          />
        )}
      </OfficeField>
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
