// One line about a screening for the record list: the support need that
// applies (the staff member's override, if any), the score, and whether acute
// danger was reported.
import { useTranslation } from 'react-i18next';
import type { ScreeningContent } from '@shared/records/screening';

export function ScreeningSummary({ content }: { content: ScreeningContent }) {
  const { t } = useTranslation('screening');
  const need = content.override?.supportNeed ?? content.supportNeed;
  const parts = [
    t('summary.score', { score: content.score }),
    ...(content.override ? [t('summary.overridden', { need: t(`supportNeed.${content.supportNeed}`) })] : []),
    ...(content.acuteDanger.length > 0 ? [t('summary.acuteDanger')] : []),
    ...(content.suggestedOffers.length > 0 ? [t('summary.offers', { count: content.suggestedOffers.length })] : []),
  ];
  return (
    <>
      <span className="record__title">{t('summary.title', { need: t(`supportNeed.${need}`) })}</span>
      <span className="record__meta">{parts.join(' · ')}</span>
    </>
  );
}
