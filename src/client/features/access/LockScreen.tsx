// The locked tablet: nothing about any family is visible. A person picks
// themself and unlocks offline with their passphrase; wrong attempts are
// throttled and finally wipe that person's key slot. Shows what is waiting to
// be sent, per person, so nobody hands in a tablet with unsent work
// unknowingly. "Add a colleague" (online, ahead of a shift) is each person's
// first sign-in here: their key slot, passphrase and signing key.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SlotSummary, Storage } from '../../storage';
import { DEFAULT_MAX_UNLOCK_ATTEMPTS } from '@domain/unlock-policy';
import { useStoredValue } from '../../app/useStoredValue';
import { UnsyncedSummary } from './UnsyncedSummary';
import { useOnline } from '../../sync/useOnline';

type Feedback =
  | { kind: 'wrong'; remaining: number; retryAt: number | null }
  | { kind: 'throttled'; retryAt: number }
  | { kind: 'wiped' }
  | { kind: 'failed' }
  | null;

export function LockScreen({ storage, onFirstSignIn, onOffice }: { storage: Storage; onFirstSignIn: () => void; onOffice: () => void }) {
  const { t, i18n } = useTranslation(['common', 'office']);
  const slots = useStoredValue(storage, (s) => s.vault.listSlots());
  const [chosen, setChosen] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const online = useOnline();
  const selected: SlotSummary | undefined = slots?.find((s) => s.userId === chosen) ?? (slots?.length === 1 ? slots[0] : undefined);

  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, []);

  const retryAt = feedback && 'retryAt' in feedback ? feedback.retryAt : (selected?.nextAttemptAt ?? null);
  const waitSeconds = retryAt !== null && retryAt > now ? Math.ceil((retryAt - now) / 1000) : 0;

  const unlock = async (): Promise<void> => {
    if (!selected) return;
    setBusy(true);
    try {
      const max = (await storage.device.config())?.security.maxUnlockAttempts ?? DEFAULT_MAX_UNLOCK_ATTEMPTS;
      const result = await storage.vault.unlock(selected.userId, passphrase, max);
      if (result.kind === 'unlocked') return;
      if (result.kind === 'noSlot') setFeedback({ kind: 'wiped' });
      else setFeedback(result);
    } catch {
      setFeedback({ kind: 'failed' });
    } finally {
      setPassphrase('');
      setBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="lock-title">
      <h1 id="lock-title">{t('access.lockedTitle')}</h1>
      <UnsyncedSummary storage={storage} />
      {slots !== undefined && slots.length === 0 && <p>{t('access.noSlots')}</p>}
      {slots !== undefined && slots.length > 1 && (
        <fieldset className="choice-group">
          <legend>{t('access.whoAreYou')}</legend>
          <div className="choices">
            {slots.map((slot) => (
              <label key={slot.userId} className="choice">
                <input
                  type="radio"
                  name="slot"
                  checked={selected?.userId === slot.userId}
                  onChange={() => {
                    setChosen(slot.userId);
                    setFeedback(null);
                  }}
                />
                <span>{slot.displayName}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {selected && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void unlock();
          }}
        >
          {slots?.length === 1 && <p className="lock-person">{selected.displayName}</p>}
          <div className="field">
            <label htmlFor="passphrase">{t('access.passphrase')}</label>
            <input
              id="passphrase"
              type="password"
              autoComplete="off"
              value={passphrase}
              onChange={(e) => {
                setPassphrase(e.target.value);
              }}
            />
          </div>
          {feedback?.kind === 'wrong' && (
            <p className="form-error" role="alert">
              {t('access.wrongPassphrase', { count: feedback.remaining })}
            </p>
          )}
          {feedback?.kind === 'failed' && (
            <p className="form-error" role="alert">
              {t('access.passphraseProblem.failed')}
            </p>
          )}
          {feedback?.kind === 'wiped' && (
            <p className="form-error" role="alert">
              {t('access.slotWiped')}
            </p>
          )}
          {waitSeconds > 0 && (
            <p className="form-error" role="status">
              {t('access.throttled', {
                seconds: waitSeconds,
                time: new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' }).format(retryAt ?? now),
              })}
            </p>
          )}
          <div className="actions">
            <button
              type="submit"
              className="button button--primary button--large"
              disabled={busy || waitSeconds > 0 || passphrase.length === 0}
            >
              {busy ? t('access.working') : t('access.unlock')}
            </button>
          </div>
        </form>
      )}
      <div className="add-colleague">
        <p className="hint" id="add-colleague-hint">
          {t('access.addColleague.hint')}
        </p>
        {!online && <p className="hint">{t('access.addColleague.offline')}</p>}
      </div>
      <div className="actions">
        <button
          type="button"
          className="button"
          id="add-colleague"
          aria-describedby="add-colleague-hint"
          disabled={!online}
          onClick={onFirstSignIn}
        >
          {t('access.firstSignInLink')}
        </button>
        <button type="button" className="button" onClick={onOffice}>
          {t('office:openOffice')}
        </button>
      </div>
    </section>
  );
}
