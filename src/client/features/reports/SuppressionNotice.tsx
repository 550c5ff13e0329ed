// The plain-language box beside every report and in the Sachbericht: why some
// entries show "*" instead of a number, and what that means for the totals.
import { useTranslation } from 'react-i18next';
import { LARGEST_HIDDEN_COUNT, SMALLEST_HIDDEN_COUNT, SUPPRESSED_MARK } from '@domain/suppressed-notation';
import { MEDIAN_MIN_REFERRALS } from '@domain/funnel';

export function SuppressionNotice() {
  const { t } = useTranslation('reports');
  const values = { mark: SUPPRESSED_MARK, min: SMALLEST_HIDDEN_COUNT, max: LARGEST_HIDDEN_COUNT, median: MEDIAN_MIN_REFERRALS };
  return (
    <aside className="report-suppression" aria-labelledby="report-suppression-title" data-testid="suppression-notice">
      <h3 id="report-suppression-title">{t('suppressed.title', values)}</h3>
      <p>{t('suppressed.why', values)}</p>
      <p>{t('suppressed.secondary', values)}</p>
      <p>{t('suppressed.totals', values)}</p>
      <p>{t('suppressed.measures', values)}</p>
      <p>{t('suppressed.charts', values)}</p>
    </aside>
  );
}
