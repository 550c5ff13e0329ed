// Finds the system Chromium for the browser tests (CHROME_PATH, else on PATH).
// Without one the e2e suites say so and are skipped — unless REQUIRE_BROWSER=1,
// where a missing browser is a failure (CI installs Debian's chromium).
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return executable(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of CANDIDATES) {
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

export const chromiumPath = findChromium();

if (!chromiumPath) {
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error('REQUIRE_BROWSER=1 but no Chromium was found (set CHROME_PATH or install chromium).');
  }
  console.warn('\n[e2e] No Chromium found (CHROME_PATH or chromium on PATH): browser tests are SKIPPED.\n');
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface BrowserSession {
  context: BrowserContext;
  close: () => Promise<void>;
}

/**
 * An on-disk profile (persistent context): IndexedDB and the service worker
 * survive reloads as on a real tablet, unlike an incognito context.
 */
export async function launchTablet(options: { locale?: string } = {}): Promise<BrowserSession> {
  if (!chromiumPath) throw new Error('no Chromium');
  const userDataDir = mkdtempSync(join(tmpdir(), 'lotse-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 }, // 10" tablet, landscape
    locale: options.locale ?? 'de-DE',
    serviceWorkers: 'allow',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
