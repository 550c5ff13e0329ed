// Sign-in to the office area: a session of its own, without a device, held in
// memory only. Closing the area or reloading the page ends it.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { loginRequestSchema, type LoginRequest, type LoginResponse } from '../../../shared/protocol';
import { signInToOffice } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';

export function OfficeSignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (login: LoginResponse) => void }) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<LoginRequest>({ resolver: zodResolver(loginRequestSchema), defaultValues: { username: '', password: '' } });

  const onSubmit = handleSubmit(async ({ username, password }) => {
    setFailure(null);
    try {
      onSignedIn(await signInToOffice({ username, password }));
    } catch (error) {
      setFailure(apiErrorKey(error, 'signIn'));
    }
  });

  return (
    <section className="card office-sign-in" aria-labelledby="office-sign-in-title">
      <h2 id="office-sign-in-title">{t('signIn.title')}</h2>
      <p className="hint">{t('signIn.intro')}</p>
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <div className="field">
          <label htmlFor="office-username">{t('signIn.username')}</label>
          <input
            id="office-username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            aria-invalid={errors.username ? true : undefined}
            aria-describedby={errors.username ? 'office-username-error' : undefined}
            {...register('username')}
          />
          {errors.username && (
            <p id="office-username-error" className="field__error">
              {t('fieldErrors.required')}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="office-password">{t('signIn.password')}</label>
          <input
            id="office-password"
            type="password"
            autoComplete="current-password"
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={errors.password ? 'office-password-error' : undefined}
            {...register('password')}
          />
          {errors.password && (
            <p id="office-password-error" className="field__error">
              {t('fieldErrors.required')}
            </p>
          )}
        </div>
        {failure !== null && (
          <p className="form-error" role="alert">
            {t(failure)}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button--primary button--large" disabled={isSubmitting}>
            {isSubmitting ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
