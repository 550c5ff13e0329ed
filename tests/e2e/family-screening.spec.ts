// The screening's family part in real Chromium on a tablet viewport: staff hand
// the tablet over from the screening; the family answers its own questions in
// Arabic (right to left) or Ukrainian, one per screen, and never sees a score,
// level, "Dringend" or danger flag — an acute-danger answer only puts a quiet
// mark in the bar, and the instruction appears once staff took the tablet back
// with their passphrase. Staff see which answers the family gave, change one
// with the family, finish and save; the second checker on the same tablet sees
// each answer's points and who gave it. The questionnaire is a test definition
// with its family questions in all nine languages (tests/fixtures).
import { mkdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import screening from '../../locales/de/screening.json';
import approval from '../../locales/de/approval.json';
import familyAr from '../../locales/ar/family.json';
import familyUk from '../../locales/uk/family.json';
import familyDe from '../../locales/de/family.json';
import definition from '../fixtures/family-screening-definition.json';
import { QuestionnaireService } from '@server/services/questionnaire-service';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';

const AUTHOR_PASSPHRASE = 'Kreißsaal Moers 2026';
const APPROVER_PASSPHRASE = 'Zweitprüfung Moers 2026';
const SHOTS = process.env['SHOTS_DIR'] ?? 'test-results/family-screening';
const LANDSCAPE = { width: 1024, height: 768 };
const PORTRAIT = { width: 768, height: 1024 };
const approverAccount = DEMO_ACCOUNTS.find((a) => a.username === 'approver');
if (!approverAccount) throw new Error('demo seed changed: no approver');

/** Words of the evaluation that must never be on the family's screen. */
const EVALUATION_TEXTS = [
  screening.evaluation.title,
  screening.evaluation.score,
  screening.evaluation.supportNeed,
  screening.evaluation.acuteDanger,
  screening.supportNeed.urgent,
  screening.supportNeed.offerRecommended,
  screening.supportNeed.informationOnly,
  screening.emergency.title,
  screening.family.byFamily,
];

/** A family question's label in `language`, from the test definition. */
function labelOf(id: string, language: string): string | undefined {
  for (const section of definition.sections)
    for (const question of section.questions) if (question.id === id) return (question.label as Record<string, string>)[language];
  return undefined;
}

async function expectNoEvaluation(page: Page): Promise<void> {
  const seen = await page.evaluate(() => ({
    text: document.body.innerText,
    evaluationBits: document.querySelectorAll(
      '[data-testid="screening-evaluation"], [data-testid="screening-score"], [data-testid="screening-support-need"], .screening__danger, [role="alertdialog"]',
    ).length,
    header: document.querySelectorAll('.app-header, .sync-bar').length,
  }));
  expect(seen.evaluationBits).toBe(0);
  expect(seen.header).toBe(0);
  for (const text of EVALUATION_TEXTS) expect(seen.text, text).not.toContain(text);
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const [size, label] of [
    [LANDSCAPE, 'landscape'],
    [PORTRAIT, 'portrait'],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SHOTS}/${name}-${label}.png` });
  }
  await page.setViewportSize(LANDSCAPE);
}

/** Hands the tablet to the family from the screening form, in the language named by its autonym. */
async function handOver(page: Page, autonym: string, again = false): Promise<void> {
  const handover = page.getByTestId('screening-family-handover');
  await handover.getByRole('radio', { name: autonym }).check();
  await handover.getByRole('button', { name: again ? screening.family.handOverAgain : screening.family.handOver }).click();
  await page.getByTestId('family-screening').waitFor();
}

async function choose(page: Page, questionId: string, value: string): Promise<void> {
  await page.locator(`[data-question="${questionId}"] input[value="${value}"]`).check();
}

async function next(page: Page, texts: { next: string; finish: string }): Promise<void> {
  await page
    .getByTestId('family-screening')
    .getByRole('button', { name: new RegExp(`^(${texts.next}|${texts.finish})$`) })
    .click();
}

describe.skipIf(!chromiumPath)('the screening’s family part', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    // The municipality's questionnaire, checked as an upload is (its family questions need all nine languages).
    const [coordinator] = await backend().db.query<{ id: string; organisation_id: string }>(
      "SELECT id, organisation_id FROM staff_accounts WHERE username = 'coordinator'",
    );
    if (!coordinator) throw new Error('demo seed changed: no coordinator');
    await new QuestionnaireService(backend().db).upload(
      {
        id: coordinator.id,
        displayName: 'Koordination',
        roles: ['coordinator'],
        organisationId: coordinator.organisation_id,
        municipalityId: backend().demo.municipalityId,
      },
      definition,
    );
    app = new TabletApp(await browser().context.newPage());
    await app.page.setViewportSize(LANDSCAPE);
    await app.start(backend(), AUTHOR_PASSPHRASE);
    // The approver joins this tablet for the same-tablet second check; then back to the midwife.
    await app.lock();
    await app.page.getByRole('button', { name: de.common.access.firstSignInLink }).click();
    await app.firstSignIn(approverAccount, APPROVER_PASSPHRASE);
    await app.lock();
    await app.page.getByRole('radio', { name: 'HOME-Partnerin (Demo)' }).check();
    await app.unlock(AUTHOR_PASSPHRASE);
    await app.page.getByRole('button', { name: de.homeContact.new }).waitFor();
  });

  it('lets the family answer in Arabic, right to left, without any score; staff change one answer, save, and the second checker sees the points', async () => {
    const { page } = app;
    const caseNumber = await app.consentForScreening();
    await app.openScreening(caseNumber);
    const handover = page.getByTestId('screening-family-handover');
    await handover.waitFor();
    expect(await handover.textContent()).toContain(screening.family.intro_other.replace('{{count}}', '5'));

    // First in German (the screenshot of the German family screen), taken back, then in Arabic.
    await handOver(page, 'Deutsch');
    await expectNoEvaluation(page);
    await shoot(page, 'family-question-de');
    await app.takeTabletBack();
    await handOver(page, 'العربية');

    const family = page.getByTestId('family-screening');
    expect(await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }))).toEqual({
      lang: 'ar',
      dir: 'rtl',
    });
    expect(await family.getAttribute('dir')).toBe('rtl');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(labelOf('support', 'ar'));
    expect(await family.innerText()).toContain(familyAr.screening.progress.replace('{{current}}', '1').replace('{{total}}', '5'));
    // One question per screen, large answers (at least 56 px high, the size of the consent's answers).
    expect(await page.locator('[data-question]').count()).toBe(1);
    const answerHeight = await page
      .locator('.family-answer')
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
    expect(answerHeight).toBeGreaterThanOrEqual(56);
    // Arabic right to left: the first answer starts at the right edge of the card.
    const sides = await page.evaluate(() => {
      const card = document.querySelector('.family-screening')?.getBoundingClientRect();
      const first = document.querySelector('.family-answer')?.getBoundingClientRect();
      return { card: card?.right ?? 0, first: first?.right ?? 0 };
    });
    expect(Math.abs(sides.card - sides.first)).toBeLessThan(40);
    await expectNoEvaluation(page);
    await shoot(page, 'family-question-ar');

    await choose(page, 'support', 'nobody');
    await next(page, familyAr.screening);
    await choose(page, 'money', 'true');
    await next(page, familyAr.screening);
    await choose(page, 'confidence', '4');
    await shoot(page, 'family-scale-ar');
    await next(page, familyAr.screening);
    await page.getByRole('spinbutton').fill('2');
    await next(page, familyAr.screening);
    await choose(page, 'safety', 'unsure');
    await expectNoEvaluation(page);
    await next(page, familyAr.screening);
    await page.getByTestId('family-screening-done').waitFor();
    await expectNoEvaluation(page);
    await shoot(page, 'family-done-ar');
    // Nothing called staff early: no acute danger.
    expect(await page.getByTestId('family-mode-bar').getAttribute('data-staff-called')).toBeNull();

    await app.takeTabletBack();
    await page.getByTestId('screening-evaluation').waitFor();
    expect(await page.getByTestId('screening-family-answered').textContent()).toContain('5');
    for (const id of ['support', 'money', 'confidence', 'children', 'safety'])
      expect(await page.locator(`[data-question="${id}"] [data-answered-by="family"]`).count(), id).toBe(1);
    // With the family, staff change "not always" to "yes"; the family's answer stays on record.
    await choose(page, 'safety', 'safe');
    expect(await page.locator('[data-question="safety"] [data-answered-by="changedByStaff"]').textContent()).toBe(
      screening.family.changedByStaff.replace('{{answer}}', 'Nicht immer'),
    );
    await choose(page, 'feeding', 'someQuestions');
    await choose(page, 'preterm', 'false');
    // 3 (nobody) + 2 (money) + 3 (confidence 4 of 1–5) + 1 (feeding) = 9.
    expect(await page.getByTestId('screening-score').textContent()).toBe('9');
    await page.getByRole('button', { name: screening.save }).click();
    const row = page.locator('[data-record-kind="screening"]', { hasText: caseNumber });
    await row.waitFor();

    // The second check on this tablet: each answer's points, and who gave it.
    await row.getByRole('button', { name: approval.checkHere }).click();
    const detail = page.getByTestId('record-detail');
    await detail.waitFor();
    const points = detail.getByTestId('score-points');
    expect(await points.locator('[data-question="support"]').getAttribute('data-points')).toBe('3');
    expect(await points.locator('[data-question="money"]').getAttribute('data-points')).toBe('2');
    expect(await points.locator('[data-question="confidence"]').getAttribute('data-points')).toBe('3');
    expect(await detail.getByTestId('score-total').textContent()).toBe('9');
    const answers = detail.getByTestId('detail-answers');
    expect(await answers.locator('[data-answered-by="family"]').count()).toBe(4);
    expect(await answers.locator('[data-answered-by="changedByStaff"]').textContent()).toContain('Nicht immer');
    await page.getByLabel(approval.flow.passphrase.replace('{{name}}', approverAccount.displayName)).fill(APPROVER_PASSPHRASE);
    await page.getByRole('button', { name: approval.flow.approve }).click();
    await page.getByTestId('second-check-outcome').waitFor();
    await page.getByRole('button', { name: approval.flow.done }).click();
    expect(await row.locator('[data-review-state]').getAttribute('data-review-state')).toBe('approved');

    // What reaches the server says which answers were the family's.
    await expect
      .poll(
        async () =>
          (
            (await backend().recordsWhere("kind = 'screening' AND case_number = $1", [caseNumber]))[0]?.['content'] as
              { familyAnswers?: unknown } | undefined
          )?.familyAnswers,
        { timeout: 30_000, interval: 250 },
      )
      .toEqual({
        support: { by: 'family' },
        money: { by: 'family' },
        confidence: { by: 'family' },
        children: { by: 'family' },
        safety: { by: 'changedByStaff', familyAnswer: 'unsure' },
      });
  });

  it('lets the family answer in Ukrainian; an acute-danger answer only marks the bar, and the instruction waits for staff', async () => {
    const { page } = app;
    const caseNumber = await app.consentForScreening();
    await app.openScreening(caseNumber);
    await handOver(page, 'Українська');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(labelOf('support', 'uk'));
    await expectNoEvaluation(page);
    await shoot(page, 'family-question-uk');

    await choose(page, 'support', 'few');
    await next(page, familyUk.screening);
    await next(page, familyUk.screening); // money left out
    await next(page, familyUk.screening);
    await next(page, familyUk.screening);
    await choose(page, 'safety', 'threatened');
    // The quiet mark for staff; nothing the family reads changes.
    await page.locator('[data-testid="family-mode-bar"][data-staff-called="true"]').waitFor();
    await expectNoEvaluation(page);
    await shoot(page, 'family-danger-called-uk');
    await next(page, familyUk.screening);
    expect(await page.getByTestId('family-screening-done').innerText()).toContain(familyUk.screening.doneText);
    await expectNoEvaluation(page);

    await app.takeTabletBack();
    const instruction = page.getByRole('alertdialog', { name: screening.emergency.title });
    await instruction.waitFor();
    await instruction.getByRole('button', { name: screening.emergency.back }).click();
    await instruction.waitFor({ state: 'detached' });
    expect(await page.getByTestId('screening-support-need').textContent()).toBe(screening.supportNeed.urgent);
    await choose(page, 'feeding', 'wellOn');
    await page.getByRole('button', { name: screening.save }).click();
    await page.locator('[data-record-kind="screening"]', { hasText: caseNumber }).waitFor();
  });

  it('keeps the family’s answers when the tablet locks while the family holds it', async () => {
    const { page } = app;
    const caseNumber = await app.consentForScreening();
    await app.openScreening(caseNumber);
    await handOver(page, 'Deutsch');
    await app.trackChanges();
    await choose(page, 'support', 'several');
    await next(page, familyDe.screening);
    await choose(page, 'money', 'true');
    await app.waitForDraftOfLastChange();
    await page.reload(); // locks the tablet: family mode ends, the encrypted draft stays
    await page.getByRole('heading', { name: de.common.access.lockedTitle }).waitFor();
    await page.getByRole('radio', { name: 'HOME-Partnerin (Demo)' }).check();
    await app.unlock(AUTHOR_PASSPHRASE);
    // The draft reopens its form (or waits in the home's drafts).
    const answered = page.getByTestId('screening-family-answered');
    const continueDraft = page.getByRole('button', { name: de.records.actions.continue });
    await answered.or(continueDraft).first().waitFor();
    if (!(await answered.isVisible())) await continueDraft.click();
    await answered.waitFor();
    expect(await page.getByTestId('family-mode-bar').count()).toBe(0);
    expect(await page.locator('[data-question="money"] input[value="true"]').isChecked()).toBe(true);
    expect(await page.locator('[data-question="money"] [data-answered-by="family"]').count()).toBe(1);
    expect(await page.locator('#screening-case-number').inputValue()).toBe(caseNumber);
  });
});
