// When the tablet warns about an offer's free places: full (or no place left)
// and a figure older than 30 days — counted in whole days from the server's stamp.
import { describe, expect, it } from 'vitest';
import { CAPACITY_STALE_AFTER_DAYS, capacityAgeDays, capacityWarnings } from '@domain/offer-capacity';
import { offerCapacityInputSchema } from '@shared/offer-capacity';

const DAY = 24 * 3_600_000;
const now = new Date('2026-11-20T10:00:00Z');
const setAt = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

describe('offer capacity', () => {
  it('counts whole days, and a tablet clock behind the server as today', () => {
    expect(capacityAgeDays({ setAt: setAt(0.5) }, now)).toBe(0);
    expect(capacityAgeDays({ setAt: setAt(5.9) }, now)).toBe(5);
    expect(capacityAgeDays({ setAt: setAt(-2) }, now)).toBe(0);
  });

  it('warns for a full offer or no free place, and for a figure older than 30 days — not on day 30', () => {
    expect(capacityWarnings({ status: 'places', places: 3, setAt: setAt(1) }, now)).toEqual([]);
    expect(capacityWarnings({ status: 'waitingList', setAt: setAt(1) }, now)).toEqual([]);
    expect(capacityWarnings({ status: 'full', setAt: setAt(1) }, now)).toEqual(['full']);
    expect(capacityWarnings({ status: 'places', places: 0, setAt: setAt(1) }, now)).toEqual(['full']);
    expect(capacityWarnings({ status: 'places', places: 2, setAt: setAt(CAPACITY_STALE_AFTER_DAYS) }, now)).toEqual([]);
    expect(capacityWarnings({ status: 'places', places: 2, setAt: setAt(CAPACITY_STALE_AFTER_DAYS + 1) }, now)).toEqual(['stale']);
    expect(capacityWarnings({ status: 'full', setAt: setAt(40) }, now)).toEqual(['full', 'stale']);
  });

  it('accepts a number only with "places", from 0 to 999', () => {
    for (const ok of [{ status: 'places', places: 0 }, { status: 'places', places: 999 }, { status: 'waitingList' }, { status: 'full' }]) {
      expect(offerCapacityInputSchema.safeParse(ok).success, JSON.stringify(ok)).toBe(true);
    }
    for (const bad of [
      { status: 'places', places: -1 },
      { status: 'places', places: 1000 },
      { status: 'places', places: 1.5 },
      { status: 'places' },
      { status: 'full', places: 3 },
      { status: 'waitingList', places: 0 },
      { status: 'open' },
    ]) {
      expect(offerCapacityInputSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
