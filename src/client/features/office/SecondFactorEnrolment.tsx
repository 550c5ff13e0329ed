// Setting up the second factor right after the password, for an account whose role
// requires one: the secret as QR code and as text (shown only here, never again),
// confirmed with a current code — or, where the browser can, a passkey instead; then the
// recovery codes, shown once. Until then
// the office stays closed — the server gives no session before the confirmation.
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { LoginResponse } from '@shared/protocol';
import {
  TOTP_CODE_PATTERN,
  normaliseSecondFactorCode,
  type SecondFactorEnrolment as Enrolment,
  type SecondFactorPending,
} from '@shared/second-factor';
import { QrCodeSvg } from '../family-card/QrCodeSvg';
import { confirmSecondFactorEnrolment, enrolPasskey, passkeyEnrolmentOptions, startSecondFactorEnrolment } from './office-api';
import { PasskeyCeremonyFailed, createPasskey, passkeysSupported } from './passkey-ceremony';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { OfficeField } from './OfficeField';

const confirmFormSchema = z.strictObject({
  code: z.string().refine((typed) => TOTP_CODE_PATTERN.test(normaliseSecondFactorCode(typed)), { message: 'invalidCode' }),
});

/** The secret in groups of four, easier to type into an app by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function SecondFactorEnrolment({
  pending,
  onSignedIn,
  onRestart,
}: {
  pending: SecondFactorPending;
  onSignedIn: (login: LoginResponse) => void;
  onRestart: () => void;
}) {
  const { t } = useTranslation('office');
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [confirmed, setConfirmed] = useState<{ session: LoginResponse; recoveryCodes: string[] } | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const {
    register,
    handleSubmit,
    resetField,
    formState: { errors, isSubmitting },
  } = useForm<{ code: string }>({ resolver: zodResolver(confirmFormSchema), defaultValues: { code: '' } });

  useEffect(() => {
    let current = true;
    startSecondFactorEnrolment(pending.pendingToken)
      .then((started) => {
        if (current) setEnrolment(started);
      })
      .catch((error: unknown) => {
        if (current) setFailure(apiErrorKey(error, 'secondFactor'));
      });
    return () => {
      current = false;
    };
  }, [pending.pendingToken]);

  const [creatingPasskey, setCreatingPasskey] = useState(false);
  const offerPasskey = pending.passkey && passkeysSupported();

  const withPasskey = async (): Promise<void> => {
    setFailure(null);
    setCreatingPasskey(true);
    try {
      const options = await passkeyEnrolmentOptions(pending.pendingToken);
      const done = await enrolPasskey(pending.pendingToken, t('secondFactor.passkey.firstLabel'), await createPasskey(options));
      setEnrolment(null);
      setConfirmed(done);
    } catch (error) {
      setFailure(error instanceof PasskeyCeremonyFailed ? 'apiErrors.passkeyCancelled' : apiErrorKey(error, 'secondFactor'));
    } finally {
      setCreatingPasskey(false);
    }
  };

  const onSubmit = handleSubmit(async ({ code }) => {
    setFailure(null);
    try {
      const done = await confirmSecondFactorEnrolment(pending.pendingToken, code);
      // The secret is no longer needed on this page once the app holds it.
      setEnrolment(null);
      setConfirmed(done);
    } catch (error) {
      resetField('code');
      setFailure(apiErrorKey(error, 'secondFactor'));
    }
  });

  if (confirmed !== null) {
    return (
      <section className="card office-sign-in" aria-labelledby="office-recovery-title">
        <h2 id="office-recovery-title">{t('secondFactor.recovery.title')}</h2>
        <p className="hint">{t('secondFactor.recovery.intro')}</p>
        <ol className="recovery-codes" aria-label={t('secondFactor.recovery.listLabel')} dir="ltr">
          {confirmed.recoveryCodes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <div className="actions">
          <button
            type="button"
            className="button button--primary button--large"
            onClick={() => {
              onSignedIn(confirmed.session);
            }}
          >
            {t('secondFactor.recovery.done')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="card office-sign-in" aria-labelledby="office-enrolment-title">
      <h2 id="office-enrolment-title">{t('secondFactor.enrol.title')}</h2>
      {offerPasskey && (
        <div className="second-factor-choice">
          <h3>{t('secondFactor.passkey.enrolTitle')}</h3>
          <p className="hint">{t('secondFactor.passkey.enrolIntro')}</p>
          <div className="actions">
            <button
              type="button"
              className="button button--primary button--large"
              disabled={creatingPasskey || isSubmitting}
              onClick={() => void withPasskey()}
            >
              {creatingPasskey ? t('secondFactor.passkey.creating') : t('secondFactor.passkey.create')}
            </button>
          </div>
          <h3>{t('secondFactor.passkey.orApp')}</h3>
        </div>
      )}
      <p className="hint">{t('secondFactor.enrol.intro')}</p>
      {enrolment === null ? (
        failure === null && <p role="status">{t('loading')}</p>
      ) : (
        <div className="second-factor-secret">
          <QrCodeSvg className="second-factor-secret__qr" value={enrolment.otpauthUri} label={t('secondFactor.enrol.qrLabel')} />
          <div>
            <p>{t('secondFactor.enrol.secretLabel')}</p>
            <p className="second-factor-secret__text" dir="ltr">
              <code data-testid="second-factor-secret">{grouped(enrolment.secret)}</code>
            </p>
          </div>
        </div>
      )}
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <OfficeField
          id="office-enrolment-code"
          label={t('secondFactor.enrol.codeLabel')}
          error={errors.code && t('apiErrors.secondFactorMalformed')}
        >
          {(control) => <input {...control} autoComplete="one-time-code" inputMode="numeric" spellCheck={false} {...register('code')} />}
        </OfficeField>
        <FormFailure failure={failure} />
        <div className="actions">
          <button type="submit" className="button button--primary button--large" disabled={isSubmitting || enrolment === null}>
            {isSubmitting ? t('secondFactor.enrol.submitting') : t('secondFactor.enrol.submit')}
          </button>
          <button type="button" className="button" onClick={onRestart}>
            {t('secondFactor.restart')}
          </button>
        </div>
      </form>
    </section>
  );
}
