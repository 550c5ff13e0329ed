// The second step of an office sign-in: the 6-digit code of the authenticator app,
// or one of the recovery codes — or, where the account has one and the browser can, a passkey.
// Everything is checked by the server only; nothing is kept here.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { LoginResponse } from '@shared/protocol';
import { secondFactorCodeSchema, type SecondFactorPending } from '@shared/second-factor';
import { passkeySignInOptions, signInWithPasskey, verifySecondFactor } from './office-api';
import { PasskeyCeremonyFailed, answerWithPasskey, passkeysSupported } from './passkey-ceremony';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { OfficeField } from './OfficeField';

const codeFormSchema = z.strictObject({ code: secondFactorCodeSchema });

export function SecondFactorCodeStep({
  pending,
  onSignedIn,
  onRestart,
}: {
  pending: SecondFactorPending;
  onSignedIn: (login: LoginResponse) => void;
  onRestart: () => void;
}) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const {
    register,
    handleSubmit,
    resetField,
    formState: { errors, isSubmitting },
  } = useForm<{ code: string }>({ resolver: zodResolver(codeFormSchema), defaultValues: { code: '' } });

  const [usingPasskey, setUsingPasskey] = useState(false);
  const offerPasskey = pending.passkey && passkeysSupported();

  const withPasskey = async (): Promise<void> => {
    setFailure(null);
    setUsingPasskey(true);
    try {
      const options = await passkeySignInOptions(pending.pendingToken);
      onSignedIn(await signInWithPasskey(pending.pendingToken, await answerWithPasskey(options)));
    } catch (error) {
      setFailure(error instanceof PasskeyCeremonyFailed ? 'apiErrors.passkeyCancelled' : apiErrorKey(error, 'secondFactor'));
      setUsingPasskey(false);
    }
  };

  const onSubmit = handleSubmit(async ({ code }) => {
    setFailure(null);
    try {
      onSignedIn(await verifySecondFactor(pending.pendingToken, code));
    } catch (error) {
      // A used code is never right again: clear the field for the next one.
      resetField('code');
      setFailure(apiErrorKey(error, 'secondFactor'));
    }
  });

  return (
    <section className="card office-sign-in" aria-labelledby="office-second-factor-title">
      <h2 id="office-second-factor-title">{t('secondFactor.code.title')}</h2>
      <p className="hint">{t('secondFactor.code.intro')}</p>
      {offerPasskey && (
        <div className="actions">
          <button
            type="button"
            className="button button--primary button--large"
            disabled={usingPasskey || isSubmitting}
            onClick={() => void withPasskey()}
          >
            {usingPasskey ? t('secondFactor.passkey.using') : t('secondFactor.passkey.use')}
          </button>
          <span className="hint">{t('secondFactor.passkey.orCode')}</span>
        </div>
      )}
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <OfficeField
          id="office-second-factor-code"
          label={t('secondFactor.code.label')}
          hint={t('secondFactor.code.hint')}
          error={errors.code && t('fieldErrors.required')}
        >
          {(control) => (
            <input {...control} autoComplete="one-time-code" autoCapitalize="characters" spellCheck={false} {...register('code')} />
          )}
        </OfficeField>
        <FormFailure failure={failure} />
        <div className="actions">
          <button type="submit" className="button button--primary button--large" disabled={isSubmitting}>
            {isSubmitting ? t('secondFactor.code.submitting') : t('secondFactor.code.submit')}
          </button>
          <button type="button" className="button" onClick={onRestart}>
            {t('secondFactor.restart')}
          </button>
        </div>
      </form>
    </section>
  );
}
