// Online sign-in with the staff account. The first sign-in on a tablet needs a
// network; afterwards the session is reused offline until it expires.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { loginRequestSchema, type LoginRequest } from '../../shared/protocol';
import { BackendError, signIn } from '../sync/backend-api';
import { useAppServices } from './AppContext';

type SignInError = 'unauthorized' | 'rateLimited' | 'network' | 'other';

export function SignInScreen({ mode, onSignedIn, onCancel }: { mode: 'first' | 'renew'; onSignedIn: () => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const { storage } = useAppServices();
  const [error, setError] = useState<SignInError | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<LoginRequest>({ resolver: zodResolver(loginRequestSchema), defaultValues: { username: '', password: '' } });

  const onSubmit = handleSubmit(async (credentials) => {
    setError(null);
    try {
      const session = await signIn(credentials);
      await storage.device.saveSession(session);
      onSignedIn();
    } catch (e) {
      const reason = e instanceof BackendError ? e.reason : 'other';
      setError(reason === 'unauthorized' || reason === 'rateLimited' || reason === 'network' ? reason : 'other');
    }
  });

  return (
    <section className="card sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{mode === 'renew' ? t('auth.renewTitle') : t('auth.title')}</h1>
      <p>{mode === 'renew' ? t('auth.renewIntro') : t('auth.intro')}</p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <div className="field">
          <label htmlFor="username">{t('auth.username')}</label>
          <input id="username" autoComplete="username" autoCapitalize="none" spellCheck={false} aria-invalid={errors.username ? true : undefined} {...register('username')} />
          {errors.username && <p className="field__error">{t('auth.errors.required')}</p>}
        </div>
        <div className="field">
          <label htmlFor="password">{t('auth.password')}</label>
          <input id="password" type="password" autoComplete="current-password" aria-invalid={errors.password ? true : undefined} {...register('password')} />
          {errors.password && <p className="field__error">{t('auth.errors.required')}</p>}
        </div>
        {error && (
          <p className="form-error" role="alert">
            {t(`auth.errors.${error}`)}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button--primary button--large" disabled={isSubmitting}>
            {isSubmitting ? t('auth.submitting') : t('auth.submit')}
          </button>
          {onCancel && (
            <button type="button" className="button button--large" onClick={onCancel}>
              {t('app.back')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
