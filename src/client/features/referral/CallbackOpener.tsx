// Warm handover in the partner's browser, the opening: a family's call-back
// request is opened once — the passphrase unwraps the key here first (a wrong one
// opens nothing and deletes nothing), then the server hands over the box and
// deletes the request, and the number is shown until the call is made (the panel
// keeps it across look-ups and warns before the page is left). The unwrapped key
// lives only in this page's memory. The browser checks that the box it got
// belongs to the referral it opened.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HandoverBoxError, openHandover, unwrapHandoverKey } from '@shared/crypto/handover-box';
import { handoverPayloadSchema } from '@shared/handover-api';
import { referralIdFor } from '@shared/referral-id';
import type { PartnerReferral } from '@shared/referral-api';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { FormFailure } from '../office/FormFailure';
import { callbackRefusal, type ReferralOfficeApi } from './referral-office-api';
import type { HandoverKeyInfo, UnlockedKey } from './handover-key';
import { SecretField } from './SecretField';
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
