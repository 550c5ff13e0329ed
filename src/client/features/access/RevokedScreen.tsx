// Shown after the backend said this tablet was revoked: everything it held
// has been deleted before anything was shown.
import { useTranslation } from 'react-i18next';

export function RevokedScreen({ onRestart }: { onRestart: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="card narrow" aria-labelledby="revoked-title" data-testid="revoked">
      <h1 id="revoked-title">{t('access.revokedTitle')}</h1>
      <p>{t('access.revokedText')}</p>
      <button type="button" className="button button--primary button--large" onClick={onRestart}>
        {t('access.restart')}
      </button>
    </section>
  );
}
