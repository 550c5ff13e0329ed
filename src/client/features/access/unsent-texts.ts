// The words for "whose work is not sent yet" (lock screen and status bar): one
// line per person — how many, how old the oldest, and whether only that person
// can send them. Names come from the key slots (staff display names, no family data).
import type { TFunction } from 'i18next';
import { ANY_OWNER, daysSince, type UnsentOfPerson } from '../../storage';

function nameOf(person: UnsentOfPerson, t: TFunction): string {
  return person.displayName ?? t('access.unsentBy.formerColleague');
}

/** "3 Einträge von M. Beispiel noch nicht gesendet, ältester seit 2 Tagen." */
export function unsentLine(person: UnsentOfPerson, now: Date, t: TFunction): string {
  const days = daysSince(person.oldestEnqueuedAt, now);
  const age = days === 0 ? t('access.unsentBy.today', { count: person.count }) : t('access.unsentBy.age', { count: days });
  if (person.ownerId === ANY_OWNER) return t('access.unsentBy.withdrawals', { count: person.count, age });
  return t('access.unsentBy.person', { count: person.count, name: nameOf(person, t), age });
}

/** "2 davon werden erst gesendet, wenn sich M. Beispiel hier mit Netz anmeldet." — or null. */
export function waitingLine(person: UnsentOfPerson, t: TFunction): string | null {
  if (person.waitingForAuthor === 0) return null;
  return t('access.unsentBy.waitsForAuthor', { count: person.waitingForAuthor, name: nameOf(person, t) });
}

/** The compact form for the status bar: "M. Beispiel 3 (seit 2 Tagen)". */
export function unsentShort(person: UnsentOfPerson, now: Date, t: TFunction): string {
  const days = daysSince(person.oldestEnqueuedAt, now);
  const name = person.ownerId === ANY_OWNER ? t('access.unsentBy.withdrawalsShort') : nameOf(person, t);
  return days === 0
    ? t('sync.byPerson', { name, count: person.count })
    : t('sync.byPersonAged', { name, count: person.count, age: t('access.unsentBy.age', { count: days }) });
}

/** Names of the people whose entries only they can send ("M. Beispiel, A. Muster"), or null. */
export function waitingNames(people: readonly UnsentOfPerson[], t: TFunction): string | null {
  const names = people.filter((p) => p.waitingForAuthor > 0).map((p) => nameOf(p, t));
  return names.length === 0 ? null : names.join(', ');
}
