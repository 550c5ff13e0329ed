import { describe, expect, it } from 'vitest';
import { CONSENT_TEXTS, CONSENT_TEXT_VERSION, consentTextHash, isShippedConsentText } from '@shared/consent-texts';
import { FAMILY_LANGUAGES } from '@shared/languages';
import { consentContentSchema } from '@shared/records/consent';

describe('shipped consent texts', () => {
  it('exist in every family language, all of the same version, each with its own hash', async () => {
    const hashes = new Set<string>();
    for (const language of FAMILY_LANGUAGES) {
      expect(CONSENT_TEXTS[language].version).toBe(CONSENT_TEXT_VERSION);
      const hash = await consentTextHash(language);
      expect(await isShippedConsentText(CONSENT_TEXT_VERSION, language, hash)).toBe(true);
      hashes.add(hash);
    }
    expect(hashes.size).toBe(FAMILY_LANGUAGES.length);
  });

  it('refuses a hash of another language, another version, an unknown language or a changed text', async () => {
    const de = await consentTextHash('de');
    expect(await isShippedConsentText(CONSENT_TEXT_VERSION, 'ar', de)).toBe(false);
    expect(await isShippedConsentText('2025-01', 'de', de)).toBe(false);
    expect(await isShippedConsentText(CONSENT_TEXT_VERSION, 'xx', de)).toBe(false);
    expect(
      await isShippedConsentText(
        CONSENT_TEXT_VERSION,
        'de',
        de.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    ).toBe(false);
  });

  it('the consent schema refuses no scope, an unknown language and a mediator language without a mediator', async () => {
    const valid = {
      scopes: ['documentation'],
      setting: 'screening',
      language: 'fa',
      textVersion: CONSENT_TEXT_VERSION,
      textHash: await consentTextHash('fa'),
      mediatorPresent: false,
      givenAt: '2026-11-20T08:00:00.000Z',
    };
    expect(consentContentSchema.safeParse(valid).success).toBe(true);
    expect(consentContentSchema.safeParse({ ...valid, scopes: [] }).error?.issues[0]?.message).toBe('scopesRequired');
    expect(consentContentSchema.safeParse({ ...valid, language: 'xx' }).success).toBe(false);
    expect(consentContentSchema.safeParse({ ...valid, mediatorLanguage: 'ar' }).success).toBe(false);
    expect(consentContentSchema.safeParse({ ...valid, familyName: 'Muster' }).success).toBe(false);
  });
});
