// Finds the system Chromium (CHROME_PATH, else on PATH) and launches it with
// an on-disk profile, for the browser tests and the browser benchmark alike.
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

/** The flags every Chromium of the test and bench suites runs with (root, no GPU, no calls home). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Options of a persistent context besides the ones set here. */
export type ContextOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

export interface BrowserSession {
  context: BrowserContext;
  close: () => Promise<void>;
}

/**
 * Opens Chromium on an on-disk profile folder the caller keeps (to restart the same
 * "tablet", offline or not): a German tablet with service workers, unless told otherwise.
 */
export function launchProfile(userDataDir: string, options: ContextOptions = {}): Promise<BrowserContext> {
  if (!chromiumPath) throw new Error('no Chromium');
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 }, // 10" tablet, landscape
    locale: 'de-DE',
    serviceWorkers: 'allow',
    ...options,
  });
}

/**
 * An on-disk profile (persistent context): IndexedDB and the service worker
 * survive reloads as on a real tablet, unlike an incognito context. The
 * profile is a fresh temporary folder, removed again by close().
 */
export async function launchChromium(profilePrefix: string, options: ContextOptions = {}): Promise<BrowserSession> {
  if (!chromiumPath) throw new Error('no Chromium');
  const userDataDir = mkdtempSync(join(tmpdir(), profilePrefix));
  let context: BrowserContext;
  try {
    // No default locale or service workers here: each caller says what its browser is.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 }, // 10" tablet, landscape
      ...options,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The tablet the e2e tests use: German unless told otherwise, service workers on. */
export function launchTablet(options: { locale?: string } = {}): Promise<BrowserSession> {
  return launchChromium('lotse-e2e-', { locale: options.locale ?? 'de-DE', serviceWorkers: 'allow' });
}
