// Screen texts come from the German locale files, so tests follow the wording.
import common from '../../../locales/de/common.json';
import homeContact from '../../../locales/de/home-contact.json';
import consentDe from '../../../locales/de/consent.json';
import consentAr from '../../../locales/ar/consent.json';
import cases from '../../../locales/de/cases.json';
import records from '../../../locales/de/records.json';

export const de = { common, homeContact, consent: consentDe, cases, records };
export const ar = { consent: consentAr };
