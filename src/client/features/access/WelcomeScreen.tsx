// A tablet that is not enrolled yet: a coordinator enrolls it, or someone uses
// the online-only office area (administration) in this browser. Opened over plain
// HTTP from another machine it cannot be enrolled, and says what is needed instead.
import { useTranslation } from 'react-i18next';
import { needsSecureConnection } from '../../app/secure-context';
import { SecureConnectionNotice } from './SecureConnectionNotice';

export function WelcomeScreen({ onEnroll, onOffice }: { onEnroll: () => void; onOffice: () => void }) {
  const { t } = useTranslation(['common', 'office']);
  const insecure = needsSecureConnection();
  return (
    <section className="card narrow" aria-labelledby="welcome-title">
      <h1 id="welcome-title">{t('access.welcomeTitle')}</h1>
      {insecure ? <SecureConnectionNotice /> : <p>{t('access.welcomeText')}</p>}
      <div className="actions actions--stacked">
        {!insecure && (
          <button type="button" className="button button--primary button--large" onClick={onEnroll}>
            {t('access.enrolTitle')}
          </button>
        )}
        <button type="button" className="button button--large" onClick={onOffice}>
          {t('office:openOffice')}
        </button>
      </div>
    </section>
  );
}
