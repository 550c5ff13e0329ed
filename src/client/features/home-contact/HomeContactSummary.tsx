// One line about a HOME contact for the record list.
import { useTranslation } from 'react-i18next';
import type { HomeContactContent } from '@shared/records/home-contact';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';

export function HomeContactSummary({ content }: { content: HomeContactContent }) {
  const { t } = useTranslation('home-contact');
  const { storage } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const site = config?.homeSites.find((s) => s.id === content.site)?.label ?? t('unknownSite');
  return (
    <>
      <span className="record__title">
        {t('summary', { site, slot: t(`timeSlot.${content.timeSlot}`), kind: t(`contactKind.${content.contactKind}`) })}
      </span>
      <span className="record__meta">{content.topics.map((topic) => t(`topics.${topic}`)).join(', ')}</span>
    </>
  );
}
