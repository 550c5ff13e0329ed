// The one-time password from a reset, shown to the admin exactly once: it lives only in this
// component's props (never stored, never in a URL or a log); closing the box forgets it.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ONE_TIME_PASSWORD_TTL_HOURS } from '@shared/password-api';

export interface IssuedPassword {
  name: string;
  oneTimePassword: string;
  expiresAt: string;
}

export function OneTimePasswordNotice({ issued, onDone }: { issued: IssuedPassword; onDone: () => void }) {
  const { t, i18n } = useTranslation('office');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, []);
  const until = new Date(issued.expiresAt).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div
      ref={box}
      className="office-confirm"
      role="alertdialog"
      aria-labelledby="office-otp-title"
      tabIndex={-1}
      data-testid="office-one-time-password"
    >
      <h3 id="office-otp-title">{t('staff.reset.issuedTitle', { name: issued.name })}</h3>
      <p>
        <code className="one-time-password" dir="ltr">
          {issued.oneTimePassword}
        </code>
      </p>
      <p>{t('staff.reset.issuedText', { hours: ONE_TIME_PASSWORD_TTL_HOURS, until })}</p>
      <div className="actions">
        <button type="button" className="button button--primary" onClick={onDone}>
          {t('staff.reset.done')}
        </button>
      </div>
    </div>
  );
}
