// Figure 11: Lotse's start-up side by side with the floor — the smallest app on
// Lotse's own stack (../shared/bench-floor: React + Dexie + vite-plugin-pwa, one
// JSON form) — in the same run, alternating Lotse and floor (A B A B), each
// measurement in a fresh on-disk profile:
//   11a first visit → first screen usable, unthrottled;
//   11b the same under a mobile profile (CDP: 4× CPU, 150 ms RTT, 1.6 Mbps down);
//   11c the installed app's browser restarted offline → first screen usable
//       (Lotse: an enrolled tablet's lock screen; floor: its form);
//   11d bytes on the wire until the first screen is usable on the first visit;
//   11e "a 60-question screening adds ≤ 25 %": Lotse only — a test definition of 6
//       and one of 60 yes/no questions uploaded through the questionnaire route,
//       each pulled by a freshly enrolled tablet; timed from the consent's
//       "continue to screening" tap to the first frame showing every question.
// Lotse is `vite build` (vite.config.ts) into a temporary directory, served by
// the backend in-process; the floor is built in a temporary copy (npm ci there
// when the floor has no node_modules: the shared folder is read-only) and served
// by `vite preview`, which compresses like a normal static host.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import common from '../../locales/de/common.json';
import { startBackend, type RunningBackend } from '../e2e/support/backend';
import { chromiumPath, launchProfile } from '../e2e/support/chromium';
import { TabletApp } from '../e2e/pages/TabletApp';
import { fmt, median, skippedRow, verdict, type Row } from './table';

const REPO = resolve(import.meta.dirname, '../..');
const FLOOR_SOURCE = resolve(process.env['BENCH_FLOOR_DIR'] ?? join(REPO, '../shared/bench-floor'));
const PASSPHRASE = 'Bench Floor 2026';
const MOBILE = { cpuSlowdown: 4, latencyMs: 150, downBitsPerSecond: 1_600_000, upBitsPerSecond: 750_000 };
const GOALS = { cold: 1.3, mobile: 1.5, offline: 1.2 };

/** What "the first screen is usable" means for each app: an enabled element, found in an animation frame. */
interface Target {
  kind: 'button';
  text: string;
}
interface FieldTarget {
  kind: 'selector';
  selector: string;
}
type ReadyTarget = Target | FieldTarget;
const CONTINUE_TO_SCREENING = common.consent.continueWith.screening;
const LOTSE_WELCOME: ReadyTarget = { kind: 'button', text: common.access.enrolTitle };
const LOTSE_LOCK: ReadyTarget = { kind: 'selector', selector: 'input[type="password"]' };
const FLOOR_FORM: ReadyTarget = { kind: 'selector', selector: 'form[data-ready] input' };

declare global {
  interface Window {
    benchReadyAt?: number;
    benchScreening?: { tap?: number; shown?: number };
  }
}

/** Installed before the app's scripts: performance.now() of the first frame in which the target is usable. */
function probe(target: ReadyTarget): void {
  const usable = (): boolean => {
    if (target.kind === 'selector') {
      const element = document.querySelector<HTMLInputElement>(target.selector);
      return element !== null && !element.disabled;
    }
    return Array.from(document.querySelectorAll('button')).some((b) => !b.disabled && b.textContent.includes(target.text));
  };
  const check = (): void => {
    if (usable()) window.benchReadyAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

function launch(userDataDir: string, offline = false): Promise<BrowserContext> {
  return launchProfile(userDataDir, { offline });
}

async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

/** Loads `url` with the probe; resolves with the ready time and the bytes received until then. */
async function timedLoad(page: Page, url: string, target: ReadyTarget, mobile: boolean): Promise<{ ms: number; bytes: number }> {
  await page.addInitScript('globalThis.__name ??= (fn) => fn'); // tsx (esbuild keepNames) wraps inner functions in __name()
  await page.addInitScript(probe, target);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
  });
  if (mobile) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: MOBILE.cpuSlowdown });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: MOBILE.latencyMs,
      downloadThroughput: MOBILE.downBitsPerSecond / 8,
      uploadThroughput: MOBILE.upBitsPerSecond / 8,
    });
  }
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.benchReadyAt !== undefined, undefined, { timeout: 120_000 });
  const ms = await page.evaluate(() => window.benchReadyAt ?? Number.NaN);
  const received = bytes; // requests still in flight at the ready frame are not counted
  await cdp.detach().catch(() => undefined);
  return { ms, bytes: received };
}

async function firstVisit(url: string, target: ReadyTarget, mobile: boolean): Promise<{ ms: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-bench-floor-cold-'));
  const context = await launch(dir);
  try {
    return await timedLoad(await firstPage(context), url, target, mobile);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Installs the app in a fresh profile (`install`), closes the browser, reopens it offline and times the first screen. */
async function offlineRestart(url: string, target: ReadyTarget, install: (page: Page) => Promise<void>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-bench-floor-offline-'));
  try {
    const online = await launch(dir);
    try {
      await install(await firstPage(online));
    } finally {
      await online.close();
    }
    const offline = await launch(dir, true);
    try {
      return (await timedLoad(await firstPage(offline), url, target, false)).ms;
    } finally {
      await offline.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') ok(address.port);
        else fail(new Error('no port'));
      });
    });
  });
}

function makeWritable(path: string): void {
  const stats = statSync(path);
  chmodSync(path, stats.isDirectory() ? 0o755 : 0o644);
  if (stats.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

/**
 * A writable copy of the floor with its dependencies, built. The copy is kept in
 * the temporary directory per lock file, so `npm ci` runs once per floor version;
 * the sources are copied afresh every run.
 */
function buildFloor(log: (m: string) => void): string {
  if (!existsSync(join(FLOOR_SOURCE, 'package.json'))) throw new Error(`no floor app at ${FLOOR_SOURCE} (set BENCH_FLOOR_DIR)`);
  const lock = readFileSync(join(FLOOR_SOURCE, 'package-lock.json'));
  const dir = join(tmpdir(), `lotse-bench-floor-${createHash('sha256').update(lock).digest('hex').slice(0, 12)}`);
  for (const entry of existsSync(dir) ? readdirSync(dir) : []) {
    if (entry !== 'node_modules') rmSync(join(dir, entry), { recursive: true, force: true });
  }
  cpSync(FLOOR_SOURCE, dir, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
  makeWritable(dir);
  if (!existsSync(join(dir, 'node_modules', 'vite'))) {
    if (existsSync(join(FLOOR_SOURCE, 'node_modules', 'vite'))) {
      symlinkSync(join(FLOOR_SOURCE, 'node_modules'), join(dir, 'node_modules'), 'dir');
    } else {
      log(`floor: npm ci in ${dir} (once per floor version)`);
      const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (ci.status !== 0) throw new Error(`npm ci for the floor failed (${String(ci.status)})`);
    }
  }
  log('floor: vite build');
  const built = spawnSync(process.execPath, [join(dir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) throw new Error(`the floor's vite build failed (${String(built.status)})`);
  return dir;
}

async function serveFloor(dir: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(dir, 'node_modules/vite/bin/vite.js'), 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${String(port)}/`;
  const stop = (): void => {
    child.kill('SIGTERM');
  };
  for (const started = Date.now(); Date.now() - started < 30_000;) {
    if (child.exitCode !== null) throw new Error(`vite preview of the floor exited (${String(child.exitCode)})`);
    try {
      if ((await fetch(url)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error('vite preview of the floor did not start within 30 s');
}

/** A valid test definition of `count` yes/no questions in sections of six (docs/QUESTIONNAIRE.md). */
function testDefinition(count: number, version: string): Record<string, unknown> {
  const sections: { id: string; title: { de: string }; questions: Record<string, unknown>[] }[] = [];
  for (let i = 1; i <= count; i++) {
    if ((i - 1) % 6 === 0)
      sections.push({ id: `part${String(sections.length + 1)}`, title: { de: `Teil ${String(sections.length + 1)}` }, questions: [] });
    sections.at(-1)?.questions.push({
      id: `q${String(i)}`,
      type: 'yesNo',
      label: { de: `Testfrage ${String(i)} von ${String(count)}: trifft das zu?` },
      weightYes: 1,
    });
  }
  return {
    id: 'bench-screening',
    version,
    title: { de: `Test-Screening (${String(count)} Fragen)` },
    sections,
    thresholds: { informationOnly: 1, offerRecommended: 3, urgent: 5 },
  };
}

async function uploadDefinition(backend: RunningBackend, definition: Record<string, unknown>): Promise<void> {
  const signIn = await fetch(new URL('/api/session', backend.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: backend.demo.coordinator.username, password: backend.demo.coordinator.password }),
  });
  if (!signIn.ok) throw new Error(`coordinator sign-in failed: ${String(signIn.status)}`);
  const { token } = (await signIn.json()) as { token: string };
  const upload = await fetch(new URL('/api/questionnaires', backend.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(definition),
  });
  if (upload.status !== 201) throw new Error(`questionnaire upload failed: ${String(upload.status)} ${await upload.text()}`);
}

/** Installed before the app's scripts: the "continue to screening" tap and the first frame that shows the last question. */
function screeningProbe(texts: { continueLabel: string; lastQuestion: string }): void {
  const marks: { tap?: number; shown?: number } = {};
  window.benchScreening = marks;
  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest('button');
      if (button?.textContent.includes(texts.continueLabel) === true) marks.tap = event.timeStamp;
    },
    true,
  );
  const check = (): void => {
    if (marks.tap !== undefined && marks.shown === undefined) {
      const form = document.querySelector('form');
      const radio = form?.querySelector<HTMLInputElement>('input[type="radio"]');
      if (form?.textContent.includes(texts.lastQuestion) === true && radio && !radio.disabled) marks.shown = performance.now();
    }
    if (marks.shown === undefined) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** A fresh tablet pulls the active definition; consent, then "continue to screening" → every question shown. */
async function screeningOpens(backend: RunningBackend, count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-bench-floor-screening-'));
  const context = await launch(dir);
  try {
    const page = await firstPage(context);
    await page.addInitScript('globalThis.__name ??= (fn) => fn'); // tsx (esbuild keepNames) wraps inner functions in __name()
    await page.addInitScript(screeningProbe, {
      continueLabel: CONTINUE_TO_SCREENING,
      lastQuestion: `Testfrage ${String(count)} von ${String(count)}`,
    });
    const app = new TabletApp(page);
    await app.start(backend, PASSPHRASE, { offlineReady: true });
    await app.consentForScreening();
    await page.getByRole('button', { name: CONTINUE_TO_SCREENING }).click();
    await page.waitForFunction(() => window.benchScreening?.shown !== undefined, undefined, { timeout: 60_000 });
    const { tap, shown } = await page.evaluate(() => ({
      tap: window.benchScreening?.tap ?? Number.NaN,
      shown: window.benchScreening?.shown ?? Number.NaN,
    }));
    const questions = await page
      .locator('form')
      .getByText(/^Testfrage \d+ von/)
      .count();
    if (questions !== count)
      throw new Error(`expected the ${String(count)}-question test definition on the tablet, found ${String(questions)} questions`);
    return shown - tap;
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function ratioRow(figure: string, lotse: number[], floor: number[], goal: number | undefined, unit = 'ms'): Row[] {
  const a = median(lotse);
  const b = median(floor);
  const ratio = a / b;
  const spread = (values: number[]): string => values.map((v) => fmt(unit === 'kB' ? v / 1000 : v, unit === 'kB' ? 1 : 0)).join(' / ');
  const show = (v: number): string => fmt(unit === 'kB' ? v / 1000 : v, unit === 'kB' ? 1 : 0);
  return [
    {
      figure: `${figure} — Lotse`,
      value: show(a),
      unit,
      ratio: fmt(ratio, 2),
      goal: goal === undefined ? 'info (ratio: Lotse ÷ floor)' : verdict(`ratio ≤ ${String(goal)}×`, ratio <= goal),
    },
    { figure: `${figure} — floor`, value: show(b), unit, goal: `info (runs: Lotse ${spread(lotse)}; floor ${spread(floor)})` },
  ];
}

export async function runFloorBench(options: { runs: number; log: (m: string) => void }): Promise<Row[]> {
  const { runs, log } = options;
  if (!chromiumPath) return [skippedRow('11 start-up against the floor', 'ms', 'skipped: no Chromium (CHROME_PATH or chromium on PATH)')];
  const outDir = mkdtempSync(join(tmpdir(), 'lotse-bench-floor-lotse-'));
  let backend: RunningBackend | undefined;
  let floor: { url: string; stop: () => void } | undefined;
  try {
    const floorDir = buildFloor(log);
    log('floor: Lotse vite build (vite.config.ts) into a temporary directory');
    await build({ root: REPO, configFile: join(REPO, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    backend = await startBackend({ staticDir: outDir });
    floor = await serveFloor(floorDir);
    const lotseUrl = backend.url;
    const floorUrl = floor.url;
    const running = backend;

    const measured = {
      cold: { lotse: [] as number[], floor: [] as number[] },
      mobile: { lotse: [] as number[], floor: [] as number[] },
      offline: { lotse: [] as number[], floor: [] as number[] },
      bytes: { lotse: [] as number[], floor: [] as number[] },
    };
    for (let i = 0; i < runs; i++) {
      log(`floor: run ${String(i + 1)}/${String(runs)} — first visits`);
      const a = await firstVisit(lotseUrl, LOTSE_WELCOME, false);
      const b = await firstVisit(floorUrl, FLOOR_FORM, false);
      measured.cold.lotse.push(a.ms);
      measured.cold.floor.push(b.ms);
      measured.bytes.lotse.push(a.bytes);
      measured.bytes.floor.push(b.bytes);
      log(`floor: run ${String(i + 1)}/${String(runs)} — mobile profile`);
      measured.mobile.lotse.push((await firstVisit(lotseUrl, LOTSE_WELCOME, true)).ms);
      measured.mobile.floor.push((await firstVisit(floorUrl, FLOOR_FORM, true)).ms);
      log(`floor: run ${String(i + 1)}/${String(runs)} — offline restarts`);
      measured.offline.lotse.push(
        await offlineRestart(lotseUrl, LOTSE_LOCK, async (page) => {
          await new TabletApp(page).start(running, PASSPHRASE, { offlineReady: true });
        }),
      );
      measured.offline.floor.push(
        await offlineRestart(floorUrl, FLOOR_FORM, async (page) => {
          await page.goto(floorUrl);
          await page.locator('form[data-ready] input').first().waitFor();
          await waitForServiceWorkerControl(page);
        }),
      );
    }
    const screening = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < runs; i++) {
      log(`floor: run ${String(i + 1)}/${String(runs)} — screening of 6 and of 60 questions`);
      await uploadDefinition(running, testDefinition(6, `2026.${String(2 * i + 1)}`));
      screening.small.push(await screeningOpens(running, 6));
      await uploadDefinition(running, testDefinition(60, `2026.${String(2 * i + 2)}`));
      screening.large.push(await screeningOpens(running, 60));
    }
    log(`floor: all runs (ms, bytes) ${JSON.stringify({ ...measured, screening })}`);
    const added = median(screening.large) / median(screening.small) - 1;
    return [
      ...ratioRow(`11a first visit → first screen usable, median of ${String(runs)}`, measured.cold.lotse, measured.cold.floor, GOALS.cold),
      ...ratioRow('11b same, mobile profile (4× CPU, 150 ms RTT, 1.6 Mbps)', measured.mobile.lotse, measured.mobile.floor, GOALS.mobile),
      ...ratioRow(
        '11c installed app restarted offline → first screen usable',
        measured.offline.lotse,
        measured.offline.floor,
        GOALS.offline,
      ),
      ...ratioRow('11d bytes on the wire, first visit until usable', measured.bytes.lotse, measured.bytes.floor, undefined, 'kB'),
      {
        figure: `11e "continue to screening" → form usable, 6 questions, median of ${String(runs)}`,
        value: fmt(median(screening.small)),
        unit: 'ms',
        goal: `info (runs: ${screening.small.map((v) => fmt(v)).join(' / ')})`,
      },
      {
        figure: '11e   same, 60 questions',
        value: fmt(median(screening.large)),
        unit: 'ms',
        ratio: fmt(median(screening.large) / median(screening.small), 2),
        goal: `${verdict('adds ≤ 25 %', added <= 0.25)} (runs: ${screening.large.map((v) => fmt(v)).join(' / ')})`,
      },
    ];
  } finally {
    floor?.stop();
    await backend?.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}
