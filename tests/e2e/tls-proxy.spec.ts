// The tablet app through the shipped nginx configuration (deploy/nginx/lotse.conf)
// in real Chromium: enrolment, the first sign-in (WebCrypto) and the service worker
// work over TLS, the app then opens offline, and the document carries HSTS and the CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type RunningBackend } from './support/backend';
import { CHROMIUM_ARGS, chromiumPath, launchChromium, type BrowserSession } from './support/chromium';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import { findNginx, findOpenssl, nginxRequired, startTlsProxy, type TlsProxy } from '../fixtures/nginx-proxy';

const proxyAvailable = findNginx() !== undefined && findOpenssl() !== undefined;
if (!proxyAvailable && !nginxRequired()) {
  console.warn('\n[e2e] nginx or openssl missing: the TLS proxy browser test is SKIPPED.\n');
}

describe.skipIf(!chromiumPath || (!proxyAvailable && !nginxRequired()))('the app behind the TLS proxy', () => {
  let backend: RunningBackend | undefined;
  let proxy: TlsProxy | undefined;
  let browser: BrowserSession | undefined;

  beforeAll(async () => {
    if (!proxyAvailable) throw new Error('nginx or openssl missing, and this run requires them');
    backend = await startBackend();
    proxy = await startTlsProxy(Number(new URL(backend.url).port));
    // The throw-away certificate is not trusted by Chromium; the flag (unlike a per-page
    // setting) also lets the service worker script load over it.
    browser = await launchChromium('lotse-e2e-tls-', {
      locale: 'de-DE',
      serviceWorkers: 'allow',
      args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await backend?.stop();
  });

  it('enrols, signs in, installs the service worker over HTTPS and opens offline afterwards', async () => {
    if (!browser || !proxy || !backend) throw new Error('not started');
    const page = await browser.context.newPage();
    const first = await page.goto(proxy.url);
    expect(first?.status()).toBe(200);
    const headers = first?.headers() ?? {};
    expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(
      await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle, sw: 'serviceWorker' in navigator })),
    ).toEqual({
      secure: true,
      subtle: 'object',
      sw: true,
    });

    const app = new TabletApp(page);
    await app.start({ url: proxy.url, demo: backend.demo }, 'Proxy Test Kennwort', { offlineReady: true });
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/^https:\/\/localhost:\d+\/sw\.js$/);

    // The precache came through the proxy: with the network gone the app still opens.
    await browser.context.setOffline(true);
    try {
      await page.reload();
      await page.getByRole('heading', { name: de.common.access.lockedTitle }).waitFor();
    } finally {
      await browser.context.setOffline(false);
    }
    expect(await proxy.accessLog()).toContain('GET /sw.js');
  });
});
