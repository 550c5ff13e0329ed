// Opened over plain HTTP from another machine (a tablet in the local network),
// the browser withholds WebCrypto and service workers; the welcome screen says
// that Lotse needs HTTPS instead of letting enrolment fail with "did not work".
// Chromium is told that the name lotse-tablet.test is this machine's loopback
// address: a non-local name, so no secure context, and no traffic leaves the host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type RunningBackend } from './support/backend';
import { CHROMIUM_ARGS, chromiumPath, launchChromium, type BrowserSession } from './support/chromium';
import { de } from './pages/texts';

const LAN_NAME = 'lotse-tablet.test';

describe.skipIf(!chromiumPath)('an insecure origin', () => {
  let backend: RunningBackend | undefined;
  let browser: BrowserSession | undefined;

  beforeAll(async () => {
    backend = await startBackend();
    browser = await launchChromium('lotse-e2e-insecure-', {
      locale: 'de-DE',
      serviceWorkers: 'allow',
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  it('explains that Lotse needs HTTPS and offers no enrolment that cannot work', async () => {
    if (!browser || !backend) throw new Error('not started');
    const page = await browser.context.newPage();
    const url = new URL(backend.url);
    url.hostname = LAN_NAME;
    await page.goto(url.toString());
    // The premise: this origin really is insecure for Chromium.
    expect(
      await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle, sw: 'serviceWorker' in navigator })),
    ).toEqual({
      secure: false,
      subtle: 'undefined',
      sw: false,
    });

    const notice = page.getByRole('alert');
    await page.getByRole('heading', { name: de.common.access.insecure.title }).waitFor();
    expect(await notice.innerText()).toContain(`http://${LAN_NAME}:${url.port}`);
    expect(await notice.innerText()).toContain(de.common.access.insecure.whatToDo);
    expect(await page.getByRole('button', { name: de.common.access.enrolTitle }).count()).toBe(0);
    expect(await page.getByText(de.common.access.enrolError.failed).count()).toBe(0);
  });

  it('shows the usual welcome on the machine itself (localhost is a secure context)', async () => {
    if (!browser || !backend) throw new Error('not started');
    const page = await browser.context.newPage();
    await page.goto(backend.url);
    await page.getByRole('button', { name: de.common.access.enrolTitle }).waitFor();
    expect(await page.getByRole('heading', { name: de.common.access.insecure.title }).count()).toBe(0);
  });
});
