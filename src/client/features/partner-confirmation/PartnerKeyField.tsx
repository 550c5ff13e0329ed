// The offer's partner key, typed on the public page — for a confirmation (with
// the slip code) and for free places (alone). Never stored in the browser.
import { useTranslation } from 'react-i18next';

export function PartnerKeyField({
  id,
  value,
  invalid,
  onChange,
}: {
  id: string;
  value: string;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation('referral');
  return (
    <div className="field">
      <label htmlFor={id}>{t('public.partnerKey')}</label>
      <input
        id={id}
        value={value}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        dir="ltr"
        aria-describedby={`${id}-hint`}
        aria-invalid={invalid ? true : undefined}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      <p id={`${id}-hint`} className="hint">
        {t('public.partnerKeyHint')}
      </p>
    </div>
  );
}
