// Every staff screen passes axe-core (WCAG 2.1 A/AA) with no serious or
// critical violation, in German. (The family-facing screens are checked in
// Arabic, right to left, in consent.spec.ts.)
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { accessibilityViolations } from './support/axe';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Barrierefrei am Tablet';
const SERIOUS = ['serious', 'critical'] as const;

describe.skipIf(!chromiumPath)('accessibility of the staff screens (German)', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('welcome, enrollment, first sign-in, passphrase, overview, HOME form, lock screen', async () => {
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    const screens: Record<string, string[]> = {};
    const check = async (name: string): Promise<void> => {
      screens[name] = await accessibilityViolations(page, { impacts: SERIOUS });
    };

    await app.open(backend().url);
    await page.getByRole('button', { name: de.common.access.enrolTitle }).waitFor();
    await check('welcome');
    await page.getByRole('button', { name: de.common.access.enrolTitle }).click();
    await check('enrol');
    await page.getByLabel(de.common.access.tabletLabel).fill('A11y-Tablet');
    await page.getByLabel(de.common.auth.username).fill(backend().demo.coordinator.username);
    await page.getByLabel(de.common.auth.password).fill(backend().demo.coordinator.password);
    await page.getByRole('button', { name: de.common.access.enrolSubmit }).click();
    await page.getByRole('heading', { name: de.common.access.firstSignInTitle }).waitFor();
    await check('firstSignIn');
    await page.getByLabel(de.common.auth.username).fill(backend().demo.homePartner.username);
    await page.getByLabel(de.common.auth.password).fill(backend().demo.homePartner.password);
    await page.getByRole('button', { name: de.common.auth.submit }).click();
    await page.getByLabel(de.common.access.newPassphrase).waitFor();
    await check('passphrase');
    await page.getByLabel(de.common.access.newPassphrase).fill(PASSPHRASE);
    await page.getByLabel(de.common.access.repeatPassphrase).fill(PASSPHRASE);
    await page.getByRole('button', { name: de.common.access.setPassphrase }).click();
    await page.getByRole('button', { name: de.homeContact.new }).waitFor({ timeout: 20_000 });
    await check('overview');

    await app.startHomeContact();
    await app.save(); // with validation errors shown
    await page.getByText(de.homeContact.errors.topicsRequired).waitFor();
    await check('homeContactFormWithErrors');
    await page.getByRole('button', { name: de.homeContact.cancel }).click();

    await app.lock();
    await check('lock');
    await app.unlock('falsch falsch');
    await page.getByRole('alert').waitFor();
    await check('lockWrongPassphrase');

    expect(screens).toEqual({
      welcome: [],
      enrol: [],
      firstSignIn: [],
      passphrase: [],
      overview: [],
      homeContactFormWithErrors: [],
      lock: [],
      lockWrongPassphrase: [],
    });
  });
});
