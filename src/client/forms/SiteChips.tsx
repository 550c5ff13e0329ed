// The site of a contact (HOME site, Kita) as radio chips from the cached
// configuration, with a clear message while the municipality has none set up.
import type { UseFormRegisterReturn } from 'react-hook-form';
import { ChoiceChips } from './ChoiceChips';

export function SiteChips({
  legend,
  sites,
  field,
  error,
  noSites,
}: {
  legend: string;
  sites: readonly { id: string; label: string }[];
  field: UseFormRegisterReturn;
  error: string | null;
  /** Shown when no site is configured. */
  noSites: string;
}) {
  return (
    <ChoiceChips
      legend={legend}
      type="radio"
      options={sites.map((site) => ({ value: site.id, label: site.label }))}
      field={field}
      error={error}
    >
      {sites.length === 0 && <p className="field__error">{noSites}</p>}
    </ChoiceChips>
  );
}
