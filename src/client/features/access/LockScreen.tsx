// The locked tablet: nothing about any family is visible. A person picks
// themself and unlocks offline with their passphrase; wrong attempts are
// throttled and finally wipe that person's key slot. Shows what is waiting to
// be sent, per person, so nobody hands in a tablet with unsent work
// unknowingly. "Add a colleague" (online, ahead of a shift) is each person's
// first sign-in here: their key slot, passphrase and signing key. A passphrase
// chosen under an older, weaker rule still opens the tablet; its owner is then
// asked for a stronger one before the work area opens.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SlotSummary, Storage } from '../../storage';
import { DEFAULT_MAX_UNLOCK_ATTEMPTS, PASSPHRASE_RULE_VERSION } from '@domain/unlock-policy';
import { useStoredValue } from '../../app/useStoredValue';
import { UnsyncedSummary } from './UnsyncedSummary';
import { useOnline } from '../../sync/useOnline';
import { judgePassphraseLazily } from './judge-passphrase';
import { SetPassphraseForm } from './SetPassphraseForm';

type Feedback =
  | { kind: 'wrong'; remaining: number; retryAt: number | null }
  | { kind: 'throttled'; retryAt: number }
  | { kind: 'wiped'; cause: 'attempts' | 'tampered' }
  | { kind: 'failed' }
  | null;

/** A passphrase that opened the slot but fails today's rule: kept in memory only until the new one is chosen. */
interface Upgrade {
  userId: string;
  displayName: string;
  current: string;
}

export function LockScreen({
  storage,
  beforeUnlock,
  onFirstSignIn,
  onOffice,
}: {
  storage: Storage;
  /** Resolves false when the tablet turned out revoked (the app then wipes it and leaves this screen). */
  beforeUnlock?: () => Promise<boolean>;
  onFirstSignIn: () => void;
  onOffice: () => void;
}) {
  const { t, i18n } = useTranslation(['common', 'office']);
  const lockState = useStoredValue(storage, async (s) => ({ slots: await s.vault.listSlots(), tampered: s.vault.tamperedSlotNames() }));
  const slots = lockState?.slots;
  const [upgrade, setUpgrade] = useState<Upgrade | null>(null);
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

  const maxAttempts = async (): Promise<number> =>
    (await storage.device.config())?.security.maxUnlockAttempts ?? DEFAULT_MAX_UNLOCK_ATTEMPTS;

  const unlock = async (): Promise<void> => {
    if (!selected) return;
    setBusy(true);
    try {
      // The start-up revocation check may still be under way: a revoked tablet never opens.
      if (beforeUnlock !== undefined && !(await beforeUnlock())) return;
      const max = await maxAttempts();
      // Chosen under an older rule: judge it again (when the estimate can load; else next time).
      const verdict =
        selected.passphraseRule < PASSPHRASE_RULE_VERSION ? await judgePassphraseLazily(passphrase, [selected.displayName]) : null;
      if (verdict?.problem) {
        const checked = await storage.vault.checkPassphrase(selected.userId, passphrase, max);
        if (checked.kind === 'correct') {
          setFeedback(null);
          setUpgrade({ userId: selected.userId, displayName: selected.displayName, current: passphrase });
        } else if (checked.kind === 'noSlot') setFeedback({ kind: 'wiped', cause: 'attempts' });
        else setFeedback(checked);
        return;
      }
      const result = await storage.vault.unlock(selected.userId, passphrase, max, { meetsRule: verdict !== null });
      if (result.kind === 'unlocked') return;
      if (result.kind === 'noSlot') setFeedback({ kind: 'wiped', cause: 'attempts' });
      else setFeedback(result);
    } catch {
      setFeedback({ kind: 'failed' });
    } finally {
      setPassphrase('');
      setBusy(false);
    }
  };

  if (upgrade) {
    const replace = async (next: string): Promise<void> => {
      const result = await storage.vault.unlock(upgrade.userId, upgrade.current, await maxAttempts(), { replaceWith: next });
      if (result.kind === 'unlocked') return;
      setUpgrade(null);
      setFeedback(result.kind === 'noSlot' ? { kind: 'wiped', cause: 'attempts' } : result);
    };
    return (
      <section className="card narrow" aria-labelledby="stronger-title">
        <h1 id="stronger-title">{t('access.strongerPassphrase.title')}</h1>
        <p className="lock-person">{upgrade.displayName}</p>
        <p>{t('access.strongerPassphrase.intro')}</p>
        <SetPassphraseForm onChosen={replace} personalWords={upgrade.displayName.split(/\s+/)} />
        <button
          type="button"
          className="button"
          onClick={() => {
            setUpgrade(null);
          }}
        >
          {t('app.back')}
        </button>
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="lock-title">
      <h1 id="lock-title">{t('access.lockedTitle')}</h1>
      {lockState !== undefined && lockState.tampered.length > 0 && (
        <p className="form-error" role="alert" data-testid="slot-tampered">
          {t('access.slotTampered', { names: lockState.tampered.join(', ') })}
        </p>
      )}
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
              {feedback.cause === 'tampered' ? t('access.slotTampered', { names: selected.displayName }) : t('access.slotWiped')}
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
