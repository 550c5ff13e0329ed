// The call-back numbers the partner opened on this page, shown until the call
// is made.
import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
export interface OpenedNumber {
  referralId: string;
  offerName: string;
  phone: string;
}

/**
 * The numbers opened on this page, until the call is made: kept across
 * look-ups (each was shown once and is gone on the server), and the browser
 * asks before the page is left while any is still here.
 */
export function OpenedNumbers({ numbers, onDone }: { numbers: readonly OpenedNumber[]; onDone: (referralId: string) => void }) {
  const { t } = useTranslation('referral');
  const id = useId();
  useEffect(() => {
    if (numbers.length === 0) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [numbers.length]);
  if (numbers.length === 0) return null;
  return (
    <section className="callback callback--open" aria-labelledby={`${id}-title`} data-testid="callback-numbers">
      <h3 id={`${id}-title`}>{t('partner.callback.openedTitle')}</h3>
      <p className="hint">{t('partner.callback.openedHint')}</p>
      <ul className="callback-numbers">
        {numbers.map((entry) => (
          <li key={entry.referralId} data-testid="callback-number">
            <p>
              {entry.offerName} · {t('partner.callback.number')}:{' '}
              <a className="callback-phone" href={`tel:${entry.phone.replace(/[^0-9+]/g, '')}`} dir="ltr">
                {entry.phone}
              </a>
            </p>
            <button
              type="button"
              className="button"
              onClick={() => {
                onDone(entry.referralId);
              }}
            >
              {t('partner.callback.done')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
