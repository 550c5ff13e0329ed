// Child protection (§ 8a SGB VIII): the moment an answer signals acute danger,
// a full-screen instruction to phone now, with the numbers configured for this
// tablet — shown offline, never waiting for sync. Focus moves to it; the form
// behind it is inert until the staff member returns.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceConfig } from '@shared/protocol';

/** Keeps the digits and a leading plus: what a tel: link dials. */
export function telHref(phone: string): string {
  const trimmed = phone.trim();
  return `tel:${(trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '')}`;
}

export function EmergencyInstruction({
  contacts,
  questions,
  onReturn,
}: {
  contacts: DeviceConfig['emergencyContacts'];
  /** The questions (already in the staff language) whose answers triggered it. */
  questions: string[];
  onReturn: () => void;
}) {
  const { t } = useTranslation('screening');
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.focus();
    return () => {
      previous?.focus();
    };
  }, []);

  return (
    <div
      ref={dialog}
      className="screening-emergency"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="screening-emergency-title"
      aria-describedby="screening-emergency-intro"
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onReturn();
      }}
    >
      <div className="screening-emergency__body">
        <h1 id="screening-emergency-title">{t('emergency.title')}</h1>
        <p id="screening-emergency-intro">{t('emergency.intro')}</p>
        {contacts.length > 0 ? (
          <ul className="screening-emergency__contacts">
            {contacts.map((contact) => (
              <li key={`${contact.label}-${contact.phone}`}>
                <a className="button button--danger button--large button--wide screening-emergency__call" href={telHref(contact.phone)}>
                  <span className="screening-emergency__label">{contact.label}</span>{' '}
                  <bdi dir="ltr" className="screening-emergency__phone">
                    {contact.phone}
                  </bdi>
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <>
            <p>{t('emergency.noContacts')}</p>
            <ul className="screening-emergency__contacts">
              <li>
                <a className="button button--danger button--large button--wide screening-emergency__call" href="tel:110">
                  {t('emergency.fallback')}
                </a>
              </li>
            </ul>
          </>
        )}
        {questions.length > 0 && (
          <div className="screening-emergency__questions">
            <p>{t('emergency.triggeredBy')}</p>
            <ul>
              {questions.map((question) => (
                <li key={question}>{question}</li>
              ))}
            </ul>
          </div>
        )}
        <button type="button" className="button button--large button--wide" onClick={onReturn}>
          {t('emergency.back')}
        </button>
      </div>
    </div>
  );
}
