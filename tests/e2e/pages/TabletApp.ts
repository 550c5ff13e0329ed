// Page object for the tablet app: sign-in, overview, HOME contact form, and
// what the service worker and IndexedDB hold.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { RunningBackend } from '../support/backend';
import { de } from './texts';
import screening from '../../../locales/de/screening.json';

export class TabletApp {
  /** The passphrase of whoever signed in or unlocked last through this page object (the person working now). */
  private passphrase: string | null = null;

  constructor(readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(baseUrl);
  }

  /** A coordinator enrolls the tablet (online). */
  async enrol(coordinator: { username: string; password: string }, label = 'Testtablet 1'): Promise<void> {
    await this.page.getByRole('button', { name: de.common.access.enrolTitle }).click();
    await this.page.getByLabel(de.common.access.tabletLabel).fill(label);
    await this.page.getByLabel(de.common.auth.username).fill(coordinator.username);
    await this.page.getByLabel(de.common.auth.password).fill(coordinator.password);
    await this.page.getByRole('button', { name: de.common.access.enrolSubmit }).click();
    await this.page.getByRole('heading', { name: de.common.access.firstSignInTitle }).waitFor();
  }

  /** A person's first sign-in on the tablet (online), then their offline passphrase. */
  async firstSignIn(user: { username: string; password: string }, passphrase: string): Promise<void> {
    this.passphrase = passphrase;
    await this.page.getByLabel(de.common.auth.username).fill(user.username);
    await this.page.getByLabel(de.common.auth.password).fill(user.password);
    await this.page.getByRole('button', { name: de.common.auth.submit }).click();
    await this.page.getByLabel(de.common.access.newPassphrase).fill(passphrase);
    await this.page.getByLabel(de.common.access.repeatPassphrase).fill(passphrase);
    await this.page.getByRole('button', { name: de.common.access.setPassphrase }).click();
    await this.page.getByRole('button', { name: de.homeContact.new }).waitFor({ timeout: 20_000 });
  }

  /** Enrol + first sign-in: the usual start of a test. */
  async setUp(
    coordinator: { username: string; password: string },
    user: { username: string; password: string },
    passphrase: string,
  ): Promise<void> {
    await this.enrol(coordinator);
    await this.firstSignIn(user, passphrase);
  }

  /**
   * Opens the app on the backend, enrols it as the demo coordinator and signs
   * in the demo home partner. With `offlineReady` it also waits until the
   * service worker controls the page, unlocking again after that reload.
   */
  async start(backend: Pick<RunningBackend, 'url' | 'demo'>, passphrase: string, options: { offlineReady?: boolean } = {}): Promise<void> {
    await this.open(backend.url);
    await this.setUp(backend.demo.coordinator, backend.demo.homePartner, passphrase);
    if (options.offlineReady !== true) return;
    await this.waitForServiceWorker();
    await this.unlockIfLocked(passphrase);
  }

  /**
   * Taps "lock" and waits for the lock screen. A tap that lands while the header
   * re-renders (seen once in CI, right after a first sign-in) is repeated, as a
   * person would tap again.
   */
  async lock(): Promise<void> {
    const locked = this.page.getByRole('heading', { name: de.common.access.lockedTitle });
    const lockButton = this.page.getByRole('button', { name: de.common.access.lock });
    for (let attempt = 0; attempt < 3; attempt++) {
      // A reload (the service worker taking over) locks the tablet by itself.
      await locked.or(lockButton).first().waitFor();
      if (await locked.isVisible()) return;
      await lockButton.click();
      try {
        await locked.waitFor({ timeout: 5_000 });
        return;
      } catch {
        if (await locked.isVisible()) return;
      }
    }
    await locked.waitFor();
  }

  /** After a reload the tablet is locked; unlock when the lock screen shows. */
  async unlockIfLocked(passphrase: string): Promise<void> {
    const locked = this.page.getByRole('heading', { name: de.common.access.lockedTitle });
    const working = this.page.getByRole('button', { name: de.homeContact.new });
    await locked.or(working).first().waitFor();
    if (await locked.isVisible()) await this.unlock(passphrase);
    await working.waitFor();
  }

  async unlock(passphrase: string): Promise<void> {
    this.passphrase = passphrase;
    await this.page.getByLabel(de.common.access.passphrase, { exact: true }).fill(passphrase);
    await this.page.getByRole('button', { name: de.common.access.unlock }).click();
  }

  /** Waits until a service worker is active and controls this page. */
  async waitForServiceWorker(): Promise<void> {
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    if (!(await this.page.evaluate(() => navigator.serviceWorker.controller !== null))) {
      await this.page.reload();
      await this.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    }
    // A reload locks the tablet; callers unlock again where they need to.
  }

  /**
   * Family mode ends: the family taps "done – give the tablet back" (in its language), the staff member
   * enters their passphrase (by default the one of whoever unlocked last) and the staff view returns.
   */
  async takeTabletBack(passphrase: string | null = this.passphrase): Promise<void> {
    if (passphrase === null) throw new Error('nobody signed in through this page object: pass the passphrase');
    const { page } = this;
    await page.getByTestId('family-mode-bar').getByRole('button').click();
    const dialog = page.getByTestId('return-to-staff');
    await dialog.getByLabel(de.common.access.passphrase, { exact: true }).fill(passphrase);
    await dialog.getByRole('button', { name: de.common.familyMode.confirm }).click();
    await page.getByTestId('family-mode-bar').waitFor({ state: 'detached' });
  }

  /** Consent for a birth-clinic screening (documentation only); returns the case number on the family card. */
  async consentForScreening(): Promise<string> {
    const { page } = this;
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.screening, exact: true }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('checkbox', { name: de.consent.scopes.documentation }).check();
    await page.getByRole('button', { name: de.consent.agree }).click();
    await this.takeTabletBack();
    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    return (await page.getByTestId('family-card').locator('.family-card__number').innerText()).replace(/\s/g, '');
  }

  /**
   * From the end of the consent: the screening form for the case — by the consent's "continue"
   * (when offered), else from the overview, typing the case number as `typed` if the form asks for it.
   */
  async openScreening(typed: string): Promise<void> {
    const { page } = this;
    const continueWith = (de.common.consent as { continueWith?: Record<string, string> }).continueWith?.screening;
    if (continueWith !== undefined && (await page.getByRole('button', { name: continueWith }).count()) > 0) {
      await page.getByRole('button', { name: continueWith }).click();
    } else {
      await page.getByRole('button', { name: de.common.consent.done }).click();
      await page.getByRole('button', { name: screening.new }).click();
    }
    await page.getByRole('heading', { name: screening.new, exact: true }).waitFor();
    if ((await page.locator('#screening-case-number').count()) === 0) {
      const input = page.getByLabel(screening.caseNumber);
      await input.fill(typed);
      await input.press('Enter');
    }
  }

  /** Picks one answer of a screening question by its value. */
  async answer(questionId: string, value: string): Promise<void> {
    await this.page.locator(`[data-question="${questionId}"]`).locator(`input[value="${value}"]`).check();
  }

  /**
   * The answers of a routine screening: 2 points (feeding questions, mood 2 of 5), no danger,
   * every required question answered.
   */
  async answerRoutineScreening(): Promise<void> {
    for (const [question, value] of [
      ['partnerInvolved', 'livesWithUs'],
      ['preterm', 'false'],
      ['feeding', 'someQuestions'],
      ['moodScale', '2'],
      ['prenatalCare', 'regular'],
      ['careAtHome', 'secured'],
      ['parentAgeGroup', 'over21'],
      ['supportNetwork', 'several'],
      ['languages', 'de'],
    ] as const) {
      await this.answer(question, value);
    }
  }

  async startHomeContact(): Promise<void> {
    await this.page.getByRole('button', { name: de.homeContact.new }).click();
    await this.page.getByRole('heading', { name: de.homeContact.title }).waitFor();
  }

  async chooseSite(label: string): Promise<void> {
    await this.page.getByRole('radio', { name: label }).check();
  }

  async chooseTopic(topic: keyof typeof de.homeContact.topics): Promise<void> {
    await this.page.getByRole('checkbox', { name: de.homeContact.topics[topic] }).check();
  }

  async chooseKind(kind: keyof typeof de.homeContact.contactKind): Promise<void> {
    await this.page.getByRole('radio', { name: de.homeContact.contactKind[kind] }).check();
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: de.homeContact.save }).click();
  }

  /** Saves a new HOME contact and goes from the next contact's form (with the confirmation) back to the overview. */
  async saveAndReturn(): Promise<void> {
    await this.save();
    const saved = this.page.getByTestId('home-contact-saved');
    await saved.waitFor();
    await saved.getByRole('button', { name: de.homeContact.saved.toOverview }).click();
    await this.page.getByRole('button', { name: de.homeContact.new }).waitFor();
  }

  /** Saved records (drafts are listed separately, see draftItems). */
  recordItems() {
    return this.page.getByTestId('record-list').locator('li[data-record-id]');
  }

  /** Unfinished forms listed as "draft". */
  draftItems() {
    return this.page.getByTestId('record-list').locator('li[data-draft-id]');
  }

  syncStatus() {
    return this.page.getByTestId('sync-status');
  }

  /**
   * Notes in the page when the user last changed a field, for `waitForDraftOfLastChange`.
   * Call it on the current page before making the changes (a reload forgets it).
   */
  async trackChanges(): Promise<void> {
    await this.page.evaluate(() => {
      const note = (): void => {
        (window as unknown as { lotseLastChangeAt?: string }).lotseLastChangeAt = new Date().toISOString();
      };
      document.addEventListener('input', note, true);
      document.addEventListener('change', note, true);
    });
  }

  /**
   * Waits until the one draft in IndexedDB was written after the last field change. The autosave
   * is debounced and each change cancels the save still waiting, so the only save later than the
   * last change is the one that holds it; a poll from the test's side could catch an earlier one.
   */
  async waitForDraftOfLastChange(): Promise<void> {
    await expect
      .poll(
        async () => {
          const changedAt = await this.page.evaluate(() => (window as unknown as { lotseLastChangeAt?: string }).lotseLastChangeAt);
          const drafts = ((await this.rawIndexedDb()).drafts ?? []) as { updatedAt?: string }[];
          return changedAt !== undefined && drafts.length === 1 && (drafts[0]?.updatedAt ?? '') > changedAt;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  }

  /**
   * Raw IndexedDB write, bypassing the app: what someone with the browser profile (devtools, a
   * file edit) can do to a stored row. Sets `changes` on every key slot.
   */
  async editKeySlotsRaw(changes: Record<string, unknown>): Promise<void> {
    await this.page.evaluate(async (fields) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('lotse');
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(new Error('open failed'));
        };
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('keySlots', 'readwrite');
        const store = tx.objectStore('keySlots');
        const all = store.getAll();
        all.onsuccess = () => {
          for (const row of all.result as Record<string, unknown>[]) store.put({ ...row, ...fields });
        };
        tx.oncomplete = () => {
          resolve();
        };
        tx.onerror = () => {
          reject(new Error('write failed'));
        };
      });
      db.close();
    }, changes);
  }

  /** Raw IndexedDB read, bypassing the app: what someone copying the profile would find. */
  async rawIndexedDb(): Promise<Record<string, unknown[]>> {
    return this.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('lotse');
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(new Error('open failed'));
        };
      });
      const out: Record<string, unknown[]> = {};
      for (const name of Array.from(db.objectStoreNames)) {
        out[name] = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(name, 'readonly').objectStore(name).getAll();
          request.onsuccess = () => {
            resolve(request.result as unknown[]);
          };
          request.onerror = () => {
            reject(new Error('read failed'));
          };
        });
      }
      db.close();
      return out;
    });
  }
}
