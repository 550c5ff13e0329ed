// Namespaces and the typed keys: the German source files define what exists,
// so `t('common:sync.pending')` is checked by the compiler.
import type approval from '../../../locales/de/approval.json';
import type cases from '../../../locales/de/cases.json';
import type common from '../../../locales/de/common.json';
import type family from '../../../locales/de/family.json';
import type homeContact from '../../../locales/de/home-contact.json';
import type mediation from '../../../locales/de/mediation.json';
import type welcomeVisit from '../../../locales/de/welcome-visit.json';
import type office from '../../../locales/de/office.json';
import type screening from '../../../locales/de/screening.json';
import type district from '../../../locales/de/district.json';
import type reports from '../../../locales/de/reports.json';
import type records from '../../../locales/de/records.json';
import type questionnaire from '../../../locales/de/questionnaire.json';
import type referral from '../../../locales/de/referral.json';

/**
 * `family` holds only family-facing texts (in every family language); the
 * others are staff-facing (German and English).
 */
export const NAMESPACES = [
  'common',
  'home-contact',
  'welcome-visit',
  'mediation',
  'office',
  'cases',
  'family',
  'screening',
  'approval',
  'district',
  'reports',
  'records',
  'questionnaire',
  'referral',
] as const;
export type Namespace = (typeof NAMESPACES)[number];

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: {
      common: typeof common;
      'home-contact': typeof homeContact;
      'welcome-visit': typeof welcomeVisit;
      mediation: typeof mediation;
      office: typeof office;
      cases: typeof cases;
      family: typeof family;
      screening: typeof screening;
      approval: typeof approval;
      district: typeof district;
      reports: typeof reports;
      records: typeof records;
      questionnaire: typeof questionnaire;
      referral: typeof referral;
    };
  }
}
