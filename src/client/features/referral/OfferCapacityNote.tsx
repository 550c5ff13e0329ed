// An offer's free places at referral time, offline, from the pulled catalogue:
// the partner's figure with its age, and a warning when the offer is full or
// the figure is older than 30 days (src/domain/offer-capacity.ts). A warning
// never blocks the referral: going anyway is the family's choice.
import { useTranslation } from 'react-i18next';
import { capacityWarnings } from '@domain/offer-capacity';
import type { OfferCapacity } from '@shared/offer-capacity';
import { capacityLine } from './capacity-label';

export interface OfferCapacityNoteProps {
  capacity: OfferCapacity | undefined;
  now: Date;
  /** In a table (the coordinator's catalogue): the figure and a short "older than 30 days", no sentences. */
  compact?: boolean;
}

export function OfferCapacityNote({ capacity, now, compact = false }: OfferCapacityNoteProps) {
  const { t } = useTranslation('referral');
  if (capacity === undefined) return null;
  const warnings = capacityWarnings(capacity, now);
  if (compact) {
    return (
      <span className="offer-capacity" data-testid="offer-capacity">
        <span className="offer-capacity__line">{capacityLine(t, capacity, now)}</span>
        {warnings.includes('stale') && (
          <span className="offer-capacity__warning" data-testid="offer-capacity-stale">
            {t('capacity.staleShort')}
          </span>
        )}
      </span>
    );
  }
  return (
    <span className="offer-capacity" data-testid="offer-capacity">
      <span className="offer-capacity__line">{capacityLine(t, capacity, now)}</span>
      {warnings.map((warning) => (
        <span key={warning} className="offer-capacity__warning" data-testid={`offer-capacity-${warning}`}>
          {t(`capacity.warnings.${warning}`)}
        </span>
      ))}
    </span>
  );
}
