import { describe, expect, it } from 'vitest';
import { matchOffers, servesDistrict } from '@domain/offer-matching';
import { offerSchema } from '@shared/offers';
import type { Offer } from '@shared/offers';
import { DEMO_OFFERS } from '@server/db/demo-offers';

function offer(id: string, overrides: Partial<Offer> = {}): Offer {
  return offerSchema.parse({
    id,
    name: `Angebot ${id}`,
    organisation: 'Träger (fiktiv)',
    type: 'familienbildung',
    agePhases: ['baby'],
    fields: ['education'],
    districts: [],
    languages: ['de'],
    cost: '',
    address: '',
    phone: '',
    hours: '',
    whatToBring: '',
    ...overrides,
  });
}

const ids = (offers: readonly Offer[]): string[] => offers.map((o) => o.id);

describe('matchOffers', () => {
  it('keeps only offers sharing a needed field', () => {
    const offers = [offer('a', { fields: ['health'] }), offer('b', { fields: ['social', 'education'] }), offer('c')];
    expect(ids(matchOffers(offers, { fields: ['education'] }))).toEqual(['b', 'c']);
  });

  it('returns nothing when no offer shares a field, or no field is needed', () => {
    const offers = [offer('a', { fields: ['health'] }), offer('b', { fields: ['social'] })];
    expect(matchOffers(offers, { fields: ['youthWelfare'] })).toEqual([]);
    expect(matchOffers(offers, { fields: [] })).toEqual([]);
    expect(matchOffers([], { fields: ['health'] })).toEqual([]);
  });

  it('ranks offers serving the district (or the whole municipality) first, above every other rule', () => {
    const offers = [
      // Elsewhere, yet better on every later rule.
      offer('elsewhere', { name: 'A', districts: ['sued'], languages: ['ar'], agePhases: ['kita'], fields: ['education', 'social'] }),
      offer('here', { name: 'B', districts: ['nord'] }),
      offer('everywhere', { name: 'C', districts: [] }),
    ];
    const need = { fields: ['education', 'social'], district: 'nord', language: 'ar', agePhase: 'kita' as const };
    expect(ids(matchOffers(offers, need))).toEqual(['here', 'everywhere', 'elsewhere']);
    // Without a district the rule ranks nothing.
    expect(ids(matchOffers(offers, { fields: ['education'] }))).toEqual(['elsewhere', 'here', 'everywhere']);
    expect(servesDistrict(offers[0] as Offer, 'nord')).toBe(false);
    expect(servesDistrict(offers[2] as Offer, 'nord')).toBe(true);
  });

  it('then ranks offers in the family’s language first', () => {
    const offers = [
      offer('german', { name: 'A', agePhases: ['kita'], fields: ['education', 'social'] }),
      offer('arabic', { name: 'B', languages: ['de', 'ar'] }),
    ];
    expect(ids(matchOffers(offers, { fields: ['education', 'social'], language: 'ar', agePhase: 'kita' }))).toEqual(['arabic', 'german']);
  });

  it('then ranks offers for the child’s age phase first', () => {
    const offers = [
      offer('school', { name: 'A', agePhases: ['school'], fields: ['education', 'social'] }),
      offer('pregnancy', { name: 'B', agePhases: ['pregnancy', 'baby'] }),
    ];
    expect(ids(matchOffers(offers, { fields: ['education', 'social'], agePhase: 'pregnancy' }))).toEqual(['pregnancy', 'school']);
  });

  it('then ranks offers sharing more needed fields first', () => {
    const offers = [offer('one', { name: 'A', fields: ['education'] }), offer('two', { name: 'B', fields: ['education', 'health'] })];
    expect(ids(matchOffers(offers, { fields: ['education', 'health'] }))).toEqual(['two', 'one']);
  });

  it('orders equal offers by name (German collation), then id, whatever the input order', () => {
    const offers = [
      offer('z', { name: 'Zentrum' }),
      offer('u', { name: 'Übergang' }),
      offer('b2', { name: 'Beratung' }),
      offer('b1', { name: 'Beratung' }),
    ];
    const expected = ['b1', 'b2', 'u', 'z'];
    expect(ids(matchOffers(offers, { fields: ['education'] }))).toEqual(expected);
    expect(ids(matchOffers([...offers].reverse(), { fields: ['education'] }))).toEqual(expected);
  });

  it('returns at most `limit` offers, 5 by default, and never changes its input', () => {
    const offers = Array.from({ length: 8 }, (_, i) => offer(`o${i}`, { name: `Angebot ${i}` }));
    const before = ids(offers);
    expect(matchOffers(offers, { fields: ['education'] })).toHaveLength(5);
    expect(ids(matchOffers(offers, { fields: ['education'] }, 2))).toEqual(['o0', 'o1']);
    expect(matchOffers(offers, { fields: ['education'] }, 0)).toEqual([]);
    expect(ids(offers)).toEqual(before);
  });

  it('finds fitting demo offers: a pregnant Arabic-speaking family in Hafen needing health help', () => {
    const matched = matchOffers(DEMO_OFFERS, { fields: ['health'], agePhase: 'pregnancy', district: 'hafen', language: 'ar' });
    expect(ids(matched)[0]).toBe('familienhebammen-demo');
    for (const o of matched) expect(o.fields).toContain('health');
  });
});

describe('demo offer catalogue', () => {
  it('is valid, has unique ids and covers the offer types', () => {
    for (const o of DEMO_OFFERS) offerSchema.parse(o);
    expect(new Set(ids(DEMO_OFFERS)).size).toBe(DEMO_OFFERS.length);
    expect(new Set(DEMO_OFFERS.map((o) => o.type)).size).toBeGreaterThanOrEqual(12);
  });
});
