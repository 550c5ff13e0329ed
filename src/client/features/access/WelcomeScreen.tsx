// The first screen of a browser that is not an enrolled tablet: two plain ways
// in — the office sign-in (partners, coordinators, administration on an office
// PC) or setting this tablet up (coordination). Nothing about the choice is
// remembered. Opened over plain HTTP from another machine, the tablet cannot be
// enrolled, and the screen says what is needed instead.
import { useTranslation } from 'react-i18next';
import { needsSecureConnection } from '../../app/secure-context';
import { SecureConnectionNotice } from './SecureConnectionNotice';

export function WelcomeScreen({ onEnroll, onOffice }: { onEnroll: () => void; onOffice: () => void }) {
  const { t } = useTranslation();
  const insecure = needsSecureConnection();
  return (
    <section className="card welcome" aria-labelledby="welcome-title" data-testid="welcome">
      <h1 id="welcome-title">{t('access.welcomeTitle')}</h1>
      <p>{t('access.welcomeText')}</p>
      <div className="entry-choices">
        <div className="entry-choice">
          <button type="button" className="button button--primary button--large" aria-describedby="welcome-office-text" onClick={onOffice}>
            {t('access.welcomeOffice')}
          </button>
          <p id="welcome-office-text" className="hint">
            {t('access.welcomeOfficeText')}
          </p>
        </div>
        <div className="entry-choice">
          {insecure ? (
            <SecureConnectionNotice />
          ) : (
            <>
              <button
                type="button"
                className="button button--primary button--large"
                aria-describedby="welcome-enrol-text"
                onClick={onEnroll}
              >
                {t('access.welcomeEnrol')}
              </button>
              <p id="welcome-enrol-text" className="hint">
                {t('access.welcomeEnrolText')}
              </p>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
