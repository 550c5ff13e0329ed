// Figure 8: start-up of the built PWA in headless Chromium, served by the
// backend in-process (like figure 6: `vite build` with vite.config.ts into a
// temporary directory).
//   8a first visit: fresh profile, no HTTP cache, no service worker → the
//      welcome screen's "set up tablet" button is in the DOM and enabled;
//   8b the same under a mobile profile (CDP: 4× CPU slowdown, 150 ms RTT,
//      1.6 Mbps down / 750 kbps up);
//   8c an enrolled tablet's browser restarted OFFLINE, the app served by its
//      service worker → the lock screen's passphrase field; then unlock tap →
//      the overview ("new HOME contact") — with one record on the tablet, and
//      again with 20,000 more. The 20,000 are content-free stubs of sent
//      records (what months of use leave behind when the content is dropped
//      after sync), cloned in IndexedDB from a real one the app made.
// Times are taken in the page: performance.now() (from navigation start) in
// the first animation frame where the element is present; the unlock tap's
// event.timeStamp for the overview. Median of `runs`, each a new browser process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import common from '../../locales/de/common.json';
import homeContact from '../../locales/de/home-contact.json';
import { startBackend, type RunningBackend } from '../e2e/support/backend';
import { chromiumPath, launchProfile } from '../e2e/support/chromium';
import { TabletApp } from '../e2e/pages/TabletApp';
import { fmt, median, skippedRow, verdict, type Row } from './table';

const REPO = resolve(import.meta.dirname, '../..');
const PASSPHRASE = 'Bench Startup 2026';
const TEXTS = { enrol: common.access.enrolTitle, unlock: common.access.unlock, newHome: homeContact.new };

interface Ready {
  welcome?: number;
  lock?: number;
  overview?: number;
  unlockTap?: number;
}
declare global {
  interface Window {
    lotseReady?: Ready;
  }
}

/** Installed before the app's scripts: marks the first frame in which each screen is usable. */
function probe(texts: typeof TEXTS): void {
  const ready: Ready = {};
  window.lotseReady = ready;
  const buttonWith = (text: string): boolean =>
    Array.from(document.querySelectorAll('button')).some(
      (b) => !b.disabled && (b.textContent.includes(text) || b.getAttribute('aria-label') === text),
    );
  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest('button');
      if (button?.textContent.includes(texts.unlock) === true) ready.unlockTap = event.timeStamp;
    },
    true,
  );
  const check = (): void => {
    const now = performance.now();
    if (ready.welcome === undefined && buttonWith(texts.enrol)) ready.welcome = now;
    if (ready.lock === undefined && document.querySelector('input[type="password"]')) ready.lock = now;
    if (ready.unlockTap !== undefined && ready.overview === undefined && buttonWith(texts.newHome)) ready.overview = now;
    if (ready.overview === undefined) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

function launch(userDataDir: string, offline = false): Promise<BrowserContext> {
  return launchProfile(userDataDir, { offline });
}

async function readyAt(page: Page, key: keyof Ready): Promise<number> {
  await page.waitForFunction((k) => window.lotseReady?.[k] !== undefined, key, { timeout: 120_000 });
  return page.evaluate((k) => window.lotseReady?.[k] ?? Number.NaN, key);
}

async function firstVisit(url: string, mobile: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-bench-cold-'));
  const context = await launch(dir);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript('globalThis.__name ??= (fn) => fn'); // tsx (esbuild keepNames) wraps inner functions in __name()
    await page.addInitScript(probe, TEXTS);
    if (mobile) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 150,
        downloadThroughput: 1_600_000 / 8,
        uploadThroughput: 750_000 / 8,
      });
    }
    await page.goto(url, { waitUntil: 'commit' });
    return await readyAt(page, 'welcome');
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Browser restarted offline: lock screen from the service worker, then unlock → overview. */
async function offlineRestart(url: string, dir: string): Promise<{ lock: number; unlockToOverview: number }> {
  const context = await launch(dir, true);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript('globalThis.__name ??= (fn) => fn'); // tsx (esbuild keepNames) wraps inner functions in __name()
    await page.addInitScript(probe, TEXTS);
    await page.goto(url, { waitUntil: 'commit' });
    const lock = await readyAt(page, 'lock');
    await page.getByLabel(common.access.passphrase, { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: common.access.unlock }).click();
    const overview = await readyAt(page, 'overview');
    const tap = await page.evaluate(() => window.lotseReady?.unlockTap ?? Number.NaN);
    return { lock, unlockToOverview: overview - tap };
  } finally {
    await context.close();
  }
}

/** Clones the tablet's one content-free stub `count` times in its IndexedDB (raw, as stored). */
async function addStubs(page: Page, count: number): Promise<number> {
  return page.evaluate(async (n) => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const request = indexedDB.open('lotse');
      request.onsuccess = () => {
        ok(request.result);
      };
      request.onerror = () => {
        fail(new Error('open failed'));
      };
    });
    const rows = await new Promise<Record<string, unknown>[]>((ok) => {
      const request = db.transaction('records', 'readonly').objectStore('records').getAll();
      request.onsuccess = () => {
        ok(request.result as Record<string, unknown>[]);
      };
    });
    const stub = rows.find((r) => r['sealed'] === undefined && r['syncState'] === 'sent');
    if (!stub) throw new Error('no content-free stub to clone');
    const base = Date.parse(String(stub['updatedAt']));
    for (let start = 0; start < n; start += 1000) {
      await new Promise<void>((ok, fail) => {
        const tx = db.transaction('records', 'readwrite');
        const store = tx.objectStore('records');
        for (let i = start; i < Math.min(n, start + 1000); i++) {
          const at = new Date(base - (i + 1) * 60_000).toISOString();
          store.put({ ...stub, id: crypto.randomUUID(), updatedAt: at, sentAt: at, contentRemovedAt: at });
        }
        tx.oncomplete = () => {
          ok();
        };
        tx.onerror = () => {
          fail(new Error('write failed'));
        };
      });
    }
    const total = await new Promise<number>((ok) => {
      const request = db.transaction('records', 'readonly').objectStore('records').count();
      request.onsuccess = () => {
        ok(request.result);
      };
    });
    db.close();
    return total;
  }, count);
}

export async function runStartupBench(options: { runs: number; stubs: number; log: (m: string) => void }): Promise<Row[]> {
  const { runs, stubs, log } = options;
  if (!chromiumPath) {
    const why = 'skipped: no Chromium (CHROME_PATH or chromium on PATH)';
    return [skippedRow('8 cold start', 'ms', why)];
  }
  const outDir = mkdtempSync(join(tmpdir(), 'lotse-bench-startup-'));
  const tabletDir = mkdtempSync(join(tmpdir(), 'lotse-bench-tablet-'));
  let backend: RunningBackend | undefined;
  try {
    log('startup: vite build (vite.config.ts) into a temporary directory');
    await build({ root: REPO, configFile: join(REPO, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    backend = await startBackend({ staticDir: outDir });
    const url = backend.url;

    log(`startup: first visit ×${String(runs)}, unthrottled and mobile profile`);
    const cold: number[] = [];
    const mobile: number[] = [];
    for (let i = 0; i < runs; i++) cold.push(await firstVisit(url, false));
    for (let i = 0; i < runs; i++) mobile.push(await firstVisit(url, true));

    log('startup: enrol a tablet, one HOME contact sent (content dropped after sync)');
    {
      const context = await launch(tabletDir);
      const page = context.pages()[0] ?? (await context.newPage());
      const app = new TabletApp(page);
      await app.start(backend, PASSPHRASE, { offlineReady: true });
      await app.startHomeContact();
      await app.chooseSite(backend.demo.siteLabel);
      await app.chooseTopic('health');
      await app.save();
      const wait = Date.now() + 30_000;
      for (;;) {
        const raw = (await app.rawIndexedDb()).records as { syncState: string; sealed?: unknown }[];
        if (raw.length === 1 && raw[0]?.syncState === 'sent' && raw[0].sealed === undefined) break;
        if (Date.now() > wait) throw new Error('the contact was not sent and minimised in time');
        await page.waitForTimeout(200);
      }
      await context.close();
    }
    log(`startup: offline restarts ×${String(runs)} with 1 record`);
    const small: { lock: number; unlockToOverview: number }[] = [];
    for (let i = 0; i < runs; i++) small.push(await offlineRestart(url, tabletDir));

    log(`startup: adding ${fmt(stubs)} content-free stubs`);
    {
      const context = await launch(tabletDir);
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(url);
      const total = await addStubs(page, stubs);
      if (total !== stubs + 1) throw new Error(`expected ${String(stubs + 1)} records, found ${String(total)}`);
      await context.close();
    }
    log(`startup: offline restarts ×${String(runs)} with ${fmt(stubs + 1)} records`);
    const large: { lock: number; unlockToOverview: number }[] = [];
    for (let i = 0; i < runs; i++) large.push(await offlineRestart(url, tabletDir));

    const coldMs = median(cold);
    const mobileMs = median(mobile);
    const lockSmall = median(small.map((s) => s.lock));
    const lockLarge = median(large.map((s) => s.lock));
    const openSmall = median(small.map((s) => s.unlockToOverview));
    const openLarge = median(large.map((s) => s.unlockToOverview));
    log(`startup: first visit ${cold.map((v) => fmt(v)).join(' / ')} ms; mobile ${mobile.map((v) => fmt(v)).join(' / ')} ms`);
    log(
      `startup: offline lock ${small.map((s) => fmt(s.lock)).join(' / ')} → ${large.map((s) => fmt(s.lock)).join(' / ')} ms; unlock→overview ${small.map((s) => fmt(s.unlockToOverview)).join(' / ')} → ${large.map((s) => fmt(s.unlockToOverview)).join(' / ')} ms`,
    );
    return [
      {
        figure: `9a first visit → welcome screen usable, median of ${String(runs)}`,
        value: fmt(coldMs),
        unit: 'ms',
        goal: verdict('≤ 800 ms cold', coldMs <= 800),
      },
      {
        figure: '9b same, mobile profile (4× CPU, 150 ms RTT, 1.6 Mbps)',
        value: fmt(mobileMs),
        unit: 'ms',
        ratio: fmt(mobileMs / coldMs, 1),
        goal: verdict('≤ 3,100 ms', mobileMs <= 3100),
      },
      {
        figure: '9c restart offline (service worker) → lock screen, 1 record',
        value: fmt(lockSmall),
        unit: 'ms',
        goal: verdict('≤ 300 ms offline', lockSmall <= 300),
      },
      {
        figure: `9c   same, ${fmt(stubs + 1)} records on the tablet`,
        value: fmt(lockLarge),
        unit: 'ms',
        ratio: fmt(lockLarge / lockSmall, 2),
        goal: verdict('not slower (ratio ≤ 1.25)', lockLarge / lockSmall <= 1.25),
      },
      { figure: '9c unlock tap → overview, 1 record (incl. PBKDF2)', value: fmt(openSmall), unit: 'ms', goal: 'info' },
      {
        figure: `9c   same, ${fmt(stubs + 1)} records on the tablet`,
        value: fmt(openLarge),
        unit: 'ms',
        ratio: fmt(openLarge / openSmall, 2),
        goal: verdict('not slower (ratio ≤ 1.25)', openLarge / openSmall <= 1.25),
      },
    ];
  } finally {
    await backend?.stop();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(tabletDir, { recursive: true, force: true });
  }
}
