// Coordination, beside the offer catalogue: each offer's partner key for
// confirmation without an account. Issuing or rotating shows the new key once
// (the server keeps only its hash); the old one stops working at once. The key
// goes to the partner with its information — never onto a referral slip.
import './referral.css';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OfficeConnection } from '../office/office-api';
import { apiErrorKey, type ApiErrorKey } from '../office/office-errors';
import { ConfirmBox } from '../office/ConfirmBox';
import { FormFailure } from '../office/FormFailure';
import { LoadFailure } from '../office/LoadFailure';
import { useOfficeData } from '../office/useOfficeData';
import { CONFIRMATION_PATH } from '../partner-confirmation/confirmation-path';
import { referralOfficeApi } from './referral-office-api';

export function PartnerKeysPanel({ api }: { api: OfficeConnection }) {
  const { t, i18n } = useTranslation('referral');
  const client = useMemo(() => referralOfficeApi(api), [api]);
  const { data, reload } = useOfficeData(async () => {
    const [offers, keys] = await Promise.all([client.listOffers(), client.partnerKeys()]);
    return offers.map((offer) => ({ offer, key: keys.find((k) => k.offerId === offer.id) }));
  });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [rotating, setRotating] = useState<{ id: string; name: string } | null>(null);
  const [shown, setShown] = useState<{ offer: string; key: string } | null>(null);
  const formatDate = (iso: string): string => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));

  const issue = async (offerId: string, offerName: string) => {
    setBusy(true);
    setFailure(null);
    setShown(null);
    try {
      const issued = await client.issuePartnerKey(offerId);
      setShown({ offer: offerName, key: issued.partnerKey });
      setRotating(null);
      reload();
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card office-panel" aria-labelledby="partner-keys-title" data-testid="partner-keys">
      <h2 id="partner-keys-title">{t('partnerKeys.title')}</h2>
      <p className="hint">{t('partnerKeys.intro', { url: `${window.location.origin}${CONFIRMATION_PATH}` })}</p>
      <FormFailure failure={failure} />
      {shown !== null && (
        <div className="notice" role="status" data-testid="partner-key-shown">
          <p>{t('partnerKeys.shownOnce', { offer: shown.offer })}</p>
          <p>
            <bdi dir="ltr" translate="no" className="case-number-text partner-key-value" data-testid="partner-key-value">
              {shown.key}
            </bdi>
          </p>
          <button
            type="button"
            className="button"
            onClick={() => {
              setShown(null);
            }}
          >
            {t('partnerKeys.hide')}
          </button>
        </div>
      )}
      {rotating !== null && (
        <ConfirmBox
          title={t('partnerKeys.issueFor', { offer: rotating.name })}
          confirmLabel={t('partnerKeys.rotate')}
          busy={busy}
          error={null}
          onConfirm={() => void issue(rotating.id, rotating.name)}
          onCancel={() => {
            setRotating(null);
          }}
        >
          {t('partnerKeys.rotateConfirm', { offer: rotating.name })}
        </ConfirmBox>
      )}
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' && (
        <div className="office-table-wrap">
          <table className="office-table">
            <caption>{t('partnerKeys.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('partnerKeys.offer')}</th>
                <th scope="col">{t('partnerKeys.status')}</th>
                <th scope="col">{t('followUp.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.value.map(({ offer, key }) => (
                <tr key={offer.id} data-offer-id={offer.id}>
                  <th scope="row">{offer.name}</th>
                  <td>
                    {key?.keyId != null && key.issuedAt !== null ? (
                      <bdi dir="ltr">{t('partnerKeys.issuedSince', { keyId: key.keyId, date: formatDate(key.issuedAt) })}</bdi>
                    ) : (
                      t('partnerKeys.none')
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      aria-label={t('partnerKeys.issueFor', { offer: offer.name })}
                      onClick={() => {
                        if (key?.keyId != null) setRotating({ id: offer.id, name: offer.name });
                        else void issue(offer.id, offer.name);
                      }}
                    >
                      {key?.keyId != null ? t('partnerKeys.rotate') : t('partnerKeys.issue')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
