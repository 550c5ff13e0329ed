// A person's first sign-in on this tablet (online): username and password,
// then the offline passphrase. Creates their key slot and signing key, and
// enrolls the public key with the backend — and says so if that failed, with a
// retry (without it the person cannot make second checks here and colleagues
// cannot send their records). Also renews an expired session.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TABLET_ROLES, type LoginResponse } from '@shared/protocol';
import { refreshConfig } from '../../sync';
import { ensureSigningKeyEnrolled } from '../../sync/signing-key-enrollment';
import type { Storage } from '../../storage';
import { requestPersistentStorage } from '../../storage/persistence';
import { SetPassphraseForm } from './SetPassphraseForm';

import { StaffSignInForm } from './StaffSignInForm';

export function FirstSignInScreen({
  storage,
  deviceId,
  mode,
  onDone,
  onCancel,
}: {
  storage: Storage;
  deviceId: string;
  mode: 'first' | 'renew';
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [pending, setPending] = useState<LoginResponse | null>(null);
  const [problem, setProblem] = useState<'otherPerson' | 'noEscrow' | 'roleNotForTablet' | null>(null);
  const [keyFailed, setKeyFailed] = useState(false);

  /** Enrolls the new person's signing key; true once the server has it. */
  const enrollKey = async (): Promise<boolean> => {
    await ensureSigningKeyEnrolled(storage, deviceId);
    const userId = storage.vault.unlockedUser?.userId;
    return userId !== undefined && (await storage.vault.slot(userId))?.signingKeyEnrolled === true;
  };

  const afterSignIn = async (response: LoginResponse): Promise<void> => {
    setProblem(null);
    const unlocked = storage.vault.unlockedUser;
    if (mode === 'renew') {
      if (unlocked?.userId !== response.user.id) {
        setProblem('otherPerson');
        return;
      }
      await storage.device.saveSession(response);
      await refreshConfig(storage);
      onDone();
      return;
    }
    if (!response.user.roles.some((role) => (TABLET_ROLES as readonly string[]).includes(role))) {
      setProblem('roleNotForTablet'); // partners and administrators work in the office area, never on case data here
      return;
    }
    if (await storage.vault.hasSlot(response.user.id)) {
      setProblem('otherPerson'); // already has a slot: unlock with the passphrase instead
      return;
    }
    if (response.deviceEscrowKey === undefined) {
      setProblem('noEscrow');
      return;
    }
    setPending(response);
  };

  const choosePassphrase = async (passphrase: string): Promise<void> => {
    if (!pending?.deviceEscrowKey) return;
    await storage.vault.createSlot(pending.user, passphrase, pending.deviceEscrowKey);
    await storage.device.saveSession(pending);
    // The municipality's sites and security settings, needed offline from now on.
    await refreshConfig(storage);
    void requestPersistentStorage();
    if (await enrollKey()) onDone();
    else setKeyFailed(true);
  };

  return (
    <section className="card narrow" aria-labelledby="first-sign-in-title">
      <h1 id="first-sign-in-title">
        {mode === 'renew' ? t('auth.renewTitle') : pending ? t('access.passphraseTitle') : t('access.firstSignInTitle')}
      </h1>
      {keyFailed ? (
        <>
          <p className="form-error" role="alert">
            {t('access.addColleague.keyFailed')}
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                void enrollKey().then((enrolled) => {
                  if (enrolled) onDone();
                });
              }}
            >
              {t('access.addColleague.retry')}
            </button>
            <button type="button" className="button" onClick={onDone}>
              {t('access.addColleague.continueAnyway')}
            </button>
          </div>
        </>
      ) : pending ? (
        <SetPassphraseForm onChosen={choosePassphrase} personalWords={pending.user.displayName.split(/\s+/)} />
      ) : (
        <>
          <p>{mode === 'renew' ? t('auth.renewIntro') : t('auth.intro')}</p>
          <StaffSignInForm bindToTablet onSignedIn={afterSignIn} />
          {problem && (
            <p className="form-error" role="alert">
              {t(`access.signInProblem.${problem}`)}
            </p>
          )}
        </>
      )}
      <button type="button" className="button" onClick={onCancel}>
        {t('app.back')}
      </button>
    </section>
  );
}
