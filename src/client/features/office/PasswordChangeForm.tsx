// A staff member sets their own password: the current one (or the one-time password from an
// admin's reset), then the new one twice. The strength estimator and its dictionaries are loaded
// only once this form is used (they are large); the server judges again and its verdict counts.
import { useEffect, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { changePasswordRequestSchema } from '@shared/password-api';
import type { PasswordVerdict } from '@domain/password-strength';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { OfficeField } from './OfficeField';

const formSchema = z
  .object({ currentPassword: z.string(), newPassword: z.string(), repeatPassword: z.string() })
  .superRefine((form, context) => {
    const parsed = changePasswordRequestSchema.safeParse({ currentPassword: form.currentPassword, newPassword: form.newPassword });
    for (const issue of parsed.error?.issues ?? []) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    if (form.repeatPassword !== form.newPassword)
      context.addIssue({ code: 'custom', path: ['repeatPassword'], message: 'passwordMismatch' });
  });
type PasswordForm = z.infer<typeof formSchema>;

type Judge = (password: string, personalWords: readonly string[]) => PasswordVerdict;

export function PasswordChangeForm({
  api,
  forced,
  onChanged,
  onCancel,
}: {
  api: OfficeConnection;
  /** After a one-time password: nothing else is possible until a new password is set. */
  forced: boolean;
  onChanged: () => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [judge, setJudge] = useState<Judge | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    control,
    formState: { errors, isSubmitting },
  } = useForm<PasswordForm>({
    resolver: zodResolver(formSchema),
    defaultValues: { currentPassword: '', newPassword: '', repeatPassword: '' },
  });
  const newPassword = useWatch({ control, name: 'newPassword' });

  // Loaded once the person starts typing a new password: its own chunk, never in the tablet's start.
  const wantsJudge = newPassword !== '' && judge === null;
  useEffect(() => {
    if (!wantsJudge) return;
    let current = true;
    void import('@domain/password-strength').then((module) => {
      if (current) setJudge(() => module.judgePassword);
    });
    return () => {
      current = false;
    };
  }, [wantsJudge]);
  const words = [api.user.displayName, ...api.user.displayName.split(/\s+/), api.user.municipalityId];
  const verdict = judge !== null && newPassword !== '' ? judge(newPassword, words) : null;

  const onSubmit = handleSubmit(async ({ currentPassword, newPassword: chosen }) => {
    setFailure(null);
    try {
      await api.changePassword({ currentPassword, newPassword: chosen });
      onChanged();
    } catch (error) {
      applyServerIssues(error, ['currentPassword', 'newPassword'], setError);
      setFailure(apiErrorKey(error, 'load'));
    }
  });

  const fieldError = (message: string | undefined) => (message === undefined ? undefined : t(fieldErrorKey(message), { min: 12 }));

  return (
    <section className="card office-panel" aria-labelledby="office-password-title" data-testid="office-password-change">
      <h2 id="office-password-title">{forced ? t('password.forcedTitle') : t('password.title')}</h2>
      <p className="hint">{forced ? t('password.forcedIntro') : t('password.intro')}</p>
      <form className="office-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <OfficeField
          id="office-password-current"
          label={forced ? t('password.oneTimePassword') : t('password.current')}
          error={fieldError(errors.currentPassword?.message)}
        >
          {(control) => <input {...control} type="password" autoComplete="off" {...register('currentPassword')} />}
        </OfficeField>
        <OfficeField
          id="office-password-new"
          label={t('password.new')}
          hint={t('password.newHint', { min: 12 })}
          error={fieldError(errors.newPassword?.message)}
        >
          {(control) => <input {...control} type="password" autoComplete="off" {...register('newPassword')} />}
        </OfficeField>
        {verdict !== null && (
          <div className="password-strength" data-testid="password-strength" data-score={verdict.score}>
            <meter min={0} max={4} low={2} high={3} optimum={4} value={verdict.score} aria-label={t('password.strengthLabel')} />
            <p className={verdict.acceptable ? 'hint' : 'field__error'} aria-live="polite">
              {/* The same rule as the field error (after the server's answer) is not said twice. */}
              {verdict.problem === null
                ? t('password.strong')
                : errors.newPassword?.message === verdict.problem
                  ? null
                  : t(fieldErrorKey(verdict.problem), { min: 12 })}
              {verdict.warning !== null && ` ${verdict.warning}`}
            </p>
          </div>
        )}
        <OfficeField id="office-password-repeat" label={t('password.repeat')} error={fieldError(errors.repeatPassword?.message)}>
          {(control) => <input {...control} type="password" autoComplete="off" {...register('repeatPassword')} />}
        </OfficeField>
        <FormFailure failure={failure} />
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting}>
            {isSubmitting ? t('password.submitting') : t('password.submit')}
          </button>
          {onCancel !== undefined && (
            <button type="button" className="button" onClick={onCancel}>
              {t('cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
