// i18next for the staff UI. German is the source language; every locale file
// in /locales/<lang>/<namespace>.json becomes its own lazily loaded chunk,
// which the service worker precaches, so every language works offline. The app
// starts with the first screen's texts in the active language only; the rest
// (other namespaces, the German fallback) follows after the first frame.
import i18next, { type i18n, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { RTL_LANGUAGES, STAFF_LANGUAGES, type StaffLanguage } from '@shared/languages';
import { NAMESPACES, type Namespace } from './resources';

const loaders = import.meta.glob<{ default: Record<string, unknown> }>('../../../locales/*/*.json');

/** What the welcome and lock screens (and the header around them) show. */
export const FIRST_SCREEN_NAMESPACES: readonly Namespace[] = ['common', 'office'];

async function loadLanguage(lang: string, namespaces: readonly Namespace[] = NAMESPACES): Promise<Resource[string]> {
  const bundle: Record<string, Record<string, unknown>> = {};
  await Promise.all(
    namespaces.map(async (ns: Namespace) => {
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

/**
 * Without `namespaces` every namespace of the language and of German (the
 * fallback) is loaded before this resolves. With them, only those namespaces of
 * the active language: the app's start calls `loadRemainingTexts` after its first frame.
 */
export async function initI18n(
  language: StaffLanguage = preferredStaffLanguage(),
  options: { namespaces?: readonly Namespace[] } = {},
): Promise<i18n> {
  const namespaces = options.namespaces ?? NAMESPACES;
  const resources: Resource = { [language]: await loadLanguage(language, namespaces) };
  if (language !== 'de' && options.namespaces === undefined) resources['de'] = await loadLanguage('de');
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'de',
    ns: [...namespaces],
    defaultNS: 'common',
    resources,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    // Texts that arrive after a screen rendered (loadRemainingTexts) re-render it.
    react: { bindI18nStore: 'added' },
  });
  applyDocumentLanguage(language);
  return i18next;
}

/** Loads every namespace not loaded yet, of the active language and of German (the fallback). */
export async function loadRemainingTexts(): Promise<void> {
  const languages = [...new Set([i18next.language, 'de'])];
  const bundles = await Promise.all(
    languages.map(
      async (lang) =>
        [
          lang,
          await loadLanguage(
            lang,
            NAMESPACES.filter((ns) => !i18next.hasResourceBundle(lang, ns)),
          ),
        ] as const,
    ),
  );
  for (const [lang, bundle] of bundles) {
    for (const [ns, resources] of Object.entries(bundle as Record<string, object>)) {
      i18next.addResourceBundle(lang, ns, resources, true, true);
    }
  }
}

export async function changeStaffLanguage(language: StaffLanguage): Promise<void> {
  const missing = NAMESPACES.filter((ns) => !i18next.hasResourceBundle(language, ns));
  if (missing.length > 0) {
    const bundle = await loadLanguage(language, missing);
    for (const [ns, resources] of Object.entries(bundle as Record<string, object>)) {
      i18next.addResourceBundle(language, ns, resources, true, true);
    }
  }
  await i18next.changeLanguage(language);
  applyDocumentLanguage(language);
}

/** The whole document's language and direction (the family's while it holds the tablet, see app/FamilyModeContext). */
export function applyDocumentLanguage(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr';
}
