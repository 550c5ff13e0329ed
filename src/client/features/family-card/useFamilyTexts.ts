// Texts for the family, in the FAMILY's language (not the staff's): the
// 'family' namespace of that language is loaded on demand (its chunk is
// precached like every locale); until it exists, i18next falls back to German.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { RTL_LANGUAGES } from '@shared/languages';

const loaders = import.meta.glob<{ default: Record<string, unknown> }>('../../../../locales/*/family.json');

export interface FamilyTexts {
  t: TFunction<'family'>;
  /** Writing direction of the family's language: Arabic and Persian are right-to-left. */
  dir: 'ltr' | 'rtl';
}

export function useFamilyTexts(language: string): FamilyTexts {
  const { i18n } = useTranslation('family');
  const [loaded, setLoaded] = useState<readonly string[]>([]);

  useEffect(() => {
    if (i18n.hasResourceBundle(language, 'family')) return;
    const load = loaders[`../../../../locales/${language}/family.json`];
    if (!load) return; // not translated yet: German fallback
    let alive = true;
    void load().then((bundle) => {
      i18n.addResourceBundle(language, 'family', bundle.default, true, false);
      if (alive) setLoaded((previous) => [...previous, language]);
    });
    return () => {
      alive = false;
    };
  }, [i18n, language]);

  // German (the source) until the family's language has arrived; then its own texts.
  const ready = loaded.includes(language) || i18n.hasResourceBundle(language, 'family');
  const t = useMemo(() => i18n.getFixedT(ready ? language : 'de', 'family'), [i18n, language, ready]);
  return { t, dir: RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr' };
}
