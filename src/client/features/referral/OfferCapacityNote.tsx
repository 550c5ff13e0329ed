// An offer's free places at referral time, offline, from the pulled catalogue:
// the partner's figure with its age, and a warning when the offer is full or
// the figure is older than 30 days (src/domain/offer-capacity.ts). A warning
// never blocks the referral: going anyway is the family's choice.
import { useTranslation } from 'react-i18next';
import { capacityWarnings } from '@domain/offer-capacity';
import type { OfferCapacity } from '@shared/offer-capacity';
import { capacityLine } from './capacity-label';

export function OfferCapacityNote({ capacity, now }: { capacity: OfferCapacity | undefined; now: Date }) {
  const { t } = useTranslation('referral');
  if (capacity === undefined) return null;
  const warnings = capacityWarnings(capacity, now);
  return (
    <span className="offer-capacity" data-testid="offer-capacity">
      <span className="offer-capacity__line">
        {t('capacity.title')}: {capacityLine(t, capacity, now)}
      </span>
      {warnings.map((warning) => (
        <span key={warning} className="offer-capacity__warning" data-testid={`offer-capacity-${warning}`}>
          {t(`capacity.warnings.${warning}`)}
        </span>
      ))}
    </span>
  );
}
