// A tablet that is not enrolled yet: a coordinator enrolls it, or someone uses
// the online-only office area (administration) in this browser.
import { useTranslation } from 'react-i18next';

export function WelcomeScreen({ onEnrol, onOffice }: { onEnrol: () => void; onOffice: () => void }) {
  const { t } = useTranslation(['common', 'office']);
  return (
    <section className="card narrow" aria-labelledby="welcome-title">
      <h1 id="welcome-title">{t('access.welcomeTitle')}</h1>
      <p>{t('access.welcomeText')}</p>
      <div className="actions actions--stacked">
        <button type="button" className="button button--primary button--large" onClick={onEnrol}>
          {t('access.enrolTitle')}
        </button>
        <button type="button" className="button button--large" onClick={onOffice}>
          {t('office:openOffice')}
        </button>
      </div>
    </section>
  );
}
