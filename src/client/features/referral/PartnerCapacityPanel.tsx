// Partner view: the free places of the partner organisation's own offers
// (docs/REFERRALS.md, "Capacity"). Tablets show the figure with its date at
// every referral; the server stamps the date and accepts only the partner's
// own offers.
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OfferCapacityInput, PartnerOfferCapacityList } from '@shared/offer-capacity';
import type { OfficeConnection } from '../office/office-api';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { FormFailure } from '../office/FormFailure';
import { LoadFailure } from '../office/LoadFailure';
import { useOfficeData } from '../office/useOfficeData';
import { referralOfficeApi } from './referral-office-api';
import { CapacityForm } from './CapacityForm';
import { capacityLine } from './capacity-label';

type PartnerOffer = PartnerOfferCapacityList['offers'][number];

export function PartnerCapacityPanel({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('referral');
  const titleId = useId();
  const client = useMemo(() => referralOfficeApi(api), [api]);
  const { data, reload } = useOfficeData(() => client.partnerOffers());
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [saved, setSaved] = useState<{ offerId: string; line: string } | null>(null);

  const save = async (offer: PartnerOffer, capacity: OfferCapacityInput) => {
    setBusy(offer.offerId);
    setFailure(null);
    setSaved(null);
    try {
      const answer = await client.setCapacity(offer.offerId, capacity);
      if (answer.capacity !== null) setSaved({ offerId: offer.offerId, line: capacityLine(t, answer.capacity, new Date()) });
      reload();
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby={titleId} data-testid="partner-capacity">
      <h2 id={titleId}>{t('capacity.partner.title')}</h2>
      <p className="hint">{t('capacity.partner.intro')}</p>
      {data.state === 'loading' && <p className="loading">{t('loading')}</p>}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' && data.value.length === 0 && <p>{t('capacity.partner.none')}</p>}
      {failure !== null && <FormFailure failure={failure} />}
      {data.state === 'loaded' &&
        data.value.map((offer) => (
          <section key={offer.offerId} className="referral-item" aria-label={offer.offerName} data-offer-id={offer.offerId}>
            <h3>{offer.offerName}</h3>
            <p>
              {t('capacity.form.current', {
                line: offer.capacity === null ? t('capacity.none') : capacityLine(t, offer.capacity, new Date()),
              })}
            </p>
            {saved?.offerId === offer.offerId && (
              <p className="notice" role="status">
                {t('capacity.form.saved', { line: saved.line })}
              </p>
            )}
            <CapacityForm
              key={offer.capacity?.setAt ?? 'none'}
              current={offer.capacity}
              busy={busy !== null}
              onSave={(capacity) => void save(offer, capacity)}
            />
          </section>
        ))}
    </section>
  );
}
