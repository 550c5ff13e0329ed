// The public page's second task (docs/REFERRALS.md, "Capacity"): a partner
// without an account reports the free places of its offer with the offer's
// partner key alone — no slip code, since nothing about a family is involved.
// The key goes only in request bodies; nothing is stored in the browser.
import { useId, useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parsePartnerKey } from '@domain/slip-code';
import { publicCapacitySchema, type OfferCapacityInput, type PublicCapacity as Found } from '@shared/offer-capacity';
import { RequestError, request } from '../../http/request';
import { CapacityForm } from '../referral/CapacityForm';
import { capacityLine } from '../referral/capacity-label';
import { PartnerKeyField } from './PartnerKeyField';

type Problem = 'invalidPartnerKey' | 'wrongKey' | 'throttled' | 'invalid' | 'failed';

function problemOf(error: unknown): Problem {
  if (!(error instanceof RequestError)) return 'failed';
  if (error.status === 429) return 'throttled';
  if (error.status === 403) return 'wrongKey';
  if (error.status === 400) return 'invalid';
  return 'failed';
}

export function PublicCapacity({ initialKey, onBack }: { initialKey: string; onBack: () => void }) {
  const { t } = useTranslation('referral');
  const keyId = useId();
  const [partnerKey, setPartnerKey] = useState(initialKey);
  const [found, setFound] = useState<(Found & { key: string }) | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const call = async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const lookup = (event: SyntheticEvent) => {
    event.preventDefault();
    const key = parsePartnerKey(partnerKey);
    if (key === null) {
      setProblem('invalidPartnerKey');
      return;
    }
    void call(async () => {
      const answer = await request('/api/public/capacity/lookup', {
        method: 'POST',
        answer: publicCapacitySchema,
        body: { partnerKey: key },
      });
      setFound({ ...answer, key });
      setSaved(null);
    });
  };

  const save = (key: string, capacity: OfferCapacityInput) =>
    void call(async () => {
      const answer = await request('/api/public/capacity', {
        method: 'POST',
        answer: publicCapacitySchema,
        body: { partnerKey: key, capacity },
      });
      setFound({ ...answer, key });
      setSaved(answer.capacity === null ? null : capacityLine(t, answer.capacity, new Date()));
    });

  const alert = (
    <div role="alert">
      {problem !== null && (
        <p className="form-error" data-testid="public-capacity-error">
          {problem === 'invalidPartnerKey' || problem === 'throttled' || problem === 'failed'
            ? t(`public.errors.${problem}`)
            : t(`capacity.public.${problem}`)}
        </p>
      )}
    </div>
  );

  return (
    <section aria-labelledby={`${keyId}-title`} data-testid="public-capacity">
      <h2 id={`${keyId}-title`}>{t('capacity.public.title')}</h2>
      {found === null ? (
        <form onSubmit={lookup} noValidate>
          <p className="hint">{t('capacity.public.intro')}</p>
          <PartnerKeyField id={keyId} value={partnerKey} invalid={problem === 'invalidPartnerKey'} onChange={setPartnerKey} />
          {alert}
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('public.check')}
            </button>
            <button type="button" className="button" onClick={onBack}>
              {t('capacity.public.back')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <dl className="referral-facts">
            <dt>{t('capacity.public.offer')}</dt>
            <dd data-testid="public-capacity-offer">{found.offerName}</dd>
            <dt>{t('capacity.title')}</dt>
            <dd data-testid="public-capacity-current">
              {found.capacity === null ? t('capacity.none') : capacityLine(t, found.capacity, new Date())}
            </dd>
          </dl>
          {saved !== null && (
            <p className="notice" role="status" data-testid="public-capacity-saved">
              {t('capacity.public.saved', { line: saved })}
            </p>
          )}
          {alert}
          <CapacityForm
            key={found.capacity?.setAt ?? 'none'}
            current={found.capacity}
            busy={busy}
            onSave={(capacity) => {
              save(found.key, capacity);
            }}
          />
          <div className="actions">
            <button type="button" className="button" onClick={onBack}>
              {t('capacity.public.back')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
