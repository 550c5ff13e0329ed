// The referral screen's list: what the source record suggested first, then the
// rest of the catalogue grouped by type, fitting offers first within a group.
import { describe, expect, it } from 'vitest';
import { arrangeReferralOffers, offerMismatches } from '@domain/referral-offers';
import { referralSuggestion } from '@domain/referral-sources';
import { offerSchema, type Offer } from '@shared/offers';
import { syncRecordSchema } from '@shared/records/sync-record';
import { generateCaseNumber } from '@domain/case-number';
import { screeningContent, screeningRecord } from '../../fixtures/four-eyes';
import { welcomeVisitRecord } from '../../fixtures/referral-records';
import { TEST_DEVICE_ID } from '../../fixtures/home-contacts';

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

const CATALOGUE = [
  offer('asd-mitte', { name: 'ASD Mitte', type: 'asd' }),
  offer('cafe-hafen', { name: 'Elterncafé Hafen', type: 'elterncafe', districts: ['hafen'] }),
  offer('cafe-sued', { name: 'Elterncafé Süd', type: 'elterncafe', districts: ['sued'] }),
  offer('babyclub', { name: 'Babyclub', type: 'elterncafe' }),
  offer('hebamme', { name: 'Familienhebammen', type: 'familienhebamme' }),
  offer('kita-lotsen', { name: 'Kita-Lotsen', type: 'kitaPlatzVermittlung', agePhases: ['toddler', 'kita'] }),
];

const ids = (entries: readonly { offer: Offer }[]) => entries.map((entry) => entry.offer.id);

describe('arrangeReferralOffers', () => {
  it('lists the suggested offers first, in the record’s order, and not again in their type group', () => {
    const list = arrangeReferralOffers(CATALOGUE, { suggestedIds: ['kita-lotsen', 'hebamme'] });
    expect(ids(list.suggested)).toEqual(['kita-lotsen', 'hebamme']);
    const grouped = list.byType.flatMap((group) => ids(group.offers));
    expect(grouped).not.toContain('hebamme');
    expect(grouped).not.toContain('kita-lotsen');
    expect(list.byType.map((group) => group.type)).not.toContain('familienhebamme');
  });

  it('groups the rest by offer type in the catalogue’s type order, each group by name', () => {
    const list = arrangeReferralOffers(CATALOGUE, { suggestedIds: [] });
    expect(list.suggested).toEqual([]);
    expect(list.byType.map((group) => [group.type, ids(group.offers)])).toEqual([
      ['familienhebamme', ['hebamme']],
      ['elterncafe', ['babyclub', 'cafe-hafen', 'cafe-sued']],
      ['kitaPlatzVermittlung', ['kita-lotsen']],
      ['asd', ['asd-mitte']],
    ]);
  });

  it('puts offers that fit the family’s district and age phase first within a group, and says why the others may not', () => {
    const list = arrangeReferralOffers(CATALOGUE, { suggestedIds: [], district: 'sued', agePhase: 'baby' });
    const cafes = list.byType.find((group) => group.type === 'elterncafe')?.offers ?? [];
    expect(cafes.map((entry) => [entry.offer.id, entry.mismatches])).toEqual([
      ['babyclub', []],
      ['cafe-sued', []],
      ['cafe-hafen', ['district']],
    ]);
    const kita = list.byType.find((group) => group.type === 'kitaPlatzVermittlung')?.offers ?? [];
    expect(kita.map((entry) => entry.mismatches)).toEqual([['agePhase']]);
  });

  it('marks a suggested offer that does not fit, but keeps it in the suggestions', () => {
    const list = arrangeReferralOffers(CATALOGUE, { suggestedIds: ['cafe-hafen'], district: 'sued' });
    expect(list.suggested).toEqual([{ offer: CATALOGUE[1], mismatches: ['district'] }]);
  });

  it('reports suggested ids the catalogue no longer holds, and lists duplicates once', () => {
    const list = arrangeReferralOffers(CATALOGUE, { suggestedIds: ['hebamme', 'gestrichen', 'hebamme'] });
    expect(ids(list.suggested)).toEqual(['hebamme']);
    expect(list.missingSuggestions).toEqual(['gestrichen']);
  });

  it('lists every catalogue offer exactly once', () => {
    const list = arrangeReferralOffers(CATALOGUE, { suggestedIds: ['babyclub', 'asd-mitte'], district: 'hafen', agePhase: 'baby' });
    const all = [...ids(list.suggested), ...list.byType.flatMap((group) => ids(group.offers))];
    expect([...all].sort()).toEqual(CATALOGUE.map((o) => o.id).sort());
  });

  it('judges nothing the need leaves open', () => {
    expect(offerMismatches(CATALOGUE[2] ?? offer('x'), {})).toEqual([]);
  });
});

describe('referralSuggestion', () => {
  it('takes a screening’s matched offers, for a baby, in its district', async () => {
    const screening = await screeningRecord(TEST_DEVICE_ID, 'C', {
      content: screeningContent({ suggestedOffers: ['hebamme', 'babyclub'], district: 'hafen' }),
    });
    expect(referralSuggestion(screening)).toEqual({
      reason: 'screening',
      offerIds: ['hebamme', 'babyclub'],
      offerTypes: [],
      agePhase: 'baby',
      district: 'hafen',
    });
  });

  it('takes a welcome visit’s catalogue offers from version 2, and a version-1 visit’s offer types as types only', async () => {
    const current = await welcomeVisitRecord(TEST_DEVICE_ID, 'C', { offersRecommended: ['babyclub'] }, { schemaVersion: 2 });
    expect(referralSuggestion(current)).toMatchObject({ reason: 'welcomeVisit', offerIds: ['babyclub'], offerTypes: [] });
    const old = await welcomeVisitRecord(TEST_DEVICE_ID, 'C', { offersRecommended: ['elterncafe', 'familienhebamme'] });
    expect(referralSuggestion(old)).toMatchObject({ offerIds: [], offerTypes: ['elterncafe', 'familienhebamme'] });
  });
});

describe('welcome visit record schema', () => {
  const C = generateCaseNumber();
  it('accepts version-1 visits with offer types as they were, and refuses malformed or repeated offer ids from version 2', async () => {
    const old = await welcomeVisitRecord(TEST_DEVICE_ID, C, { offersRecommended: ['kita-platz', 'familienhebamme'] });
    expect(syncRecordSchema.safeParse(old).success).toBe(true);
    const current = await welcomeVisitRecord(TEST_DEVICE_ID, C, { offersRecommended: ['babyclub'] }, { schemaVersion: 2 });
    expect(syncRecordSchema.safeParse(current).success).toBe(true);
    for (const bad of [['Elterncafe'], ['babyclub', 'babyclub']]) {
      const record = await welcomeVisitRecord(TEST_DEVICE_ID, C, { offersRecommended: bad }, { schemaVersion: 2 });
      const parsed = syncRecordSchema.safeParse(record);
      expect(parsed.success).toBe(false);
      expect([...new Set(parsed.error?.issues.map((issue) => issue.message))]).toEqual([
        bad.length === 1 ? 'unknownOffer' : 'duplicateOffer',
      ]);
    }
    const future = await welcomeVisitRecord(TEST_DEVICE_ID, C, {}, { schemaVersion: 3 as 2 });
    expect(syncRecordSchema.safeParse(future).success).toBe(false);
  });
});
