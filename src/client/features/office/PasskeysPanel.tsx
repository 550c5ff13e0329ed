// The signed-in person's own passkeys: listed (never a key), added with the password again,
// removed — but not the last second factor of a role that requires one (the server says so).
// The first second factor of an account comes with recovery codes, shown here once.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { passkeyLabelSchema, type OwnPasskeys } from '@shared/passkeys';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { PasskeyCeremonyFailed, createPasskey, passkeysSupported } from './passkey-ceremony';
import { FormFailure } from './FormFailure';
import { LoadFailure } from './LoadFailure';
import { OfficeField } from './OfficeField';
import { useOfficeData } from './useOfficeData';

const addFormSchema = z.strictObject({ label: passkeyLabelSchema, password: z.string().min(1, { message: 'required' }) });
type AddForm = z.infer<typeof addFormSchema>;

function PasskeyList({ api, own, onChanged }: { api: OfficeConnection; own: OwnPasskeys; onChanged: () => void }) {
  const { t, i18n } = useTranslation('office');
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const date = (iso: string): string => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));

  const remove = async (id: string): Promise<void> => {
    setBusy(id);
    setFailure(null);
    try {
      await api.removePasskey(id);
      onChanged();
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(null);
    }
  };

  if (own.passkeys.length === 0) return <p className="hint">{t('passkeys.empty')}</p>;
  return (
    <>
      <ul className="passkey-list" aria-label={t('passkeys.listLabel')}>
        {own.passkeys.map((passkey) => (
          <li key={passkey.id}>
            <span>
              <strong>{passkey.label}</strong>{' '}
              <span className="hint">
                {t('passkeys.created', { date: date(passkey.createdAt) })}{' '}
                {passkey.lastUsedAt === null ? t('passkeys.neverUsed') : t('passkeys.lastUsed', { date: date(passkey.lastUsedAt) })}
              </span>
            </span>
            <button
              type="button"
              className="button"
              aria-label={t('passkeys.removeLabel', { label: passkey.label })}
              disabled={busy !== null}
              onClick={() => void remove(passkey.id)}
            >
              {busy === passkey.id ? t('passkeys.removing') : t('passkeys.remove')}
            </button>
          </li>
        ))}
      </ul>
      <FormFailure failure={failure} />
    </>
  );
}

function AddPasskey({ api, onAdded }: { api: OfficeConnection; onAdded: (recoveryCodes: string[] | null) => void }) {
  const { t } = useTranslation('office');
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<AddForm>({ resolver: zodResolver(addFormSchema), defaultValues: { label: '', password: '' } });

  const onSubmit = handleSubmit(async ({ label, password }) => {
    setFailure(null);
    try {
      const options = await api.passkeyOptions(password);
      const added = await api.addPasskey(label, await createPasskey(options));
      reset({ label: '', password: '' });
      onAdded(added.recoveryCodes);
    } catch (error) {
      reset({ label, password: '' });
      if (error instanceof PasskeyCeremonyFailed) {
        setFailure('apiErrors.passkeyCancelled');
        return;
      }
      applyServerIssues(error, ['password'], setError);
      setFailure(apiErrorKey(error, 'load'));
    }
  });

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="office-passkey-add-title">
      <h3 id="office-passkey-add-title">{t('passkeys.addTitle')}</h3>
      <OfficeField
        id="office-passkey-label"
        label={t('passkeys.label')}
        hint={t('passkeys.labelHint')}
        error={errors.label && t(fieldErrorKey(errors.label.message))}
      >
        {(control) => <input {...control} autoComplete="off" {...register('label')} />}
      </OfficeField>
      <OfficeField
        id="office-passkey-password"
        label={t('passkeys.password')}
        error={errors.password && t(fieldErrorKey(errors.password.message))}
      >
        {(control) => <input {...control} type="password" autoComplete="off" {...register('password')} />}
      </OfficeField>
      <FormFailure failure={failure} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          {isSubmitting ? t('passkeys.adding') : t('passkeys.add')}
        </button>
      </div>
    </form>
  );
}

export function PasskeysPanel({ api, onClose }: { api: OfficeConnection; onClose: () => void }) {
  const { t } = useTranslation('office');
  const { data, reload } = useOfficeData(() => api.ownPasskeys());
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [added, setAdded] = useState(false);

  if (recoveryCodes !== null) {
    return (
      <section className="card office-panel" aria-labelledby="office-passkey-recovery-title">
        <h2 id="office-passkey-recovery-title">{t('secondFactor.recovery.title')}</h2>
        <p className="hint">{t('secondFactor.recovery.intro')}</p>
        <ol className="recovery-codes" aria-label={t('secondFactor.recovery.listLabel')} dir="ltr">
          {recoveryCodes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <div className="actions">
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setRecoveryCodes(null);
            }}
          >
            {t('secondFactor.recovery.done')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="card office-panel" aria-labelledby="office-passkeys-title">
      <h2 id="office-passkeys-title">{t('passkeys.title')}</h2>
      <p className="hint">{t('passkeys.intro')}</p>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' && (
        <>
          <p>
            {data.value.required ? t('passkeys.required') : t('passkeys.optional')}{' '}
            {data.value.authenticatorApp ? t('passkeys.appSet') : t('passkeys.appNone')}
          </p>
          {added && (
            <p className="notice notice--success" role="status">
              {t('passkeys.added')}
            </p>
          )}
          <PasskeyList
            api={api}
            own={data.value}
            onChanged={() => {
              setAdded(false);
              reload();
            }}
          />
          {!data.value.available ? (
            <p className="hint">{t('passkeys.unavailable')}</p>
          ) : !passkeysSupported() ? (
            <p className="hint">{t('passkeys.unsupported')}</p>
          ) : (
            <AddPasskey
              api={api}
              onAdded={(codes) => {
                setAdded(true);
                setRecoveryCodes(codes);
                reload();
              }}
            />
          )}
        </>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onClose}>
          {t('passkeys.back')}
        </button>
      </div>
    </section>
  );
}
