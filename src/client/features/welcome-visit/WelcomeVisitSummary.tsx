// One line about a welcome visit for the record list: week of life, then the
// topics talked about and the items handed over.
import { useTranslation } from 'react-i18next';
import { DEFAULT_WELCOME_ITEMS, type WelcomeVisitAttemptContent, type WelcomeVisitContent } from '../../../shared/records/welcome-visit';

type DefaultItem = (typeof DEFAULT_WELCOME_ITEMS)[number];
const isDefaultItem = (id: string): id is DefaultItem => (DEFAULT_WELCOME_ITEMS as readonly string[]).includes(id);

export function WelcomeVisitSummary({ content }: { content: WelcomeVisitContent }) {
  const { t } = useTranslation('welcome-visit');
  const parts = [
    ...content.topics.map((topic) => t(`topics.${topic}`)),
    // A municipality's own item ids have no translation here: shown as they are.
    ...content.itemsHandedOver.map((item) => (isDefaultItem(item) ? t(`items.${item}`) : item)),
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
