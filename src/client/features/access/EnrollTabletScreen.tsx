// A coordinator enrolls this tablet once, online: the backend registers it to
// their organisation, and the tablet creates its data key (held only in escrow
// until the first person sets a passphrase). The coordinator's session is not kept.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoginResponse } from '@shared/protocol';
import { enrollDevice, signOut } from '../../sync/backend-api';
import { RequestError } from '../../http/request';
import type { Storage } from '../../storage';
import { requestPersistentStorage } from '../../storage/persistence';
import { needsSecureConnection } from '../../app/secure-context';
import { SecureConnectionNotice } from './SecureConnectionNotice';
import { StaffSignInForm } from './StaffSignInForm';

export function EnrollTabletScreen({ storage, onEnrolled, onCancel }: { storage: Storage; onEnrolled: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [label, setLabel] = useState('');
  const [error, setError] = useState<'label' | 'forbidden' | 'failed' | 'insecure' | null>(null);

  const enrol = async (session: LoginResponse): Promise<void> => {
    setError(null);
    const trimmed = label.trim();
    if (trimmed.length === 0) {
      setError('label');
      return;
    }
    try {
      const deviceId = await storage.device.deviceId();
      const enrolled = await enrollDevice(session.token, { deviceId, label: trimmed });
      await storage.vault.provision(enrolled.deviceEscrowKey);
      await storage.device.saveEnrollment({
        deviceId,
        deviceSecret: enrolled.deviceSecret,
        label: enrolled.device.label,
        municipalityId: enrolled.device.municipalityId,
        organisationId: enrolled.device.organisationId,
        enrolledAt: enrolled.device.enrolledAt,
      });
      void requestPersistentStorage();
      onEnrolled();
    } catch (e) {
      if (e instanceof RequestError && e.status === 409) await storage.device.renewDeviceId(); // answer lost earlier: retry with a fresh id
      // Without a secure origin the vault cannot create its key: say that, not "try again".
      setError(e instanceof RequestError && e.status === 403 ? 'forbidden' : needsSecureConnection() ? 'insecure' : 'failed');
    } finally {
      await signOut(session.token).catch(() => undefined);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="enrol-title">
      <h1 id="enrol-title">{t('access.enrolTitle')}</h1>
      {needsSecureConnection() ? <SecureConnectionNotice /> : <p>{t('access.enrolIntro')}</p>}
      <StaffSignInForm submitLabel={t('access.enrolSubmit')} onSignedIn={enrol}>
        <div className="field">
          <label htmlFor="tablet-label">{t('access.tabletLabel')}</label>
          <input
            id="tablet-label"
            value={label}
            maxLength={120}
            onChange={(e) => {
              setLabel(e.target.value);
            }}
            aria-describedby="tablet-label-hint"
          />
          <p id="tablet-label-hint" className="hint">
            {t('access.tabletLabelHint')}
          </p>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {t(`access.enrolError.${error}`)}
          </p>
        )}
      </StaffSignInForm>
      <button type="button" className="button" onClick={onCancel}>
        {t('app.back')}
      </button>
    </section>
  );
}
