import { describe, expect, it } from 'vitest';
import { STAFF_HOLDS, documentLanguage, nextHolder, staffViewShown, type TabletHolder } from '@domain/family-mode';

const handOver = (language: 'ar' | 'fa' | 'uk' | 'de', staffUserId = 'midwife-a') =>
  ({ kind: 'handOver', language, task: 'consent', staffUserId }) as const;

describe('family mode', () => {
  it('hides the staff view while the family holds the tablet, and shows it again after the return', () => {
    const family = nextHolder(STAFF_HOLDS, handOver('ar'));
    expect(family).toMatchObject({ kind: 'family', language: 'ar', task: 'consent', staffUserId: 'midwife-a' });
    expect(staffViewShown(family)).toBe(false);
    const back = nextHolder(family, { kind: 'returnConfirmed', userId: 'midwife-a' });
    expect(back).toEqual(STAFF_HOLDS);
    expect(staffViewShown(back)).toBe(true);
  });

  it('stays with the family when someone other than the person who handed it over confirms', () => {
    const family = nextHolder(STAFF_HOLDS, handOver('fa'));
    expect(nextHolder(family, { kind: 'returnConfirmed', userId: 'colleague-b' })).toBe(family);
  });

  it('ends with any lock: the next unlock is staff', () => {
    const family = nextHolder(STAFF_HOLDS, handOver('uk'));
    expect(nextHolder(family, { kind: 'locked' })).toEqual(STAFF_HOLDS);
  });

  it('keeps the person who first handed over when the tablet is handed over again', () => {
    const first = nextHolder(STAFF_HOLDS, handOver('ar', 'midwife-a'));
    const again = nextHolder(first, handOver('fa', 'someone-else'));
    expect(again).toMatchObject({ language: 'fa', staffUserId: 'midwife-a' });
  });

  it('lets a family task call staff quietly, and ignores the call when staff hold the tablet', () => {
    const family = nextHolder(STAFF_HOLDS, handOver('ar'));
    expect(nextHolder(family, { kind: 'callStaff' })).toMatchObject({ kind: 'family', staffCalled: true });
    expect(nextHolder(STAFF_HOLDS, { kind: 'callStaff' })).toEqual(STAFF_HOLDS);
  });

  it("sets the document to the family's language and direction, Arabic and Persian right to left", () => {
    const holder = (language: 'ar' | 'fa' | 'uk' | 'de'): TabletHolder => nextHolder(STAFF_HOLDS, handOver(language));
    expect(documentLanguage(holder('ar'), 'de')).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(documentLanguage(holder('fa'), 'en')).toEqual({ lang: 'fa', dir: 'rtl' });
    expect(documentLanguage(holder('uk'), 'de')).toEqual({ lang: 'uk', dir: 'ltr' });
    expect(documentLanguage(STAFF_HOLDS, 'en')).toEqual({ lang: 'en', dir: 'ltr' });
  });
});
