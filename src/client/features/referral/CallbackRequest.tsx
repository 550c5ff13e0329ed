// Warm handover on the tablet: only where the family explicitly asks the
// partner of a chosen offer to call them back, staff tick the family's consent
// and type the number. It stays in memory until the referral is saved, is then
// sealed to the public keys of that partner's staff (pulled with the catalogue)
// and never written anywhere readable — not even on this tablet. Offers whose
// partner has no handover key cannot take a call-back; the section says so.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { sealHandover } from '@shared/crypto/handover-box';
import { callbackPhoneSchema, handoverPayloadSchema, type CallbackKeys, type WarmHandover } from '@shared/handover-api';
import type { Offer } from '@shared/offers';

export interface CallbackChoice {
  offerId: string;
  phone: string;
  phoneValid: boolean;
}

/** Seals the number to the offer's partner keys; the boxes are what the referral record carries. */
export async function sealCallback(choice: CallbackChoice, recordId: string, callbackKeys: CallbackKeys): Promise<WarmHandover> {
  const keys = callbackKeys.find((entry) => entry.offerId === choice.offerId)?.keys ?? [];
  const payload = handoverPayloadSchema.parse({ phone: choice.phone });
  return { offerId: choice.offerId, boxes: await sealHandover(payload, { recordId, offerId: choice.offerId }, keys) };
}

export interface CallbackRequestProps {
  /** The offers chosen so far. */
  offers: readonly Offer[];
  callbackKeys: CallbackKeys;
  value: CallbackChoice | null;
  onChange: (value: CallbackChoice | null) => void;
  invalid: boolean;
}

export function CallbackRequest({ offers, callbackKeys, value, onChange, invalid }: CallbackRequestProps) {
  const { t } = useTranslation('referral');
  const id = useId();
  if (offers.length === 0) return null;
  const eligible = offers.filter((offer) => callbackKeys.some((entry) => entry.offerId === offer.id));
  const current = value !== null && eligible.some((offer) => offer.id === value.offerId) ? value : null;
  const chosenOffer = eligible.find((offer) => offer.id === current?.offerId);
  const setPhone = (phone: string) => {
    if (current !== null) onChange({ ...current, phone, phoneValid: callbackPhoneSchema.safeParse(phone).success });
  };

  return (
    <fieldset className="callback-request" data-testid="callback-request">
      <legend>{t('tablet.callback.legend')}</legend>
      {eligible.length === 0 ? (
        <p className="hint">{t('tablet.callback.unavailable')}</p>
      ) : (
        <>
          <label className="choice choice--block">
            <input
              type="checkbox"
              checked={current !== null}
              onChange={(event) => {
                const first = eligible[0];
                onChange(event.target.checked && first ? { offerId: first.id, phone: '', phoneValid: false } : null);
              }}
            />
            <span>{t('tablet.callback.consent')}</span>
          </label>
          {current !== null && (
            <>
              {eligible.length > 1 && (
                <fieldset className="choice-group">
                  <legend>{t('tablet.callback.which')}</legend>
                  {eligible.map((offer) => (
                    <label key={offer.id} className="choice choice--block">
                      <input
                        type="radio"
                        name={`${id}-offer`}
                        checked={current.offerId === offer.id}
                        onChange={() => {
                          onChange({ ...current, offerId: offer.id });
                        }}
                      />
                      <span>
                        {offer.organisation} · {offer.name}
                      </span>
                    </label>
                  ))}
                </fieldset>
              )}
              <div className="field">
                <label htmlFor={`${id}-phone`}>{t('tablet.callback.phone', { organisation: chosenOffer?.organisation ?? '' })}</label>
                <input
                  id={`${id}-phone`}
                  type="tel"
                  inputMode="tel"
                  autoComplete="off"
                  spellCheck={false}
                  dir="ltr"
                  value={current.phone}
                  aria-invalid={invalid}
                  aria-describedby={`${id}-phone-hint`}
                  onChange={(event) => {
                    setPhone(event.target.value);
                  }}
                />
                <p id={`${id}-phone-hint`} className="hint">
                  {t('tablet.callback.phoneHint')}
                </p>
              </div>
            </>
          )}
        </>
      )}
    </fieldset>
  );
}
