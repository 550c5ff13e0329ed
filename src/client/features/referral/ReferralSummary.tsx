// One line about a referral for the record list: how many offers, the case,
// whether the family asked for a call-back (never the number: the tablet cannot
// read it), and — once pulled from the backend — how far each offer was taken up.
import { useTranslation } from 'react-i18next';
import type { ReferralContent } from '@shared/records/referral';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';

export function ReferralSummary({ recordId, content, caseNumber }: { recordId: string; content: ReferralContent; caseNumber: string }) {
  const { t } = useTranslation('referral');
  const { storage } = useAppServices();
  const stored = useStoredValue(storage, async (s) => ({ states: await s.device.referralStates(), catalog: await s.device.offers() }));
  const mine = (stored?.states ?? []).filter((state) => state.recordId === recordId);
  const offerName = (offerId: string): string => stored?.catalog?.offers.find((offer) => offer.id === offerId)?.name ?? offerId;
  return (
    <>
      <span className="record__title">{t('summary', { count: content.offerIds.length })}</span>
      <bdi dir="ltr" className="case-number-text record__meta">
        {caseNumber}
      </bdi>
      {content.callbackOfferId !== undefined && (
        <span className="record__meta" data-testid="referral-callback">
          {t('tablet.callback.requestedFrom', { offer: offerName(content.callbackOfferId) })}
        </span>
      )}
      {mine.length > 0 && (
        <ul className="record__meta referral-states" aria-label={t('tablet.statesLabel')}>
          {mine.map((state) => (
            <li key={state.id} data-offer-id={state.offerId} data-state={state.state}>
              {offerName(state.offerId)}: {t(`states.${state.state}`)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
