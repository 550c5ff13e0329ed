// Warm handover in the partner's browser, the key: a step of its own, reached
// from the partner view. A staff member sets up their call-back key once — the
// key pair is made here, the private key wrapped under a passphrase that never
// leaves this page; the server gets only the public key and the wrapped blob.
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createHandoverKey } from '@shared/crypto/handover-box';
import { uuidv7 } from '@shared/ids';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { FormFailure } from '../office/FormFailure';
import { handoverKeyRefusal, type ReferralOfficeApi } from './referral-office-api';
import { MIN_HANDOVER_PASSPHRASE_LENGTH, type HandoverKeyInfo, type UnlockedKey } from './handover-key';
import { SecretField } from './SecretField';
interface KeySectionProps {
  client: ReferralOfficeApi;
  keyInfo: HandoverKeyInfo | undefined;
  onKeyChange: (info: HandoverKeyInfo, unlocked: UnlockedKey | null) => void;
  formatDate: (iso: string) => string;
  /** Back to the partner view (the look-up and any opened numbers are still there). */
  onBack: () => void;
}

export function HandoverKeySection({ client, keyInfo, onKeyChange, formatDate, onBack }: KeySectionProps) {
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
  const heading = useRef<HTMLHeadingElement>(null);

  // A step of its own: the button that opened it is gone, so focus starts at its title.
  useEffect(() => {
    heading.current?.focus();
  }, []);

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

  return (
    <section className="card office-panel handover-key" aria-labelledby={`${id}-title`} data-testid="handover-key">
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('partner.handoverKey.title')}
      </h2>
      <p>{t('partner.handoverKey.purpose')}</p>
      <p className="hint">{t('partner.handoverKey.intro')}</p>
      {keyInfo === undefined ? (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      ) : (
        <>
          <div role="status">
            {keyInfo === null ? (
              <p className="notice">{t('partner.handoverKey.missing')}</p>
            ) : (
              <p>{t('partner.handoverKey.present', { date: formatDate(keyInfo.createdAt) })}</p>
            )}
            {created && <p className="notice">{t('partner.handoverKey.created')}</p>}
          </div>
          {keyInfo !== null && !editing ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(true);
                setCreated(false);
              }}
            >
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
              />
              <SecretField
                id={`${id}-repeat`}
                label={t('partner.handoverKey.repeat')}
                value={repeat}
                onChange={setRepeat}
                invalid={problem === 'mismatch'}
              />
              <SecretField
                id={`${id}-password`}
                label={t('partner.handoverKey.password')}
                hint={t('partner.handoverKey.passwordHint')}
                value={password}
                onChange={setPassword}
                invalid={problem === 'wrongPassword'}
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
        </>
      )}
      <div className="actions">
        <button type="button" className={created ? 'button button--primary' : 'button'} onClick={onBack}>
          {t('partner.handoverKey.back')}
        </button>
      </div>
    </section>
  );
}
