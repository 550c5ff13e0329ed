// i18next for the staff UI. German is the source language; every locale file
// in /locales/<lang>/<namespace>.json becomes its own lazily loaded chunk,
// which the service worker precaches, so every language works offline.
import i18next, { type i18n, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { RTL_LANGUAGES, STAFF_LANGUAGES, type StaffLanguage } from '../../shared/languages';
import { NAMESPACES, type Namespace } from './resources';

const loaders = import.meta.glob<{ default: Record<string, unknown> }>('../../../locales/*/*.json');

async function loadLanguage(lang: string): Promise<Resource[string]> {
  const bundle: Record<string, Record<string, unknown>> = {};
  await Promise.all(
    NAMESPACES.map(async (ns: Namespace) => {
      const load = loaders[`../../../locales/${lang}/${ns}.json`];
      if (load) bundle[ns] = (await load()).default;
    }),
  );
  return bundle;
}

export function isStaffLanguage(value: unknown): value is StaffLanguage {
  return typeof value === 'string' && (STAFF_LANGUAGES as readonly string[]).includes(value);
}

export function preferredStaffLanguage(): StaffLanguage {
  for (const tag of navigator.languages) {
    const base = tag.split('-')[0];
    if (isStaffLanguage(base)) return base;
  }
  return 'de';
}

export async function initI18n(language: StaffLanguage = preferredStaffLanguage()): Promise<i18n> {
  const resources: Resource = { de: await loadLanguage('de') };
  if (language !== 'de') resources[language] = await loadLanguage(language);
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'de',
    ns: [...NAMESPACES],
    defaultNS: 'common',
    resources,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  applyDocumentLanguage(language);
  return i18next;
}

export async function changeStaffLanguage(language: StaffLanguage): Promise<void> {
  if (!i18next.hasResourceBundle(language, 'common')) {
    const bundle = await loadLanguage(language);
    for (const [ns, resources] of Object.entries(bundle as Record<string, object>)) {
      i18next.addResourceBundle(language, ns, resources, true, true);
    }
  }
  await i18next.changeLanguage(language);
  applyDocumentLanguage(language);
}

function applyDocumentLanguage(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr';
}
