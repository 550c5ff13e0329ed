// Browser fault cases (issue 9): free text with markup stays inert text (bad
// input), the storage quota runs out while saving (5), and the browser is
// killed right after "save" (4). Real Chromium with an on-disk profile, the built PWA.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { launchProfile } from './support/chromium';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Foyer am Morgen 7';
const MARKUP = '<img src=x onerror="window.lotsePwned=1"><script>window.lotsePwned=2</script>Termin & "Kita"';

interface RawRecord {
  id: string;
  syncState: string;
}
interface RawOutbox {
  recordId: string;
}

async function fillContact(app: TabletApp, site: string, note: string): Promise<void> {
  await app.startHomeContact();
  await app.trackChanges();
  await app.chooseSite(site);
  await app.chooseTopic('health');
  await app.page.getByLabel(de.homeContact.fields.note).fill(note);
}

describe.skipIf(!chromiumPath)('browser faults', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let started = false;
  /** The suite's tablet is enrolled once; later tests open it and unlock. */
  const startOnce = async (app: TabletApp): Promise<void> => {
    if (started) {
      await app.open(backend().url);
      await app.unlockIfLocked(PASSPHRASE);
      return;
    }
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
    started = true;
  };

  it('keeps free text with markup as inert text in the form, the restored draft and on the server', async () => {
    const page = await browser().context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { lotseCreatedImages: number };
      w.lotseCreatedImages = 0;
      new MutationObserver((mutations) => {
        for (const m of mutations)
          for (const n of Array.from(m.addedNodes)) {
            if (n instanceof Element && (n.tagName === 'IMG' || n.querySelector('img[src="x"], script:not([src])'))) w.lotseCreatedImages++;
          }
      }).observe(document, { childList: true, subtree: true });
    });
    const app = new TabletApp(page);
    await startOnce(app);
    await fillContact(app, backend().demo.siteLabel, MARKUP);
    await app.waitForDraftOfLastChange();
    await page.reload();
    await app.unlock(PASSPHRASE);
    await page.getByText(de.homeContact.draftRestored).waitFor({ timeout: 20_000 });
    expect(await page.getByLabel(de.homeContact.fields.note).inputValue()).toBe(MARKUP);
    await app.saveAndReturn();
    const item = app.recordItems().first();
    await item.waitFor();
    await expect.poll(async () => item.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    const recordId = (await item.getAttribute('data-record-id')) ?? '';

    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { lotsePwned?: number }).lotsePwned,
      created: (window as unknown as { lotseCreatedImages: number }).lotseCreatedImages,
      images: document.querySelectorAll('img[src="x"], [onerror]').length,
      inlineScripts: Array.from(document.scripts).filter((s) => s.textContent.includes('lotsePwned')).length,
    }));
    expect(state).toEqual({ pwned: undefined, created: 0, images: 0, inlineScripts: 0 });
    const [row] = await backend().records(recordId);
    expect((row?.content as { note?: string } | undefined)?.note).toBe(MARKUP);
    await page.close();
  });

  it('5: storage quota exhausted while saving → clear message, the draft intact, no partial record', async () => {
    const page = await browser().context.newPage();
    // A full disk, as Chromium reports it: every IndexedDB write fails with QuotaExceededError while
    // window.lotseDiskFull is set. (CDP Storage.overrideQuotaForOrigin had no effect in this Chromium:
    // accepted on the page session without changing navigator.storage.estimate(), "Internal error" on the
    // browser session.) Reads keep working, as they do on a full disk.
    await page.addInitScript(() => {
      const w = window as unknown as { lotseDiskFull?: boolean };
      for (const method of ['put', 'add'] as const) {
        const original = Reflect.get(IDBObjectStore.prototype, method) as (
          this: IDBObjectStore,
          ...a: [unknown, IDBValidKey?]
        ) => IDBRequest<IDBValidKey>;
        IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: [unknown, IDBValidKey?]) {
          if (w.lotseDiskFull === true)
            throw new DOMException('The current transaction exceeded its quota limitations.', 'QuotaExceededError');
          return original.apply(this, args);
        };
      }
    });
    const app = new TabletApp(page);
    await startOnce(app);
    await fillContact(app, backend().demo.siteLabel, 'Vorheriger Entwurf');
    await app.waitForDraftOfLastChange();

    await page.evaluate(() => {
      (window as unknown as { lotseDiskFull: boolean }).lotseDiskFull = true;
    });
    await app.save();
    const alert = page.getByRole('alert').filter({ hasText: de.homeContact.errors.saveFailed });
    await alert.waitFor({ timeout: 10_000 });
    // Still on the form with everything entered; nothing half-saved.
    expect(await page.getByLabel(de.homeContact.fields.note).inputValue()).toBe('Vorheriger Entwurf');
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.health }).isChecked()).toBe(true);
    let raw = await app.rawIndexedDb();
    const before = (raw.records ?? []).length;
    expect(raw.outbox).toHaveLength(0);
    expect(raw.drafts).toHaveLength(1);

    // The draft survives a reload …
    await page.reload();
    await app.unlock(PASSPHRASE);
    await page.getByText(de.homeContact.draftRestored).waitFor({ timeout: 20_000 });
    expect(await page.getByLabel(de.homeContact.fields.note).inputValue()).toBe('Vorheriger Entwurf');
    raw = await app.rawIndexedDb();
    expect((raw.records ?? []).length).toBe(before);

    // … and once there is room again (the reloaded page starts with a free disk), the same save goes through, once.
    await app.save();
    await expect.poll(async () => ((await app.rawIndexedDb()).records ?? []).length, { timeout: 10_000 }).toBe(before + 1);
    expect((await app.rawIndexedDb()).drafts).toHaveLength(0);
    await page.close();
  });

  it('4: browser killed right after "save" → after restart each record has its outbox entry and vice versa', async () => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'lotse-kill-'));
    const launch = (offline: boolean): Promise<BrowserContext> => launchProfile(userDataDir, { offline });
    /** SIGKILL to every process of this profile (found by its own --user-data-dir), as a dying battery would. */
    const killBrowser = (): number => {
      let killed = 0;
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (cmdline.includes(`--user-data-dir=${userDataDir}`)) {
            process.kill(Number(pid), 'SIGKILL');
            killed++;
          }
        } catch {
          // gone already
        }
      }
      return killed;
    };
    const pageOf = async (context: BrowserContext): Promise<Page> => context.pages()[0] ?? (await context.newPage());
    try {
      let context = await launch(false);
      let app = new TabletApp(await pageOf(context));
      await app.start(backend(), PASSPHRASE, { offlineReady: true });
      await backend().pause(); // records stay queued: nothing leaves the tablet
      await context.setOffline(true);

      // Kills in the middle of saving (0–30 ms: the save takes about that long) and one after it
      // (250 ms), so at least one record is surely committed before the last step checks the send.
      const delays = [0, 2, 8, 30, 250];
      for (const delay of delays) {
        await fillContact(app, backend().demo.siteLabel, `Runde ${String(delay)}`);
        await app.page.getByRole('button', { name: de.homeContact.save }).click({ noWaitAfter: true });
        await new Promise((r) => setTimeout(r, delay));
        expect(killBrowser()).toBeGreaterThan(0);
        await context.close().catch(() => undefined);

        context = await launch(true);
        app = new TabletApp(await pageOf(context));
        await app.open(backend().url);
        // A restarted browser starts locked; after unlocking, a draft the kill left reopens its form.
        await app.unlock(PASSPHRASE);
        await app.page
          .getByRole('button', { name: de.homeContact.new })
          .or(app.page.getByRole('heading', { name: de.homeContact.title }))
          .first()
          .waitFor();
        const raw = await app.rawIndexedDb();
        const records = (raw.records ?? []) as RawRecord[];
        const outbox = (raw.outbox ?? []) as RawOutbox[];
        const pending = records
          .filter((r) => r.syncState === 'pending')
          .map((r) => r.id)
          .sort();
        expect(outbox.map((o) => o.recordId).sort(), `after a kill ${String(delay)} ms after save`).toEqual(pending);
        // An interrupted save left its draft: discard it so the next round starts fresh (a restored
        // draft counts as entered data, so leaving asks first).
        if (await app.page.getByRole('heading', { name: de.homeContact.title }).isVisible()) {
          await app.page.getByRole('button', { name: de.homeContact.cancel }).click();
          await app.page
            .getByRole('alertdialog', { name: de.common.leaveForm.title })
            .getByRole('button', { name: de.common.leaveForm.discard })
            .click();
        }
      }

      // Back online: exactly what the tablet holds reaches the server, once.
      const raw = await app.rawIndexedDb();
      const ids = ((raw.records ?? []) as RawRecord[]).map((r) => r.id);
      expect(ids.length).toBeGreaterThan(0);
      await backend().resume();
      await context.setOffline(false);
      await app.page.reload();
      await app.unlockIfLocked(PASSPHRASE);
      await expect.poll(async () => ((await app.rawIndexedDb()).outbox ?? []).length, { timeout: 30_000, interval: 250 }).toBe(0);
      for (const id of ids) expect(await backend().countRecords(id)).toBe(1);
      await context.close();
    } finally {
      killBrowser();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
