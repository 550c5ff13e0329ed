// Online sign-in with a staff account (username + password), used for the
// first sign-in of a person on this tablet, to renew an expired session, and
// by the coordinator enrolling the tablet.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { loginRequestSchema, type LoginRequest, type LoginResponse } from '@shared/protocol';
import { signIn } from '../../sync/backend-api';
import { RequestError } from '../../http/request';
import { useAppServices } from '../../app/AppContext';

type SignInError = 'unauthorized' | 'rateLimited' | 'network' | 'deviceRevoked' | 'other';

export function StaffSignInForm({
  bindToTablet = false,
  submitLabel,
  onSignedIn,
  children,
}: {
  /** Sign in on this enrolled tablet: sends its id and secret as proof (binds the session, yields the escrow key). */
  bindToTablet?: boolean;
  submitLabel?: string;
  onSignedIn: (response: LoginResponse) => Promise<void> | void;
  children?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const { storage, reportDeviceRevoked } = useAppServices();
  const [error, setError] = useState<SignInError | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<LoginRequest>({ resolver: zodResolver(loginRequestSchema), defaultValues: { username: '', password: '' } });

  const onSubmit = handleSubmit(async (credentials) => {
    setError(null);
    try {
      const enrollment = bindToTablet ? await storage.device.enrollment() : undefined;
      const response = await signIn({
        ...credentials,
        ...(enrollment === undefined ? {} : { deviceId: enrollment.deviceId, deviceSecret: enrollment.deviceSecret }),
      });
      await onSignedIn(response);
    } catch (e) {
      const reason = e instanceof RequestError ? (e.reason === 'timeout' ? 'network' : e.reason) : 'other';
      if (reason === 'deviceRevoked') reportDeviceRevoked?.();
      setError(
        reason === 'unauthorized' || reason === 'rateLimited' || reason === 'network' || reason === 'deviceRevoked' ? reason : 'other',
      );
    }
  });

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate>
      <div className="field">
        <label htmlFor="username">{t('auth.username')}</label>
        <input
          id="username"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          aria-invalid={errors.username ? true : undefined}
          {...register('username')}
        />
        {errors.username && <p className="field__error">{t('auth.errors.required')}</p>}
      </div>
      <div className="field">
        <label htmlFor="password">{t('auth.password')}</label>
        <input
          id="password"
          type="password"
          autoComplete="off"
          aria-invalid={errors.password ? true : undefined}
          {...register('password')}
        />
        {errors.password && <p className="field__error">{t('auth.errors.required')}</p>}
      </div>
      {children}
      {error && (
        <p className="form-error" role="alert">
          {t(`auth.errors.${error}`)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button--primary button--large" disabled={isSubmitting}>
          {isSubmitting ? t('auth.submitting') : (submitLabel ?? t('auth.submit'))}
        </button>
      </div>
    </form>
  );
}
