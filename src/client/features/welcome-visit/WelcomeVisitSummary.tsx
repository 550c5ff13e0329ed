// One line about a welcome visit for the record list: week of life, then the
// topics talked about, the items handed over and how many offers were recommended.
import { useTranslation } from 'react-i18next';
import type { WelcomeVisitAttemptContent, WelcomeVisitContent } from '@shared/records/welcome-visit';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { welcomeItemLabel } from './welcome-items';

export function WelcomeVisitSummary({ content }: { content: WelcomeVisitContent }) {
  const { t } = useTranslation('welcome-visit');
  const { storage } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const parts = [
    ...content.topics.map((topic) => t(`topics.${topic}`)),
    ...content.itemsHandedOver.map((item) => welcomeItemLabel(item, config, t)),
    ...(content.offersRecommended.length > 0 ? [t('summary.recommended', { count: content.offersRecommended.length })] : []),
  ];
  return (
    <>
      <span className="record__title">{t('summary.visit', { week: content.weekOfLife })}</span>
      <span className="record__meta">{parts.length > 0 ? parts.join(', ') : t('summary.nothing')}</span>
    </>
  );
}

/** A visit that did not take place: only its outcome (the date is the record's). */
export function WelcomeVisitAttemptSummary({ content }: { content: WelcomeVisitAttemptContent }) {
  const { t } = useTranslation('welcome-visit');
  return <span className="record__title">{t('summary.attempt', { outcome: t(`outcome.${content.outcome}`) })}</span>;
}
