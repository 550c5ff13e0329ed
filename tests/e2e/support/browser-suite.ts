// The start every browser suite shares: the referral backend and a tablet
// browser, up before the suite's tests and gone after them.
import { afterAll, beforeAll } from 'vitest';
import { startBackend, type RunningBackend } from './backend';
import { chromiumPath, launchTablet, type BrowserSession } from './chromium';

// Without a Chromium the e2e suites say so and are skipped — unless
// REQUIRE_BROWSER=1, where a missing browser is a failure (CI installs Debian's chromium).
if (!chromiumPath) {
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error('REQUIRE_BROWSER=1 but no Chromium was found (set CHROME_PATH or install chromium).');
  }
  console.warn('\n[e2e] No Chromium found (CHROME_PATH or chromium on PATH): browser tests are SKIPPED.\n');
}

/** For `describe.skipIf(!chromiumPath)`. */
export { chromiumPath };

export interface BackendAndTablet {
  backend: () => RunningBackend;
  browser: () => BrowserSession;
}

/**
 * Registers beforeAll/afterAll in the calling describe block; the getters
 * work from the first beforeAll registered after this call on. `staticDir` is
 * read when the backend starts, so an earlier beforeAll may prepare it.
 */
export function setUpBackendAndTablet(options: { staticDir?: () => string; passkeys?: boolean } = {}): BackendAndTablet {
  let backend: RunningBackend | undefined;
  let browser: BrowserSession | undefined;

  beforeAll(async () => {
    backend = await startBackend({ staticDir: options.staticDir?.(), ...(options.passkeys === true ? { passkeys: true } : {}) });
    browser = await launchTablet();
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  return {
    backend: () => backend ?? notStarted('backend'),
    browser: () => browser ?? notStarted('browser'),
  };
}

function notStarted(what: string): never {
  throw new Error(`the ${what} is started in beforeAll: use it inside a test or hook`);
}
