// Namespaces and the typed keys: the German source files define what exists,
// so `t('common:sync.pending')` is checked by the compiler.
import type common from '../../../locales/de/common.json';
import type homeContact from '../../../locales/de/home-contact.json';
import type office from '../../../locales/de/office.json';

export const NAMESPACES = ['common', 'home-contact', 'office'] as const;
export type Namespace = (typeof NAMESPACES)[number];

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: {
      common: typeof common;
      'home-contact': typeof homeContact;
      office: typeof office;
    };
  }
}
