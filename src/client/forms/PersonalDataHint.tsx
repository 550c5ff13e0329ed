// A polite warning under a free-text field when the text looks like it names or
// locates a family (DESIGN.md §3). It never blocks saving, but the server runs the
// same detector and returns such a record (docs/PERSONAL-DATA-GUARD.md).
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { detectPersonalData } from '@domain/personal-data-detector';
import { useFirstNames } from './useFirstNames';

const MAX_EXCERPT = 40;

function excerpt(text: string, start: number, end: number): string {
  const piece = text.slice(start, end).replace(/\s+/gu, ' ');
  return piece.length > MAX_EXCERPT ? `${piece.slice(0, MAX_EXCERPT - 1)}…` : piece;
}

/**
 * The live region is always there (so screen readers announce it when a finding
 * appears) but holds nothing while the text is clean.
 */
export function PersonalDataHint({ text, id }: { text: string; id?: string }) {
  const { t } = useTranslation('cases');
  const givenNames = useFirstNames();
  const findings = useMemo(() => detectPersonalData(text, givenNames === undefined ? {} : { givenNames }), [text, givenNames]);

  return (
    <div role="status" id={id} className={findings.length > 0 ? 'personal-data-hint' : undefined}>
      {findings.length > 0 && (
        <>
          <p className="personal-data-hint__title">{t('personalData.title')}</p>
          <p className="personal-data-hint__intro">{t('personalData.intro')}</p>
          <ul className="personal-data-hint__list">
            {findings.map((finding) => (
              <li key={`${finding.start}-${finding.kind}`}>
                {t('personalData.finding', {
                  kind: t(`personalData.kind.${finding.kind}`),
                  excerpt: excerpt(text, finding.start, finding.end),
                })}
              </li>
            ))}
          </ul>
          <p className="personal-data-hint__advice">{t('personalData.advice')}</p>
        </>
      )}
    </div>
  );
}
