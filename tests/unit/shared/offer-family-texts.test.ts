// An offer's texts for families per language: the family's language where the
// catalogue has it, else German marked as German; a translation needs its German
// text; empty translations are not kept.
import { describe, expect, it } from 'vitest';
import { compactTranslations, familyText, translationsWithoutGerman, type Offer } from '@shared/offers';
import { offerRequestSchema } from '@shared/referral-api';

/** A whole offer around the family texts under test, checked by the office's request schema. */
function offerRequestSchemaFor(texts: Pick<Offer, 'hours' | 'whatToBring' | 'cost' | 'directions' | 'translations'>) {
  return offerRequestSchema.safeParse({
    id: 'elterncafe-nord',
    name: 'Elterncafé Nord',
    organisation: 'Familienzentrum Nord',
    type: 'elterncafe',
    agePhases: ['baby'],
    fields: ['social'],
    districts: [],
    languages: ['de', 'ar'],
    address: '',
    phone: '',
    partnerOrganisationId: null,
    ...texts,
  });
}

const offer: Pick<Offer, 'hours' | 'whatToBring' | 'cost' | 'directions' | 'translations'> = {
  hours: 'Di 10–12',
  whatToBring: 'Mutterpass',
  cost: 'kostenlos',
  directions: '',
  translations: { ar: { hours: 'الثلاثاء 10–12' }, tr: { cost: 'ücretsiz' } },
};

describe('family texts of an offer', () => {
  it('takes the family’s language where the catalogue has it, else German marked as German', () => {
    expect(familyText(offer, 'hours', 'ar')).toEqual({ text: 'الثلاثاء 10–12', german: false });
    expect(familyText(offer, 'cost', 'ar')).toEqual({ text: 'kostenlos', german: true });
    expect(familyText(offer, 'cost', 'tr')).toEqual({ text: 'ücretsiz', german: false });
    // German itself is never marked; a language without texts (or none Lotse knows) falls back, marked.
    expect(familyText(offer, 'hours', 'de')).toEqual({ text: 'Di 10–12', german: false });
    expect(familyText(offer, 'hours', 'uk')).toEqual({ text: 'Di 10–12', german: true });
    expect(familyText(offer, 'hours', 'other')).toEqual({ text: 'Di 10–12', german: true });
    // No text at all: nothing to show.
    expect(familyText(offer, 'directions', 'ar')).toBeNull();
    expect(familyText({ ...offer, directions: undefined }, 'directions', 'de')).toBeNull();
  });

  it('names a translation without its German text, and the request schema refuses it', () => {
    const withoutGerman = { ...offer, cost: '', translations: { ar: { cost: 'مجانًا', hours: 'الثلاثاء' } } };
    expect(translationsWithoutGerman(withoutGerman)).toEqual(['translations.ar.cost']);
    expect(translationsWithoutGerman(offer)).toEqual([]);
    const result = offerRequestSchemaFor(withoutGerman);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['translations.ar.cost', 'germanTextMissing'],
    ]);
    expect(offerRequestSchemaFor(offer).success).toBe(true);
  });

  it('keeps only languages and fields that hold text', () => {
    expect(compactTranslations({ ar: { hours: 'x', cost: '' }, fa: {}, tr: { cost: '' } })).toEqual({ ar: { hours: 'x' } });
    expect(compactTranslations(undefined)).toEqual({});
  });
});
