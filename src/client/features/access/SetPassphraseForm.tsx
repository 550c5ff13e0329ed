// A person chooses the passphrase that unlocks this tablet offline. It never
// leaves the tablet; it derives the key that wraps the data key. A copied
// profile is attacked offline, so it must be long and hard to guess: the basic
// rule first, then the strength estimate (THREAT-MODEL.md, "Offline unlock").
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkNewPassphrase, MIN_PASSPHRASE_LENGTH, type PassphraseProblem } from '@domain/unlock-policy';
import { judgePassphraseLazily } from './judge-passphrase';

export function SetPassphraseForm({
  onChosen,
  personalWords = [],
}: {
  onChosen: (passphrase: string) => Promise<void>;
  /** Words an attacker would try first (the person's name): a passphrase built from them counts as weaker. */
  personalWords?: readonly string[];
}) {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [repeated, setRepeated] = useState('');
  const [problem, setProblem] = useState<PassphraseProblem | 'failed' | 'noEstimate' | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (): Promise<void> => {
    const found = checkNewPassphrase(passphrase, repeated);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      const verdict = await judgePassphraseLazily(passphrase, personalWords);
      if (!verdict) {
        setProblem('noEstimate');
        return;
      }
      if (verdict.problem) {
        setProblem(verdict.problem);
        return;
      }
      await onChosen(passphrase);
    } catch {
      setProblem('failed');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void choose();
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
