// A group of large tappable choices (radio or checkbox "chips") bound to one
// react-hook-form field, with its legend and its translated error.
import type { ReactNode } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';

export interface ChipOption {
  value: string;
  label: ReactNode;
  /** Language of the label (e.g. a language's own name), so screen readers pronounce it. */
  lang?: string;
  dir?: 'ltr' | 'rtl';
}

export function ChoiceChips({
  legend,
  type,
  options,
  field,
  error,
  className,
  describedBy,
  children,
}: {
  legend: ReactNode;
  type: 'radio' | 'checkbox';
  options: readonly ChipOption[];
  /** `register(name)` of the field all chips set. */
  field: UseFormRegisterReturn;
  /** The field's translated error, or null. */
  error?: string | null | undefined;
  /** Extra class names of the fieldset (after `choice-group`). */
  className?: string;
  /** Id of a hint that describes the group. */
  describedBy?: string;
  /** Shown between the legend and the chips (e.g. why there are none). */
  children?: ReactNode;
}) {
  const invalid = error !== null && error !== undefined;
  return (
    <fieldset
      className={className ? `choice-group ${className}` : 'choice-group'}
      aria-invalid={invalid ? true : undefined}
      aria-describedby={describedBy}
    >
      <legend>{legend}</legend>
      {children}
      <div className="choices">
        {options.map((option) => (
          <label key={option.value} className="choice" lang={option.lang}>
            <input type={type} value={option.value} {...field} />
            <span dir={option.dir}>{option.label}</span>
          </label>
        ))}
      </div>
      {invalid && <p className="field__error">{error}</p>}
    </fieldset>
  );
}
