// A list that could not be loaded: why, and a way to try again.
import { useTranslation } from 'react-i18next';
import { apiErrorKey } from './office-errors';

export function LoadFailure({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation('office');
  return (
    <div className="office-load-failure">
      <p className="form-error" role="alert">
        {t(apiErrorKey(error, 'load'))}
      </p>
      <button type="button" className="button" onClick={onRetry}>
        {t('retry')}
      </button>
    </div>
  );
}
