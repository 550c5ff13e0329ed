// The screen handed to the parent: the consent text in the family's language,
// large and plain (right-to-left for Arabic and Persian), the scopes to choose,
// and two clear answers. Refusing is one tap.
import { useState } from 'react';
import { CONSENT_TEXTS } from '@shared/consent-texts';
import { CONSENT_SCOPES, type ConsentScope } from '@shared/records/consent';
import { textDirection, type FamilyLanguage } from '@shared/languages';

export function FamilyConsentScreen({
  language,
  onAgree,
  onRefuse,
}: {
  language: FamilyLanguage;
  onAgree: (scopes: ConsentScope[]) => void;
  onRefuse: () => void;
}) {
  const text = CONSENT_TEXTS[language];
  const [scopes, setScopes] = useState<ConsentScope[]>([]);
  const [nudge, setNudge] = useState(false);

  return (
    <section
      className="card family-consent"
      lang={language}
      dir={textDirection(language)}
      aria-labelledby="family-consent-title"
      data-testid="family-consent"
    >
      <h1 id="family-consent-title">{text.title}</h1>
      {text.intro.map((paragraph) => (
        <p key={paragraph}>{paragraph}</p>
      ))}
      <fieldset className="choice-group">
        <legend>{text.scopesHeading}</legend>
        <div className="consent-scopes">
          {CONSENT_SCOPES.map((scope) => (
            <label key={scope} className="choice choice--block">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) => {
                  setNudge(false);
                  setScopes((current) => (e.target.checked ? [...current, scope] : current.filter((s) => s !== scope)));
                }}
              />
              <span>{text.scopes[scope]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {text.rights.map((paragraph) => (
        <p key={paragraph} className="consent-right">
          {paragraph}
        </p>
      ))}
      {nudge && (
        <p className="form-error" role="alert">
          {text.chooseOne}
        </p>
      )}
      <div className="actions consent-answers">
        <button
          type="button"
          className="button button--primary button--large"
          onClick={() => {
            if (scopes.length === 0) setNudge(true);
            else onAgree(CONSENT_SCOPES.filter((s) => scopes.includes(s)));
          }}
        >
          {text.agree}
        </button>
        <button type="button" className="button button--large" onClick={onRefuse}>
          {text.refuse}
        </button>
      </div>
    </section>
  );
}
