// A person chooses the passphrase (or PIN) that unlocks this tablet offline.
// It never leaves the tablet; it derives the key that wraps the data key.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkNewPassphrase, MIN_PASSPHRASE_LENGTH, type PassphraseProblem } from '@domain/unlock-policy';

export function SetPassphraseForm({ onChosen }: { onChosen: (passphrase: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [repeated, setRepeated] = useState('');
  const [problem, setProblem] = useState<PassphraseProblem | 'failed' | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found = checkNewPassphrase(passphrase, repeated);
        setProblem(found);
        if (found) return;
        setBusy(true);
        onChosen(passphrase)
          .catch(() => {
            setProblem('failed');
          })
          .finally(() => {
            setBusy(false);
          });
      }}
    >
      <p className="hint">{t('access.passphraseHint', { min: MIN_PASSPHRASE_LENGTH })}</p>
      <div className="field">
        <label htmlFor="new-passphrase">{t('access.newPassphrase')}</label>
        <input
          id="new-passphrase"
          type="password"
          autoComplete="off"
          value={passphrase}
          onChange={(e) => {
            setPassphrase(e.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="repeat-passphrase">{t('access.repeatPassphrase')}</label>
        <input
          id="repeat-passphrase"
          type="password"
          autoComplete="off"
          value={repeated}
          onChange={(e) => {
            setRepeated(e.target.value);
          }}
        />
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {t(`access.passphraseProblem.${problem}`, { min: MIN_PASSPHRASE_LENGTH })}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button--primary button--large" disabled={busy}>
          {busy ? t('access.working') : t('access.setPassphrase')}
        </button>
      </div>
    </form>
  );
}
