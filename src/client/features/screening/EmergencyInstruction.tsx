// Child protection (§ 8a SGB VIII): the moment an answer signals acute danger,
// a full-screen instruction to phone now, with the numbers configured for this
// tablet's municipality in their order — shown offline, never waiting for sync.
// Focus moves to it; the form behind it is inert until the staff member returns.
// A municipality may have it start discreetly (src/shared/emergency-instruction.ts):
// the family may be watching, possibly with the person they fear, so the first
// view is a neutral notice without red or alarming words until staff open it.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceConfig } from '@shared/protocol';
import { DEFAULT_EMERGENCY_PRESENTATION, type EmergencyPresentation } from '@shared/emergency-instruction';

/** Keeps the digits and a leading plus: what a tel: link dials. */
export function telHref(phone: string): string {
  const trimmed = phone.trim();
  return `tel:${(trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '')}`;
}

export function EmergencyInstruction({
  contacts,
  presentation = DEFAULT_EMERGENCY_PRESENTATION,
  questions,
  onReturn,
}: {
  contacts: DeviceConfig['emergencyContacts'];
  /** From the cached configuration; absent in one cached before it existed: the built-in presentation. */
  presentation?: EmergencyPresentation | undefined;
  /** The questions (already in the staff language) whose answers triggered it. */
  questions: string[];
  onReturn: () => void;
}) {
  const { t, i18n } = useTranslation('screening');
  // Staff-facing: in the staff language and its direction, even while the page around it is
  // laid out for a family language written right to left.
  const language = { lang: i18n.language, dir: i18n.dir(i18n.language) };
  const dialog = useRef<HTMLDivElement>(null);
  const title = useRef<HTMLHeadingElement>(null);
  const [expanded, setExpanded] = useState(!presentation.discreet);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.focus();
    return () => {
      previous?.focus();
    };
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') onReturn();
  };
  const back = (
    <button type="button" className="button button--large button--wide screening-emergency__back" onClick={onReturn}>
      {t('emergency.back')}
    </button>
  );

  if (!expanded) {
    return (
      <div
        ref={dialog}
        className="screening-emergency screening-emergency--discreet"
        {...language}
        role="dialog"
        aria-modal="true"
        aria-labelledby="screening-emergency-title"
        aria-describedby="screening-emergency-intro"
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div className="screening-emergency__body">
          <h1 id="screening-emergency-title">{presentation.discreetTitle ?? t('emergency.discreetTitle')}</h1>
          <p id="screening-emergency-intro">{t('emergency.discreetText')}</p>
          <button
            type="button"
            className="button button--primary button--large button--wide"
            onClick={() => {
              setExpanded(true);
              // The heading of what is now shown gets the focus (the button is gone).
              requestAnimationFrame(() => title.current?.focus());
            }}
          >
            {t('emergency.expand')}
          </button>
          {back}
        </div>
      </div>
    );
  }

  return (
    <div
      ref={dialog}
      className="screening-emergency"
      {...language}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="screening-emergency-title"
      aria-describedby="screening-emergency-intro"
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <div className="screening-emergency__body">
        <h1 id="screening-emergency-title" ref={title} tabIndex={-1}>
          {presentation.title ?? t('emergency.title')}
        </h1>
        <p id="screening-emergency-intro">{presentation.intro ?? t('emergency.intro')}</p>
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
        {back}
      </div>
    </div>
  );
}
