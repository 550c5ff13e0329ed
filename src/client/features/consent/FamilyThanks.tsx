// What the family sees once its answer is saved, in its language: thanks,
// what happened, and to hand the tablet back (the staff outcome comes after).
import { useId, type ReactNode } from 'react';
import type { FamilyLanguage } from '@shared/languages';
import { useFamilyTexts } from '../family-card/useFamilyTexts';

export function FamilyThanks({ language, agreed, children }: { language: FamilyLanguage; agreed: boolean; children?: ReactNode }) {
  const { t, dir } = useFamilyTexts(language);
  const titleId = useId();
  return (
    <section className="card family-consent" lang={language} dir={dir} aria-labelledby={titleId} data-testid="family-thanks">
      <h1 id={titleId}>{t('mode.thanksTitle')}</h1>
      <p>{agreed ? t('mode.agreed') : t('mode.refused')}</p>
      <p className="family-thanks__next">{t('mode.handBack')}</p>
      {children}
    </section>
  );
}
