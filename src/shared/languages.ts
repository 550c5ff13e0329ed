// Languages Lotse knows. Staff UI languages are complete translations; family
// languages are the ones a family can be addressed in (DOMAIN.md: Münster's
// mediators speak Arabic, Persian, Russian, Polish, French, English, Turkish,
// Ukrainian besides German). Arabic and Persian are written right-to-left.

export const STAFF_LANGUAGES = ['de', 'en'] as const;
export type StaffLanguage = (typeof STAFF_LANGUAGES)[number];

export const FAMILY_LANGUAGES = ['de', 'en', 'ar', 'fa', 'ru', 'pl', 'fr', 'tr', 'uk'] as const;
export type FamilyLanguage = (typeof FAMILY_LANGUAGES)[number];

/** A family may speak a language Lotse has no texts for; it is still recorded. */
export const SPOKEN_LANGUAGES = [...FAMILY_LANGUAGES, 'other'] as const;
export type SpokenLanguage = (typeof SPOKEN_LANGUAGES)[number];

export const RTL_LANGUAGES: ReadonlySet<string> = new Set(['ar', 'fa']);

/** Each language's own name, shown so a family can find its language whatever the staff UI language is. */
export const LANGUAGE_AUTONYMS: Readonly<Record<FamilyLanguage, string>> = {
  de: 'Deutsch',
  en: 'English',
  ar: 'العربية',
  fa: 'فارسی',
  ru: 'Русский',
  pl: 'Polski',
  fr: 'Français',
  tr: 'Türkçe',
  uk: 'Українська',
};

export function isFamilyLanguage(value: unknown): value is FamilyLanguage {
  return typeof value === 'string' && (FAMILY_LANGUAGES as readonly string[]).includes(value);
}

export function textDirection(language: string): 'rtl' | 'ltr' {
  return RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr';
}
