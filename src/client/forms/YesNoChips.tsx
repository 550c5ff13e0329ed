// A yes/no question as two large chips bound to a boolean react-hook-form
// field (through Controller), with its legend and its translated error.
import type { ReactNode } from 'react';

/** A yes/no question as two chips, for a boolean field (react-hook-form Controller's `field`). */
export function YesNoChips({
  legend,
  field,
  yesLabel,
  noLabel,
  error,
  onAnswer,
}: {
  legend: ReactNode;
  field: {
    name: string;
    value: unknown;
    onChange: (value: boolean) => void;
    onBlur: () => void;
    ref: (element: HTMLInputElement | null) => void;
  };
  yesLabel: string;
  noLabel: string;
  error?: string | null | undefined;
  /** Called after the field changed (e.g. to clear a dependent field). */
  onAnswer?: (value: boolean) => void;
}) {
  const invalid = error !== null && error !== undefined;
  return (
    <fieldset className="choice-group" aria-invalid={invalid ? true : undefined}>
      <legend>{legend}</legend>
      <div className="choices">
        {([true, false] as const).map((value) => (
          <label key={String(value)} className="choice">
            <input
              type="radio"
              name={field.name}
              value={value ? 'yes' : 'no'}
              checked={field.value === value}
              onChange={() => {
                field.onChange(value);
                onAnswer?.(value);
              }}
              onBlur={field.onBlur}
              ref={value ? field.ref : undefined}
            />
            <span>{value ? yesLabel : noLabel}</span>
          </label>
        ))}
      </div>
      {invalid && <p className="field__error">{error}</p>}
    </fieldset>
  );
}
