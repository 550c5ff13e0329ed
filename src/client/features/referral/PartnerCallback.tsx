// Warm handover in the partner's browser. HandoverKeySection: a staff member
// sets up their call-back key once — the key pair is made here, the private
// key wrapped under a passphrase that never leaves this page; the server gets
// only the public key and the wrapped blob. CallbackOpener: a family's
// call-back request is opened once — the passphrase unwraps the key here
// first (a wrong one opens nothing and deletes nothing), then the server hands
// over the box and deletes the request, and the number is shown until the
// call is made (the panel keeps it across look-ups and warns before the page
// is left). The unwrapped key lives only in this page's memory. The browser
// checks that the box it got belongs to the referral it opened.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HandoverBoxError, createHandoverKey, openHandover, unwrapHandoverKey } from '../../../shared/crypto/handover-box';
import type { Key } from '../../../shared/crypto/types';
import { handoverPayloadSchema, type HandoverKeyResponse } from '../../../shared/handover-api';
import { uuidv7 } from '../../../shared/ids';
import { referralIdFor } from '../../../shared/referral-id';
import type { PartnerReferral } from '../../../shared/referral-api';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { FormFailure } from '../office/FormFailure';
import { callbackRefusal, handoverKeyRefusal, type ReferralOfficeApi } from './referral-office-api';

export const MIN_HANDOVER_PASSPHRASE_LENGTH = 12;

export type HandoverKeyInfo = HandoverKeyResponse['key'];

/** The unwrapped key of this page (null until the passphrase was given once). */
export interface UnlockedKey {
  keyId: string;
  privateKey: Key;
}

/** A password or passphrase field with its label (and hint): never autofilled into anything but itself. */
function SecretField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  autoComplete: 'new-password' | 'current-password';
}) {
  const { id, label, hint, value, onChange, invalid, autoComplete } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={autoComplete}
        value={value}
        aria-invalid={invalid}
        {...(hint === undefined ? {} : { 'aria-describedby': `${id}-hint` })}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      {hint !== undefined && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

interface KeySectionProps {
  client: ReferralOfficeApi;
  keyInfo: HandoverKeyInfo | undefined;
  onKeyChange: (info: HandoverKeyInfo, unlocked: UnlockedKey | null) => void;
  formatDate: (iso: string) => string;
}

export function HandoverKeySection({ client, keyInfo, onKeyChange, formatDate }: KeySectionProps) {
  const { t } = useTranslation('referral');
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<'tooShort' | 'mismatch' | 'wrongPassword' | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(false);

  const create = async () => {
    if (passphrase.length < MIN_HANDOVER_PASSPHRASE_LENGTH) {
      setProblem('tooShort');
      return;
    }
    if (passphrase !== repeat) {
      setProblem('mismatch');
      return;
    }
    setProblem(null);
    setFailure(null);
    setBusy(true);
    try {
      const made = await createHandoverKey(passphrase);
      const keyId = uuidv7();
      const info = await client.setHandoverKey({ keyId, publicKey: made.publicKey, wrapped: made.wrapped, password });
      setPassphrase('');
      setRepeat('');
      setEditing(false);
      setCreated(true);
      onKeyChange(info, { keyId, privateKey: made.privateKey });
    } catch (error) {
      const refusal = handoverKeyRefusal(error);
      if (refusal !== undefined) setProblem(refusal);
      else setFailure(apiErrorKey(error, 'load'));
    } finally {
      setPassword('');
      setBusy(false);
    }
  };

  if (keyInfo === undefined) return null; // still loading
  return (
    <section className="handover-key" aria-labelledby={`${id}-title`} data-testid="handover-key">
      <h3 id={`${id}-title`}>{t('partner.handoverKey.title')}</h3>
      <p className="hint">{t('partner.handoverKey.intro')}</p>
      <div role="status">
        {keyInfo === null ? (
          <p className="notice">{t('partner.handoverKey.missing')}</p>
        ) : (
          <p>{t('partner.handoverKey.present', { date: formatDate(keyInfo.createdAt) })}</p>
        )}
        {created && <p className="notice">{t('partner.handoverKey.created')}</p>}
      </div>
      {keyInfo !== null && !editing ? (
        <button type="button" className="button" onClick={() => { setEditing(true); setCreated(false); }}>
          {t('partner.handoverKey.replace')}
        </button>
      ) : (
        <form
          className="handover-key-form"
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          {keyInfo !== null && <p className="hint">{t('partner.handoverKey.replaceWarning')}</p>}
          <SecretField
            id={`${id}-passphrase`}
            label={t('partner.handoverKey.passphrase')}
            value={passphrase}
            onChange={setPassphrase}
            invalid={problem === 'tooShort'}
            autoComplete="new-password"
          />
          <SecretField
            id={`${id}-repeat`}
            label={t('partner.handoverKey.repeat')}
            value={repeat}
            onChange={setRepeat}
            invalid={problem === 'mismatch'}
            autoComplete="new-password"
          />
          <SecretField
            id={`${id}-password`}
            label={t('partner.handoverKey.password')}
            hint={t('partner.handoverKey.passwordHint')}
            value={password}
            onChange={setPassword}
            invalid={problem === 'wrongPassword'}
            autoComplete="current-password"
          />
          <div role="alert">{problem !== null && <p className="form-error">{t(`partner.handoverKey.${problem}`)}</p>}</div>
          <FormFailure failure={failure} />
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {t(keyInfo === null ? 'partner.handoverKey.create' : 'partner.handoverKey.replace')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

interface OpenerProps {
  client: ReferralOfficeApi;
  referral: PartnerReferral;
  keyInfo: HandoverKeyInfo | undefined;
  unlocked: UnlockedKey | null;
  onUnlocked: (unlocked: UnlockedKey) => void;
  /** The number, opened: the panel shows it until the call is made. */
  onOpened: (phone: string) => void;
  /** The request is gone on the server (opened, expired or withdrawn). */
  onGone: () => void;
  formatDate: (iso: string) => string;
}

type OpenProblem = 'wrongPassphrase' | 'gone' | 'notSealedToYou' | 'keyChanged' | 'unreadable';

export function CallbackOpener({ client, referral, keyInfo, unlocked, onUnlocked, onOpened, onGone, formatDate }: OpenerProps) {
  const { t } = useTranslation('referral');
  const id = useId();
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<OpenProblem | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [busy, setBusy] = useState(false);

  if (referral.callback === null) {
    // Gone on the server meanwhile: say why, if this opener tried.
    return problem === null ? null : (
      <p className="form-error" role="alert">
        {t(`partner.callback.${problem}`)}
      </p>
    );
  }

  const open = async () => {
    setProblem(null);
    setFailure(null);
    setBusy(true);
    try {
      // The key first: a wrong passphrase must not cost the family its one showing.
      let key = unlocked !== null && unlocked.keyId === keyInfo?.keyId ? unlocked : null;
      if (key === null) {
        if (!keyInfo) return;
        try {
          key = { keyId: keyInfo.keyId, privateKey: await unwrapHandoverKey(passphrase, keyInfo.wrapped) };
        } catch (error) {
          if (error instanceof HandoverBoxError) {
            setProblem('wrongPassphrase');
            return;
          }
          throw error;
        }
        setPassphrase('');
        onUnlocked(key);
      }
      // The server hands out only the box for the key named here, and deletes the request with it.
      const answer = await client.openCallback(referral.id, key.keyId);
      try {
        // A box for another referral (a server's mistake) is never shown as this family's number.
        if ((await referralIdFor(answer.recordId, answer.offerId)) !== referral.id) throw new Error('box of another referral');
        const payload = handoverPayloadSchema.parse(
          await openHandover(key.privateKey, answer.box, { recordId: answer.recordId, offerId: answer.offerId }),
        );
        onOpened(payload.phone);
      } catch {
        setProblem('unreadable');
        onGone();
      }
    } catch (error) {
      const refusal = callbackRefusal(error);
      if (refusal === undefined) setFailure(apiErrorKey(error, 'load'));
      else setProblem(refusal);
      if (refusal === 'gone') onGone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="callback" data-testid="callback-request">
      <p>
        <strong>{t('partner.callback.requested', { date: formatDate(referral.callback.expiresAt) })}</strong>
      </p>
      {!referral.callback.sealedToYou ? (
        <p className="hint">{t('partner.callback.notForYou')}</p>
      ) : keyInfo === null || keyInfo === undefined ? (
        <p className="hint">{t('partner.callback.noKey')}</p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void open();
          }}
        >
          {(unlocked === null || unlocked.keyId !== keyInfo.keyId) && (
            <SecretField
              id={`${id}-passphrase`}
              label={t('partner.callback.passphrase')}
              value={passphrase}
              onChange={setPassphrase}
              invalid={problem === 'wrongPassphrase'}
              autoComplete="current-password"
            />
          )}
          <p className="hint">{t('partner.callback.openHint')}</p>
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('partner.callback.open')}
            </button>
          </div>
        </form>
      )}
      <div role="alert">{problem !== null && <p className="form-error">{t(`partner.callback.${problem}`)}</p>}</div>
      <FormFailure failure={failure} />
    </div>
  );
}

export interface OpenedNumber {
  referralId: string;
  offerName: string;
  phone: string;
}

/**
 * The numbers opened on this page, until the call is made: kept across
 * look-ups (each was shown once and is gone on the server), and the browser
 * asks before the page is left while any is still here.
 */
export function OpenedNumbers({ numbers, onDone }: { numbers: readonly OpenedNumber[]; onDone: (referralId: string) => void }) {
  const { t } = useTranslation('referral');
  const id = useId();
  useEffect(() => {
    if (numbers.length === 0) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [numbers.length]);
  if (numbers.length === 0) return null;
  return (
    <section className="callback callback--open" aria-labelledby={`${id}-title`} data-testid="callback-numbers">
      <h3 id={`${id}-title`}>{t('partner.callback.openedTitle')}</h3>
      <p className="hint">{t('partner.callback.openedHint')}</p>
      <ul className="callback-numbers">
        {numbers.map((entry) => (
          <li key={entry.referralId} data-testid="callback-number">
            <p>
              {entry.offerName} · {t('partner.callback.number')}:{' '}
              <a className="callback-phone" href={`tel:${entry.phone.replace(/[^0-9+]/g, '')}`} dir="ltr">
                {entry.phone}
              </a>
            </p>
            <button
              type="button"
              className="button"
              onClick={() => {
                onDone(entry.referralId);
              }}
            >
              {t('partner.callback.done')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
