// A ward tablet shared by two staff members, in real Chromium (DESIGN.md §5,
// "A tablet is shared"): A saves a HOME contact offline and locks; the lock
// screen says whose record waits; B unlocks and the network comes back; A's
// record reaches the backend stored as A's (verified by A's signature and key),
// with the push audited as B's on A's behalf — A never comes back.
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';

const A_PASSPHRASE = 'Station drei Frühdienst';
const B_PASSPHRASE = 'Station drei Spätdienst';
const colleagueA = DEMO_ACCOUNTS.find((a) => a.username === 'home.partner');
const colleagueB = DEMO_ACCOUNTS.find((a) => a.username === 'approver');
if (!colleagueA || !colleagueB) throw new Error('demo seed changed: no home.partner or approver');

describe.skipIf(!chromiumPath)('two staff members on one tablet', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it("sends A's offline record when B unlocks online, stored as A's; the lock screen says whose record waits", async () => {
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), A_PASSPHRASE, { offlineReady: true });

    // Before the shift, online: B is added to the tablet from the lock screen.
    await app.lock();
    await page.getByRole('button', { name: de.common.access.firstSignInLink }).click();
    await app.firstSignIn(colleagueB, B_PASSPHRASE);
    await app.lock();
    await page.getByRole('radio', { name: colleagueA.displayName }).check();
    await app.unlock(A_PASSPHRASE);

    // On the ward, offline: A saves a HOME contact and locks.
    await browser().context.setOffline(true);
    await backend().pause();
    await app.startHomeContact();
    await app.chooseSite(backend().demo.siteLabel);
    await app.chooseTopic('health');
    await app.saveAndReturn();
    const item = app.recordItems().first();
    await item.waitFor();
    const recordId = (await item.getAttribute('data-record-id')) ?? '';
    expect(recordId).toMatch(/^[0-9a-f-]{36}$/);
    await app.lock();

    const perPerson = page.getByTestId('unsent-by-person');
    await perPerson.waitFor();
    expect(await perPerson.textContent()).toBe(
      de.common.access.unsentBy.person_one
        .replace('{{count}}', '1')
        .replace('{{name}}', colleagueA.displayName)
        .replace('{{age}}', de.common.access.unsentBy.today_one),
    );

    // B takes the tablet; the network comes back. A does not.
    await page.getByRole('radio', { name: colleagueB.displayName }).check();
    await app.unlock(B_PASSPHRASE);
    await page.getByRole('button', { name: de.homeContact.new }).waitFor();
    await backend().resume();
    await browser().context.setOffline(false);

    const db = backend().db;
    const authorOf = async () =>
      (
        await db.query<{ username: string }>(
          'SELECT a.username FROM records r JOIN staff_accounts a ON a.id = r.author_id WHERE r.id = $1',
          [recordId],
        )
      )[0]?.username;
    await expect.poll(authorOf, { timeout: 30_000, interval: 250 }).toBe(colleagueA.username);
    const audit = await db.query<{ action: string; actor: string }>(
      'SELECT l.action, a.username AS actor FROM audit_log l JOIN staff_accounts a ON a.id = l.actor_id WHERE l.object_id = $1',
      [recordId],
    );
    expect(audit).toEqual([{ action: 'record.receivedOnBehalf', actor: colleagueB.username }]);
    await expect.poll(() => app.syncStatus().textContent(), { timeout: 15_000, interval: 250 }).toContain(de.common.sync.mode.idle);

    // Locked again, nothing waits for anyone.
    await app.lock();
    expect(await page.getByTestId('unsynced-summary').textContent()).toBe(de.common.access.nothingUnsynced);
    await page.close();
  });
});
