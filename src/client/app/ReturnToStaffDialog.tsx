// Taking the tablet back from the family. One line in the family's language
// ("please hand the tablet to the staff member"), then the staff part in the
// staff language: the passphrase of the person who handed the tablet over,
// checked against their key slot and counted like an unlock (a wrong one keeps
// family mode; the last wrong one wipes the slot and locks the tablet).
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TabletHolder } from '@domain/family-mode';
import { DEFAULT_MAX_UNLOCK_ATTEMPTS } from '@domain/unlock-policy';
import { textDirection } from '@shared/languages';
import { useFamilyTexts } from '../features/family-card/useFamilyTexts';
import { useAppServices } from './AppContext';

type Feedback = { kind: 'wrong'; remaining: number } | { kind: 'throttled'; retryAt: number } | { kind: 'failed' } | null;

export function ReturnToStaffDialog({
  holder,
  onReturned,
  onCancel,
}: {
  holder: Extract<TabletHolder, { kind: 'family' }>;
  onReturned: (userId: string) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const family = useFamilyTexts(holder.language);
  const { storage } = useAppServices();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [passphrase, setPassphrase] = useState('');
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const name = storage.vault.unlockedUser?.displayName ?? '';
  // Read while the person types, so confirming starts the key derivation at once.
  const maxAttempts = useRef<number | null>(null);
  useEffect(() => {
    void storage.device
      .config()
      .then((config) => {
        maxAttempts.current = config?.security.maxUnlockAttempts ?? DEFAULT_MAX_UNLOCK_ATTEMPTS;
      })
      .catch(() => undefined);
  }, [storage]);

  useEffect(() => {
    const element = dialog.current;
    // Modal: the family's screen behind is inert; focus starts in the passphrase field.
    if (element && !element.open) element.showModal();
    return () => {
      element?.close();
    };
  }, []);

  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      const max = maxAttempts.current ?? (await storage.device.config())?.security.maxUnlockAttempts ?? DEFAULT_MAX_UNLOCK_ATTEMPTS;
      const result = await storage.vault.confirmPassphrase(holder.staffUserId, passphrase, max);
      if (result.kind === 'confirmed') {
        onReturned(holder.staffUserId);
        return;
      }
      // 'wiped' and 'noSlot' lock the vault: the lock screen replaces everything.
      if (result.kind === 'wrong') setFeedback({ kind: 'wrong', remaining: result.remaining });
      else if (result.kind === 'throttled') setFeedback({ kind: 'throttled', retryAt: result.retryAt });
    } catch {
      setFeedback({ kind: 'failed' });
    } finally {
      setPassphrase('');
      setBusy(false);
    }
  };

  const staffLanguage = i18n.language;
  return (
    <dialog
      ref={dialog}
      className="leave-dialog return-dialog"
      aria-labelledby={titleId}
      data-testid="return-to-staff"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <p className="return-dialog__family" lang={holder.language} dir={family.dir}>
        {family.t('mode.handBack')}
      </p>
      <form
        lang={staffLanguage}
        dir={textDirection(staffLanguage)}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (passphrase.length > 0) void confirm();
        }}
      >
        <h2 id={titleId}>{t('familyMode.returnTitle')}</h2>
        <p>{t('familyMode.returnIntro', { name })}</p>
        <div className="field">
          <label htmlFor="return-passphrase">{t('access.passphrase')}</label>
          <input
            id="return-passphrase"
            type="password"
            autoComplete="off"
            autoFocus
            value={passphrase}
            onChange={(event) => {
              setPassphrase(event.target.value);
            }}
          />
        </div>
        {feedback?.kind === 'wrong' && (
          <p className="form-error" role="alert">
            {t('access.wrongPassphrase', { count: feedback.remaining })}
          </p>
        )}
        {feedback?.kind === 'throttled' && (
          <p className="form-error" role="alert">
            {t('familyMode.throttled', {
              time: new Intl.DateTimeFormat(staffLanguage, { timeStyle: 'medium' }).format(feedback.retryAt),
            })}
          </p>
        )}
        {feedback?.kind === 'failed' && (
          <p className="form-error" role="alert">
            {t('access.passphraseProblem.failed')}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button--primary button--large" disabled={busy || passphrase.length === 0}>
            {busy ? t('access.working') : t('familyMode.confirm')}
          </button>
        </div>
      </form>
      <div className="actions" lang={holder.language} dir={family.dir}>
        <button type="button" className="button button--large" onClick={onCancel}>
          {family.t('mode.notDone')}
        </button>
      </div>
    </dialog>
  );
}
