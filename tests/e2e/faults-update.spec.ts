// Fault case 10: an app update that brings a new service worker AND a new
// Dexie schema version, while records wait unsent and a form is half-filled.
// (tests/e2e/update-prompt.spec.ts covers the prompt and the restored form for
// a service-worker-only update.) The "next release" is the working tree built
// with one more schema version (an extra index on records), deployed over the
// running one; nothing is changed in the source for it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const REPO = resolve(import.meta.dirname, '../..');
const PASSPHRASE = 'Foyer am Morgen 7';
const MARKER = 'export const CURRENT_SCHEMA_VERSION';

describe.skipIf(!chromiumPath)('app update with a new database schema while records wait', () => {
  let staticDir: string;
  let nextDir: string;

  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'lotse-dist-'));
    cpSync(join(REPO, 'dist'), staticDir, { recursive: true });
    nextDir = mkdtempSync(join(tmpdir(), 'lotse-next-'));
    let patched = false as boolean; // set inside the plugin's transform
    await build({
      root: REPO,
      configFile: join(REPO, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir: nextDir, emptyOutDir: true },
      plugins: [
        {
          name: 'next-release-schema',
          enforce: 'pre',
          transform(code, id) {
            if (!id.replaceAll('\\', '/').endsWith('src/client/storage/tables.ts')) return null;
            if (!code.includes(MARKER)) throw new Error('tables.ts changed: no CURRENT_SCHEMA_VERSION');
            patched = true;
            const next = `{ const last = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1]; SCHEMA_HISTORY.push({ version: last.version + 1, stores: { ...last.stores, [TABLES.records]: last.stores[TABLES.records] + ', [kind+updatedAt]' } }); }\n`;
            return code.replace(MARKER, `${next}${MARKER}`);
          },
        },
      ],
    });
    if (!patched) throw new Error('the next release was built without its schema change');
  }, 180_000);

  afterAll(() => {
    rmSync(staticDir, { recursive: true, force: true });
    rmSync(nextDir, { recursive: true, force: true });
  });

  const { backend, browser } = setUpBackendAndTablet({ staticDir: () => staticDir });

  it('keeps the unsent records and their queue, restores the form, and sends everything once afterwards', async () => {
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
    const databaseVersion = (): Promise<number> =>
      page.evaluate(async () => (await indexedDB.databases()).find((d) => d.name === 'lotse')?.version ?? 0);
    const versionBefore = await databaseVersion();

    // The backend cannot be reached for pushes: two contacts wait in the outbox.
    await page.route('**/api/sync/push', (route) => route.abort('internetdisconnected'));
    const ids: string[] = [];
    for (const topic of ['health', 'money'] as const) {
      await app.startHomeContact();
      await app.chooseSite(backend().demo.siteLabel);
      await app.chooseTopic(topic);
      await app.saveAndReturn();
      await app.recordItems().first().waitFor();
      ids.push((await app.recordItems().first().getAttribute('data-record-id')) ?? '');
    }
    expect((await app.rawIndexedDb()).outbox).toHaveLength(2);
    // A third one half-filled.
    await app.startHomeContact();
    await app.chooseSite(backend().demo.siteLabel);
    await app.chooseTopic('schoolEntry');
    await page.getByLabel(de.homeContact.fields.note).fill('Halb ausgefüllt');

    // Deploy the next release and let the tablet find it.
    cpSync(nextDir, staticDir, { recursive: true, force: true });
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 30_000 });
    await prompt.getByRole('button', { name: de.common.update.apply }).click();
    await page.getByRole('heading', { name: de.common.access.lockedTitle }).waitFor({ timeout: 30_000 });
    await app.unlock(PASSPHRASE);
    await page.getByText(de.homeContact.draftRestored).waitFor({ timeout: 20_000 });

    // The new schema is in place; the form, the records and the queue came through it.
    expect(await databaseVersion()).toBeGreaterThan(versionBefore);
    expect(await page.getByLabel(de.homeContact.fields.note).inputValue()).toBe('Halb ausgefüllt');
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.schoolEntry }).isChecked()).toBe(true);
    const raw = await app.rawIndexedDb();
    expect((raw.records as { id: string }[]).map((r) => r.id).sort()).toEqual([...ids].sort());
    expect((raw.outbox as { recordId: string }[]).map((o) => o.recordId).sort()).toEqual([...ids].sort());

    // The network is back: each waiting record arrives once.
    await page.unroute('**/api/sync/push');
    await app.save();
    await expect.poll(async () => ((await app.rawIndexedDb()).outbox ?? []).length, { timeout: 30_000, interval: 250 }).toBe(0);
    for (const id of ids) expect(await backend().countRecords(id)).toBe(1);
    expect(((await app.rawIndexedDb()).records ?? []).length).toBe(3);
    await page.close();
  });
});
