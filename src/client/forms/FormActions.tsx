// The end of every workflow form: the save problem (if any), then the large
// save and cancel buttons. Save submits the form unless `onSave` is given.
import type { ReactNode } from 'react';

export function FormActions({
  saveLabel,
  cancelLabel,
  onCancel,
  busy,
  error,
  onSave,
}: {
  saveLabel: string;
  cancelLabel: string;
  onCancel: () => void;
  /** Disables save while a save is running. */
  busy: boolean;
  /** Shown as an alert above the buttons; nothing when null/undefined. */
  error?: ReactNode;
  /** For a save outside a <form> (type="button"); otherwise the button submits. */
  onSave?: () => void;
}) {
  return (
    <>
      {error !== null && error !== undefined && error !== false && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type={onSave ? 'button' : 'submit'} className="button button--primary button--large" disabled={busy} onClick={onSave}>
          {saveLabel}
        </button>
        <button type="button" className="button button--large" onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
    </>
  );
}
