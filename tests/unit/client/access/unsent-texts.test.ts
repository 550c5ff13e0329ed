// @vitest-environment jsdom
// The words the lock screen and status bar use for a shared tablet's unsent work.
import { beforeAll, describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { initI18n } from '@client/i18n';
import { unsentLine, unsentShort, waitingLine, waitingNames } from '@client/features/access/unsent-texts';
import { ANY_OWNER, type UnsentOfPerson } from '@client/storage/unsent-by-person';

const now = new Date('2026-12-07T08:00:00Z');
const mira: UnsentOfPerson = {
  ownerId: 'mira',
  displayName: 'M. Beispiel',
  count: 3,
  oldestEnqueuedAt: '2026-12-05T07:30:00Z',
  waitingForAuthor: 0,
};

beforeAll(async () => {
  await initI18n('de');
});

describe('unsent work in words', () => {
  it('says how many records of whom are unsent and how old the oldest is', () => {
    const t = i18next.t.bind(i18next);
    expect(unsentLine(mira, now, t)).toBe('3 Einträge von M. Beispiel noch nicht gesendet, ältester seit 2 Tagen.');
    expect(unsentLine({ ...mira, count: 1, oldestEnqueuedAt: '2026-12-07T07:00:00Z' }, now, t)).toBe(
      '1 Eintrag von M. Beispiel noch nicht gesendet, von heute.',
    );
    expect(unsentLine({ ...mira, ownerId: ANY_OWNER, displayName: null, count: 1 }, now, t)).toBe(
      '1 Widerruf noch nicht gesendet, seit 2 Tagen.',
    );
    expect(unsentShort(mira, now, t)).toBe('M. Beispiel: 3 (seit 2 Tagen)');
  });

  it('names who must sign in for the records only they can send', () => {
    const t = i18next.t.bind(i18next);
    expect(waitingLine(mira, t)).toBeNull();
    expect(waitingNames([mira], t)).toBeNull();
    const waiting = { ...mira, waitingForAuthor: 2 };
    expect(waitingLine(waiting, t)).toBe('2 davon werden erst gesendet, wenn sich M. Beispiel hier einmal mit Netz anmeldet.');
    expect(waitingNames([waiting, { ...waiting, ownerId: 'x', displayName: null }], t)).toBe(
      'M. Beispiel, einer Person, die hier nicht mehr angemeldet ist',
    );
  });
});
