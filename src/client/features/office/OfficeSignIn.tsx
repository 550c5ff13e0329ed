// Sign-in to the office area: a session of its own, without a device, held in
// memory only. Closing the area or reloading the page ends it. When the password
// step asks for the second factor, the code step (or its first set-up) follows.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { loginRequestSchema, type LoginRequest, type LoginResponse } from '@shared/protocol';
import { isSecondFactorPending, type SecondFactorPending } from '@shared/second-factor';
import { signInToOffice } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { OfficeField } from './OfficeField';
import { SecondFactorCodeStep } from './SecondFactorCodeStep';
import { SecondFactorEnrolment } from './SecondFactorEnrolment';

export function OfficeSignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (login: LoginResponse) => void }) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [pending, setPending] = useState<SecondFactorPending | null>(null);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<LoginRequest>({ resolver: zodResolver(loginRequestSchema), defaultValues: { username: '', password: '' } });

  const onSubmit = handleSubmit(async ({ username, password }) => {
    setFailure(null);
    try {
      const answer = await signInToOffice({ username, password });
      // The password is not needed any more, whatever comes next.
      reset({ username, password: '' });
      if (isSecondFactorPending(answer)) setPending(answer);
      else onSignedIn(answer);
    } catch (error) {
      setFailure(apiErrorKey(error, 'signIn'));
    }
  });

  const restart = (): void => {
    setPending(null);
  };
  if (pending?.secondFactor === 'verify') return <SecondFactorCodeStep pending={pending} onSignedIn={onSignedIn} onRestart={restart} />;
  if (pending?.secondFactor === 'enrol') return <SecondFactorEnrolment pending={pending} onSignedIn={onSignedIn} onRestart={restart} />;

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
        <OfficeField id="office-username" label={t('signIn.username')} error={errors.username && t('fieldErrors.required')}>
          {(control) => <input {...control} autoComplete="off" autoCapitalize="none" spellCheck={false} {...register('username')} />}
        </OfficeField>
        <OfficeField id="office-password" label={t('signIn.password')} error={errors.password && t('fieldErrors.required')}>
          {(control) => <input {...control} type="password" autoComplete="off" {...register('password')} />}
        </OfficeField>
        <FormFailure failure={failure} />
        <div className="actions">
          <button type="submit" className="button button--primary button--large" disabled={isSubmitting}>
            {isSubmitting ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
