// One labelled form control of the office area with its optional hint and
// field error, and the aria wiring that ties both to the control.
import type { ReactNode } from 'react';

/** Spread onto the input or select: the id the label points to, and the aria state. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export function OfficeField({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  /** The translated field error; given only while the field is invalid. */
  error: string | undefined;
  /** Shown under the control and read out with it (`${id}-hint`). */
  hint?: ReactNode;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = error === undefined ? undefined : `${id}-error`;
  const describedBy = [hintId, errorId].filter((part) => part !== undefined).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': error === undefined ? undefined : true,
        'aria-describedby': describedBy === '' ? undefined : describedBy,
      })}
      {hint !== undefined && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
