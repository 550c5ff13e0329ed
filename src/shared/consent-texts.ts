// The consent texts a family is shown, in every family language, and the hash
// of each exact text. The tablet stores the hash of the text it displayed;
// the server accepts a consent only if that hash belongs to a shipped text.
import { canonicalJson } from './canonical-json';
import { sha256Hex } from './content-hash';
import type { FamilyLanguage } from './languages';
import de from '../../locales/de/consent.json';
import en from '../../locales/en/consent.json';
import ar from '../../locales/ar/consent.json';
import fa from '../../locales/fa/consent.json';
import ru from '../../locales/ru/consent.json';
import pl from '../../locales/pl/consent.json';
import fr from '../../locales/fr/consent.json';
import tr from '../../locales/tr/consent.json';
import uk from '../../locales/uk/consent.json';

export type ConsentText = typeof de;

export const CONSENT_TEXTS: Readonly<Record<FamilyLanguage, ConsentText>> = { de, en, ar, fa, ru, pl, fr, tr, uk };

/** The version every shipped text carries (all languages move together). */
export const CONSENT_TEXT_VERSION = de.version;

export function consentTextHash(language: FamilyLanguage): Promise<string> {
  return sha256Hex(canonicalJson(CONSENT_TEXTS[language]));
}

/** True when (version, language, hash) names a text this build ships. */
export async function isShippedConsentText(version: string, language: string, hash: string): Promise<boolean> {
  if (!(language in CONSENT_TEXTS) || version !== CONSENT_TEXT_VERSION) return false;
  return (await consentTextHash(language as FamilyLanguage)) === hash;
}
