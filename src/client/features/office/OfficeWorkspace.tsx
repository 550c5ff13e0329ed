// What a signed-in person may do in the office area, by role: admins manage
// organisations, staff, tablets and the municipality's settings; coordinators manage tablets; others get a
// clear "nothing here for you". The server checks every route again.
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '@shared/protocol';
import type { OfficeConnection } from './office-api';
import { DevicesPanel } from './DevicesPanel';
import { OrganisationsPanel } from './OrganisationsPanel';
import { StaffPanel } from './StaffPanel';
import { SettingsPanel } from './SettingsPanel';
import { SecondFactorPolicyPanel } from './SecondFactorPolicyPanel';
import { QuestionnairePanel } from './QuestionnairePanel';
import { FollowUpPanel } from '../referral/FollowUpPanel';
import { PartnerKeysPanel } from '../referral/PartnerKeysPanel';
import { OfferCatalogPanel } from '../referral/OfferCatalogPanel';
import { PartnerReferralsPanel } from '../referral/PartnerReferralsPanel';
import { PartnerCapacityPanel } from '../referral/PartnerCapacityPanel';

// Reports are a chunk of their own: only coordinators open them, and only online.
const ReportsPanel = lazy(() => import('../reports/ReportsPanel').then((m) => ({ default: m.ReportsPanel })));

export type OfficeSection =
  'organisations' | 'staff' | 'tablets' | 'settings' | 'questionnaire' | 'offers' | 'followUp' | 'reports' | 'partnerReferrals';

export function officeSections(roles: readonly Role[]): OfficeSection[] {
  const sections: OfficeSection[] = [];
  if (roles.includes('admin')) sections.push('organisations', 'staff', 'tablets', 'settings');
  else if (roles.includes('coordinator')) sections.push('tablets');
  // Referrals (src/client/features/referral): the catalogue and follow-up for coordinators, uptake for partners.
  if (roles.includes('admin') || roles.includes('coordinator')) sections.push('questionnaire');
  if (roles.includes('coordinator')) sections.push('offers', 'followUp', 'reports');
  if (roles.includes('partner')) sections.push('partnerReferrals');
  return sections;
}

export function OfficeWorkspace({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('office');
  const sections = officeSections(api.user.roles);
  const [chosen, setChosen] = useState<OfficeSection | undefined>(sections[0]);

  if (chosen === undefined) {
    return (
      <section className="card" aria-labelledby="office-no-functions-title" data-testid="office-no-functions">
        <h2 id="office-no-functions-title">{t('noFunctions.title')}</h2>
        <p>{t('noFunctions.text')}</p>
      </section>
    );
  }

  return (
    <>
      {sections.length > 1 && (
        <nav className="office-nav" aria-label={t('nav.label')}>
          {sections.map((section) => (
            <button
              key={section}
              type="button"
              className={section === chosen ? 'button button--primary' : 'button'}
              aria-current={section === chosen ? 'page' : undefined}
              onClick={() => {
                setChosen(section);
              }}
            >
              {t(`nav.${section}`)}
            </button>
          ))}
        </nav>
      )}
      {chosen === 'organisations' && <OrganisationsPanel api={api} />}
      {chosen === 'staff' && <StaffPanel api={api} />}
      {chosen === 'tablets' && <DevicesPanel api={api} />}
      {chosen === 'settings' && (
        <>
          <SettingsPanel api={api} />
          <SecondFactorPolicyPanel api={api} />
        </>
      )}
      {chosen === 'questionnaire' && <QuestionnairePanel api={api} />}
      {chosen === 'reports' && (
        <Suspense fallback={<p className="loading">{t('loading')}</p>}>
          <ReportsPanel api={api} />
        </Suspense>
      )}
      {chosen === 'offers' && (
        <>
          <OfferCatalogPanel api={api} />
          <PartnerKeysPanel api={api} />
        </>
      )}
      {chosen === 'followUp' && <FollowUpPanel api={api} />}
      {chosen === 'partnerReferrals' && (
        <>
          <PartnerReferralsPanel api={api} />
          <PartnerCapacityPanel api={api} />
        </>
      )}
    </>
  );
}
