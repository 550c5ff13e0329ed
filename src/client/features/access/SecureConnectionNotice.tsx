// Says plainly why Lotse cannot be set up on this page: it was opened over plain
// HTTP from another machine, where the browser withholds encryption and offline work.
import { useTranslation } from 'react-i18next';

export function SecureConnectionNotice() {
  const { t } = useTranslation();
  return (
    <div className="form-error" role="alert" aria-labelledby="insecure-title">
      <h2 id="insecure-title">{t('access.insecure.title')}</h2>
      <p>{t('access.insecure.text', { origin: window.location.origin })}</p>
      <p>{t('access.insecure.whatToDo')}</p>
      <p className="hint">{t('access.insecure.trial')}</p>
    </div>
  );
}
