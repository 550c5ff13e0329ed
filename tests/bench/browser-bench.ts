// Figures 1–3 in real Chromium: Vite serves tests/bench/browser/index.html
// (which imports the client storage modules straight from src/), playwright-core
// drives Debian's Chromium with an on-disk profile so IndexedDB is the real
// LevelDB-backed one, and the page's window.lotseBench does the timing.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { LAYER_ALIASES } from '../../layer-aliases';
import { chromiumPath, launchChromium, type BrowserSession } from '../e2e/support/chromium';
import type { BrowserBenchApi } from './workload';
import { fmt, median, percentile, skippedRow, verdict, type Row } from './table';

const REPO = resolve(import.meta.dirname, '../..');
export interface BrowserBenchOptions {
  records: number;
  bulkChunk: number;
  latencySaves: number;
  unlockRuns: number;
  slotRuns: number;
  log: (message: string) => void;
}

export interface BrowserBenchResult {
  rows: Row[];
  chromiumVersion: string | undefined;
}

type Call = <K extends keyof BrowserBenchApi>(
  name: K,
  ...args: Parameters<BrowserBenchApi[K]>
) => Promise<Awaited<ReturnType<BrowserBenchApi[K]>>>;

function caller(page: Page): Call {
  return (name, ...args) =>
    page.evaluate(
      async ([fn, fnArgs]) => {
        const bench = window.lotseBench;
        if (!bench) throw new Error('bench entry not loaded');
        const method = bench[fn] as (...a: unknown[]) => Promise<unknown>;
        return method(...fnArgs);
      },
      [name, args] as const,
    ) as never;
}

interface Timed {
  count: number;
  ms: number;
}
const perSecond = (t: Timed): number => (t.count * 1000) / t.ms;
/** Records per second over all runs together. */
const rate = (runs: readonly Timed[]): number =>
  perSecond({ count: runs.reduce((s, r) => s + r.count, 0), ms: runs.reduce((s, r) => s + r.ms, 0) });
const rates = (runs: readonly Timed[]): string => runs.map((r) => fmt(perSecond(r))).join(' / ');

export async function runBrowserBench(options: BrowserBenchOptions): Promise<BrowserBenchResult> {
  if (!chromiumPath) {
    const why = 'skipped: no Chromium (CHROME_PATH or chromium on PATH)';
    return {
      chromiumVersion: undefined,
      rows: [
        skippedRow('1 encrypted saveRecord throughput', 'records/s', why),
        skippedRow('2 vault unlock (PBKDF2 600k), median', 'ms', why),
        skippedRow('3 save latency p95', 'ms', why),
      ],
    };
  }

  const vite = await createServer({
    root: REPO,
    configFile: false,
    resolve: { alias: LAYER_ALIASES },
    logLevel: 'warn',
    clearScreen: false,
    appType: 'mpa',
    // Cross-origin isolation gives performance.now() 5 µs instead of 100 µs resolution.
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      hmr: false,
      watch: null,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
    optimizeDeps: { entries: ['tests/bench/browser/index.html'] },
  });
  let browser: BrowserSession | undefined;
  try {
    await vite.listen();
    const base = vite.resolvedUrls?.local[0];
    if (!base) throw new Error('vite did not report its URL');
    browser = await launchChromium('lotse-bench-');
    const { context } = browser;
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => {
      options.log(`[chromium] ${error.message}`);
    });
    await page.goto(new URL('tests/bench/browser/index.html', base).href);
    await page.waitForFunction(() => window.lotseBench !== undefined, undefined, { timeout: 60_000 });
    if (!(await page.evaluate(() => window.crossOriginIsolated)))
      options.log('browser: page is not cross-origin isolated (timer resolution 100 µs)');
    const cdp = await context.newCDPSession(page);
    const { product } = (await cdp.send('Browser.getVersion')) as { product: string };
    const chromiumVersion = product.replace(/^[^/]*\//, '');
    const call = caller(page);
    const rows: Row[] = [];
    const n = options.records;

    options.log(`browser: building ${fmt(n)} HOME contacts in the page`);
    await call('prepare', n + options.latencySaves);

    // Warm both paths up (JIT, Dexie, the crypto worker, LevelDB files) before timing.
    await call('savePlain', 200);
    await call('saveEncrypted', 200);

    // ABBA order (plain, encrypted, encrypted, plain): a drift during the run
    // (LevelDB compaction, CPU boost, GC) weighs on both sides alike.
    options.log(`browser: ${fmt(n)} saves each, unencrypted baseline and RecordStore.saveRecord, order ABBA`);
    const plain: Timed[] = [];
    const enc: Timed[] = [];
    plain.push(await call('savePlain', n));
    enc.push(await call('saveEncrypted', n));
    enc.push(await call('saveEncrypted', n));
    plain.push(await call('savePlain', n));
    options.log(`browser: saves/s plain ${rates(plain)}, encrypted ${rates(enc)}`);
    const plainRate = rate(plain);
    const encRate = rate(enc);
    const ratio = encRate / plainRate;
    rows.push({
      figure: `1 saveRecord, encrypted (${fmt(n)} × 1 record/tx, ×2)`,
      value: fmt(encRate),
      unit: 'records/s',
      ratio: fmt(ratio, 2),
      goal: verdict('≥ 0.50 of unencrypted', ratio >= 0.5),
    });
    rows.push({
      figure: `1 same saves, unencrypted baseline (JSON, ×2)`,
      value: fmt(plainRate),
      unit: 'records/s',
      ratio: '1.00',
      goal: 'baseline',
    });

    options.log(`browser: bulk variant, ${fmt(n)} records in transactions of ${fmt(options.bulkChunk)}, order ABBA`);
    const bulkPlain: Timed[] = [];
    const bulkEnc: Timed[] = [];
    bulkPlain.push(await call('bulkPlain', n, options.bulkChunk));
    bulkEnc.push(await call('bulkEncrypted', n, options.bulkChunk));
    bulkEnc.push(await call('bulkEncrypted', n, options.bulkChunk));
    bulkPlain.push(await call('bulkPlain', n, options.bulkChunk));
    options.log(`browser: bulk records/s plain ${rates(bulkPlain)}, encrypted ${rates(bulkEnc)}`);
    const bulkPlainRate = rate(bulkPlain);
    const bulkEncRate = rate(bulkEnc);
    rows.push({
      figure: `1b bulk save, encrypted (${fmt(options.bulkChunk)} records/tx, ×2)`,
      value: fmt(bulkEncRate),
      unit: 'records/s',
      ratio: fmt(bulkEncRate / bulkPlainRate, 2),
      goal: 'info (bench-only path)',
    });
    rows.push({
      figure: `1b bulk save, unencrypted baseline (×2)`,
      value: fmt(bulkPlainRate),
      unit: 'records/s',
      ratio: '1.00',
      goal: 'baseline',
    });

    options.log(`browser: ${String(options.slotRuns)} × createSlot, ${String(options.unlockRuns)} × unlock (PBKDF2-SHA-256 600k)`);
    const slots = await call('keySlots', options.slotRuns, options.unlockRuns, 3);
    if (slots.iterations < 600_000) throw new Error(`key slot uses ${String(slots.iterations)} PBKDF2 iterations`);
    const unlockMedian = median(slots.unlockMs);
    rows.push({
      figure: `2 vault unlock (PBKDF2 ${fmt(slots.iterations)}), median of ${String(slots.unlockMs.length)}`,
      value: fmt(unlockMedian),
      unit: 'ms',
      goal: verdict('≤ 1,000 ms', unlockMedian <= 1000),
    });
    rows.push({
      figure: `2 createSlot, median of ${String(slots.createSlotMs.length)}`,
      value: fmt(median(slots.createSlotMs)),
      unit: 'ms',
      goal: 'info',
    });
    rows.push({
      figure: `2 of which PBKDF2 derive alone, median of ${String(slots.pbkdf2Ms.length)}`,
      value: fmt(median(slots.pbkdf2Ms)),
      unit: 'ms',
      goal: 'info',
    });

    options.log(`browser: latency of ${String(options.latencySaves)} single saves`);
    const latency = await call('saveLatency', options.latencySaves, 20);
    const p95 = percentile(latency.saveMs, 95);
    rows.push({
      figure: `3 one saveRecord, p50 (${String(latency.saveMs.length)} saves)`,
      value: fmt(percentile(latency.saveMs, 50), 1),
      unit: 'ms',
      goal: 'info',
    });
    rows.push({
      figure: `3 one saveRecord, p95 (${String(latency.saveMs.length)} saves)`,
      value: fmt(p95, 1),
      unit: 'ms',
      goal: verdict('< 10 ms', p95 < 10),
    });
    rows.push({ figure: '3 of which vault.seal alone, p50', value: fmt(percentile(latency.sealMs, 50), 2), unit: 'ms', goal: 'info' });

    await call('cleanup');
    return { rows, chromiumVersion };
  } finally {
    await browser?.close();
    await vite.close();
  }
}
