// The partner's form for an offer's free places: a number (0–999), "waiting
// list" or "full". Used in the partner view (signed in) and on the public page
// (partner key); both send what offerCapacityInputSchema accepts, and the
// server checks it again.
import './referral.css';
import { useId, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_CAPACITY_PLACES,
  OFFER_CAPACITY_STATUSES,
  offerCapacityInputSchema,
  type OfferCapacity,
  type OfferCapacityInput,
  type OfferCapacityStatus,
} from '@shared/offer-capacity';

export interface CapacityFormProps {
  current: OfferCapacity | null;
  busy: boolean;
  onSave: (capacity: OfferCapacityInput) => void;
}

export function CapacityForm({ current, busy, onSave }: CapacityFormProps) {
  const { t } = useTranslation('referral');
  const id = useId();
  const [status, setStatus] = useState<OfferCapacityStatus>(current?.status ?? 'places');
  const [places, setPlaces] = useState(current?.places === undefined ? '' : String(current.places));
  const [invalid, setInvalid] = useState(false);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const trimmed = places.trim();
    const parsed = offerCapacityInputSchema.safeParse(
      status === 'places' ? { status, places: /^\d{1,3}$/.test(trimmed) ? Number(trimmed) : Number.NaN } : { status },
    );
    setInvalid(!parsed.success);
    if (parsed.success) onSave(parsed.data);
  };

  return (
    <form className="capacity-form" onSubmit={submit} noValidate>
      <fieldset className="choice-group">
        <legend>{t('capacity.form.status')}</legend>
        <div className="choices">
          {OFFER_CAPACITY_STATUSES.map((value) => (
            <label key={value} className="choice">
              <input
                type="radio"
                name={`${id}-status`}
                value={value}
                checked={status === value}
                onChange={() => {
                  setStatus(value);
                  setInvalid(false);
                }}
              />
              <span>{t(`capacity.form.${value}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {status === 'places' && (
        <div className="field">
          <label htmlFor={`${id}-places`}>{t('capacity.form.placesCount')}</label>
          <input
            id={`${id}-places`}
            className="capacity-form__places"
            inputMode="numeric"
            min={0}
            max={MAX_CAPACITY_PLACES}
            autoComplete="off"
            value={places}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={invalid ? `${id}-invalid` : undefined}
            onChange={(event) => {
              setPlaces(event.target.value);
            }}
          />
        </div>
      )}
      <div role="alert" id={`${id}-invalid`}>
        {invalid && <p className="form-error">{t('capacity.form.invalid')}</p>}
      </div>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('capacity.form.save')}
        </button>
      </div>
    </form>
  );
}
