// One line about a referral for the record list: how many offers, and the case.
import { useTranslation } from 'react-i18next';
import type { ReferralContent } from '../../../shared/records/referral';

export function ReferralSummary({ content, caseNumber }: { content: ReferralContent; caseNumber: string }) {
  const { t } = useTranslation('referral');
  return (
    <>
      <span className="record__title">{t('summary', { count: content.offerIds.length })}</span>
      <bdi dir="ltr" className="case-number-text record__meta">
        {caseNumber}
      </bdi>
    </>
  );
}
