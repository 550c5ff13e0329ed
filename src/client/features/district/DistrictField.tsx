// The residence district (Sozialraum) of a family, for small-area reports: a
// choice from the municipality's configured districts (DeviceConfig.districts,
// stored on the tablet, so it works offline). Optional — "not stated" is a
// valid answer. Renders nothing while no districts are configured.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';

export function DistrictField({ value, onChange }: { value: string | undefined; onChange: (district: string | undefined) => void }) {
  const { t } = useTranslation('district');
  const { storage } = useAppServices();
  const config = useStoredValue(storage, async (s) => (await s.device.config()) ?? null);
  const id = useId();
  const districts = config?.districts ?? [];
  if (districts.length === 0) return null;
  return (
    <div className="field district-field">
      <label htmlFor={id}>{t('label')}</label>
      <select
        id={id}
        aria-describedby={`${id}-hint`}
        value={value ?? ''}
        onChange={(event) => {
          onChange(event.target.value === '' ? undefined : event.target.value);
        }}
      >
        <option value="">{t('notStated')}</option>
        {districts.map((district) => (
          <option key={district.id} value={district.id}>
            {district.label}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="hint">
        {t('hint')}
      </p>
    </div>
  );
}

/** `{ district }` if one was chosen, else nothing: spread into record content. */
export function withDistrict(district: string | undefined): { district?: string } {
  return district === undefined ? {} : { district };
}
