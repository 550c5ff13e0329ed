// Four-eyes in real Chromium (DESIGN.md §4). Same tablet, offline: the
// midwife saves a screening; a colleague who may approve takes the tablet,
// sees exactly what she signs and approves with HER passphrase; back online,
// record and approval reach the server and the screening counts. Remote: an
// approver on her own tablet finds a colleague's screening in her
// organisation's queue — a newer acute-danger screening listed first, with the
// answer that set it and its points — approves it, and the author's tablet
// shows it approved.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { launchTablet, type BrowserSession } from './support/chromium';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import screening from '../../locales/de/screening.json';
import approval from '../../locales/de/approval.json';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';

const AUTHOR_PASSPHRASE = 'Kreißsaal Moers 2026';
const APPROVER_PASSPHRASE = 'Zweitprüfung Moers 2026';
const approverAccount = DEMO_ACCOUNTS.find((a) => a.username === 'approver');
if (!approverAccount) throw new Error('demo seed changed: no approver');

/**
 * Consent for a screening, then the screening itself (2 points: feeding questions, mood 2 of 5); with
 * `acuteDanger`, also "someone at home threatens mother or baby". Returns the case number.
 */
async function recordScreening(app: TabletApp, options: { acuteDanger?: boolean } = {}): Promise<string> {
  const caseNumber = await app.consentForScreening();
  await app.openScreening(caseNumber);
  await app.answerRoutineScreening();
  if (options.acuteDanger === true) {
    await app.answer('safetyAtHome', 'threatened');
    const dialog = app.page.getByRole('alertdialog', { name: screening.emergency.title });
    await dialog.getByRole('button', { name: screening.emergency.back }).click();
    await dialog.waitFor({ state: 'detached' });
  }
  // The evaluation sits in the flow of the form: never stuck over the question being answered.
  expect(await app.page.locator('.screening__evaluation').evaluate((box) => getComputedStyle(box).position)).toBe('static');
  await app.page.getByRole('button', { name: screening.save }).click();
  await app.page.locator('[data-record-kind="screening"]').first().waitFor();
  return caseNumber;
}

/** The approver's first sign-in on a tablet where someone else is unlocked; ends with the approver unlocked. */
async function addApprover(app: TabletApp): Promise<void> {
  await app.lock();
  await app.page.getByRole('button', { name: de.common.access.firstSignInLink }).click();
  await app.firstSignIn(approverAccount ?? { username: '', password: '' }, APPROVER_PASSPHRASE);
}

const passphraseOf = (name: string) => approval.flow.passphrase.replace('{{name}}', name);
const screeningRow = (page: Page, caseNumber: string) => page.locator('[data-record-kind="screening"]', { hasText: caseNumber });

describe.skipIf(!chromiumPath)('four-eyes approval in the browser', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), AUTHOR_PASSPHRASE, { offlineReady: true });
    await addApprover(app);
    // Back to the midwife.
    await app.lock();
    await app.page.getByRole('radio', { name: 'HOME-Partnerin (Demo)' }).check();
    await app.unlock(AUTHOR_PASSPHRASE);
    await app.page.getByRole('button', { name: de.homeContact.new }).waitFor();
  });

  it('approves on the same tablet offline with the colleague’s passphrase; both reach the server once online', async () => {
    const { page } = app;
    await browser().context.setOffline(true);
    await backend().pause();

    const caseNumber = await recordScreening(app);
    const row = screeningRow(page, caseNumber);
    expect(await row.locator('[data-review-state]').getAttribute('data-review-state')).toBe('awaiting');
    await row.getByRole('button', { name: approval.checkHere }).click();

    // What you see is what you sign: the case number and the answers, before any passphrase.
    const detail = page.getByTestId('record-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(caseNumber);
    expect(await detail.getByTestId('detail-answers').textContent()).toContain('Meist gut, es gibt aber Fragen');
    // …and how the score came about: the points of each answer, adding up to the score.
    const points = detail.getByTestId('score-points');
    expect(await points.locator('[data-question="feeding"]').getAttribute('data-points')).toBe('1');
    expect(await points.locator('[data-question="feeding"]').textContent()).toContain('Meist gut, es gibt aber Fragen');
    expect(await points.locator('[data-question="moodScale"]').getAttribute('data-points')).toBe('1');
    expect(await detail.getByTestId('score-total').textContent()).toBe('2');
    // The correction box only appears for sending back, and sending back needs what to correct.
    expect(await page.getByLabel(approval.flow.comment).count()).toBe(0);
    await page.getByLabel(passphraseOf(approverAccount.displayName)).fill('nicht ihr Kennwort');
    await page.getByRole('button', { name: approval.flow.sendBack }).click();
    await page.getByLabel(approval.flow.comment).waitFor();
    await page.getByRole('button', { name: approval.flow.sendBackSign }).click();
    await page.getByRole('alert').filter({ hasText: approval.flow.commentRequired }).waitFor();
    await page.getByRole('button', { name: approval.flow.notSendBack }).click();
    expect(await page.getByLabel(approval.flow.comment).count()).toBe(0);
    await page.getByRole('button', { name: approval.flow.approve }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: approval.flow.wrongPassphrase.split('.')[0] ?? '' })
      .waitFor();
    await page.getByLabel(passphraseOf(approverAccount.displayName)).fill(APPROVER_PASSPHRASE);
    await page.getByRole('button', { name: approval.flow.approve }).click();
    await page.getByTestId('second-check-outcome').waitFor();
    await page.getByRole('button', { name: approval.flow.done }).click();

    // Still the midwife's session; the record shows approved (not yet sent).
    expect(await row.locator('[data-review-state]').getAttribute('data-review-state')).toBe('approved');
    expect(await row.textContent()).toContain(approval.state.approved);
    // Locked, the tablet says that a second check still waits to be sent (besides the screening).
    await app.lock();
    const pendingReview = page.getByTestId('unsynced-reviews');
    await pendingReview.waitFor();
    expect(await pendingReview.textContent()).toBe(de.common.access.unsyncedReviews_one.replace('{{count}}', '1'));
    await page.getByRole('radio', { name: 'HOME-Partnerin (Demo)' }).check();
    await app.unlock(AUTHOR_PASSPHRASE);

    await backend().resume();
    await browser().context.setOffline(false);
    const db = backend().db;
    await expect
      .poll(
        async () =>
          (
            await db.query<{ countable: boolean }>("SELECT countable FROM records WHERE kind = 'screening' AND case_number = $1", [
              caseNumber,
            ])
          )[0]?.countable,
        {
          timeout: 30_000,
          interval: 250,
        },
      )
      .toBe(true);
    const [review] = await db.query<{ decision: string; reviewer: string; author: string }>(
      `SELECT v.decision, rv.username AS reviewer, au.username AS author
         FROM record_reviews v JOIN records r ON r.id = v.record_id AND r.revision = v.revision
         JOIN staff_accounts rv ON rv.id = v.reviewer_id JOIN staff_accounts au ON au.id = v.author_id
        WHERE r.case_number = $1`,
      [caseNumber],
    );
    expect(review).toEqual({ decision: 'approved', reviewer: 'approver', author: 'home.partner' });
  });

  it('approves remotely from the approver’s own tablet, whose queue lists acute danger first; the author’s tablet then shows it approved', async () => {
    const { page } = app;
    const caseNumber = await recordScreening(app);
    const row = screeningRow(page, caseNumber);
    // A newer screening with acute danger: it must still come first.
    const dangerCase = await recordScreening(app, { acuteDanger: true });
    for (const sent of [row, screeningRow(page, dangerCase)])
      await expect.poll(() => sent.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    expect(await row.locator('[data-review-state]').getAttribute('data-review-state')).toBe('awaiting');

    let second: BrowserSession | undefined;
    try {
      second = await launchTablet();
      const other = new TabletApp(await second.context.newPage());
      await other.open(backend().url);
      await other.setUp(backend().demo.coordinator, approverAccount, APPROVER_PASSPHRASE);
      await other.page.getByRole('button', { name: approval.queue.open }).click();
      const queue = other.page.getByTestId('review-queue');
      const first = queue.locator('li[data-record-id]').first();
      await first.waitFor();
      expect(await first.getAttribute('data-urgency')).toBe('acuteDanger');
      expect(await first.textContent()).toContain(dangerCase);
      expect(await first.getByTestId('queue-need').textContent()).toBe(screening.supportNeed.urgent);
      await first.getByRole('button', { name: approval.queue.review }).click();
      // The second checker sees the answer that set acute danger, with its points.
      const dangerPoints = first.getByTestId('score-points').locator('[data-question="safetyAtHome"]');
      expect(await dangerPoints.getAttribute('data-points')).toBe('10');
      expect(await first.getByTestId('score-danger-rules').textContent()).toContain('Nein – jemand im Haushalt bedroht');

      const item = queue.locator('li[data-record-id]', { hasText: caseNumber });
      await item.getByRole('button', { name: approval.queue.review }).click();
      const detail = item.getByTestId('record-detail');
      await detail.waitFor();
      expect(await detail.textContent()).toContain(caseNumber);
      await item.getByRole('button', { name: approval.flow.approve }).click();
      expect(await item.getByTestId('review-message').textContent()).toBe(approval.queue.submitted);
    } finally {
      await second?.close();
    }

    // The author's tablet learns of it at its next sync cycle (a tap on nothing: the periodic pull, or a save).
    await page.reload();
    await page.getByRole('heading', { name: de.common.access.lockedTitle }).waitFor();
    await page.getByRole('radio', { name: 'HOME-Partnerin (Demo)' }).check();
    await app.unlock(AUTHOR_PASSPHRASE);
    await expect
      .poll(() => screeningRow(page, caseNumber).locator('[data-review-state]').getAttribute('data-review-state'), {
        timeout: 45_000,
        interval: 500,
      })
      .toBe('approved');
    expect(await screeningRow(page, caseNumber).textContent()).toContain(
      approval.approvedBy.replace('{{name}}', approverAccount.displayName),
    );
  });
});
