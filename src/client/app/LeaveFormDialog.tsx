// Asked before a half-filled form is left (cancel, back button, another
// screen): keep filling in (the default, focused first), leave and keep the
// draft to continue later from the list, or throw the entries away.
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

export function LeaveFormDialog({ onStay, onKeep, onDiscard }: { onStay: () => void; onKeep: () => void; onDiscard: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const textId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    // Modal: the form behind is inert, focus starts on "keep filling in", Escape stays.
    if (element && !element.open) element.showModal();
    return () => {
      element?.close();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="leave-dialog"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      data-testid="leave-form-dialog"
      onCancel={(event) => {
        event.preventDefault();
        onStay();
      }}
    >
      <h2 id={titleId}>{t('leaveForm.title')}</h2>
      <p id={textId}>{t('leaveForm.text')}</p>
      <div className="actions">
        <button type="button" className="button button--primary button--large" autoFocus onClick={onStay}>
          {t('leaveForm.stay')}
        </button>
        <button type="button" className="button button--large" onClick={onKeep}>
          {t('leaveForm.keep')}
        </button>
        <button type="button" className="button button--large button--danger" onClick={onDiscard}>
          {t('leaveForm.discard')}
        </button>
      </div>
    </dialog>
  );
}
