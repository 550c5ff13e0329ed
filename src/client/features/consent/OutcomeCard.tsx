// The staff-facing end of a consent step (agreed, refused): what happened,
// what to hand the family, and "Done".
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function OutcomeCard({ title, text, onDone, children }: { title: string; text: string; onDone: () => void; children?: ReactNode }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section className="card" aria-labelledby={titleId}>
      <h1 id={titleId}>{title}</h1>
      <p>{text}</p>
      {children}
      <div className="actions">
        <button type="button" className="button button--primary button--large" onClick={onDone}>
          {t('consent.done')}
        </button>
      </div>
    </section>
  );
}
