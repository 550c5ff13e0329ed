// @vitest-environment jsdom
// The HOME contact form over a real (fake-indexeddb) tablet database: the
// shared schema's errors appear translated, nothing is stored until the form
// is valid, a valid save writes record + outbox, and a draft survives a remount.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { HomeContactForm } from '@client/features/home-contact/HomeContactForm';
import { WORKFLOWS } from '@client/features/workflows/registry';

const HOME_CONTACT_DRAFT_ID = WORKFLOWS.homeContact.newDraftId;
import { initI18n } from '@client/i18n';
import type { Storage } from '@client/storage';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import de from '../../../../../locales/de/home-contact.json';
import cases from '../../../../../locales/de/cases.json';
import { generateCaseNumber } from '@domain/case-number';
import { newConsentRecord } from '@domain/record-envelope';
import { CONSENT_TEXT_VERSION, consentTextHash } from '@shared/consent-texts';

const SITES = [
  { id: 'kita-sonnenblume', label: 'Kita Sonnenblume' },
  { id: 'familienzentrum-nord', label: 'Familienzentrum Nord' },
];

async function setup(): Promise<{ storage: Storage; triggers: number[]; done: number[] }> {
  const { storage } = await unlockedTestStorage();
  await storage.device.saveConfig(testDeviceConfig({ homeSites: SITES }));
  const done: number[] = [];
  const { triggers } = renderWithServices(
    storage,
    <HomeContactForm
      onDone={() => {
        done.push(1);
      }}
    />,
  );
  await screen.findByRole('radio', { name: 'Kita Sonnenblume' });
  return { storage, triggers, done };
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('HomeContactForm', () => {
  it('refuses to save without site and topic, with translated messages, and stores nothing', async () => {
    const { storage, done } = await setup();
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await screen.findByText(de.errors.invalidSiteId)).toBeTruthy();
    expect(screen.getByText(de.errors.topicsRequired)).toBeTruthy();
    expect(await storage.records.countOutbox()).toBe(0);
    expect(done).toHaveLength(0);
  });

  it('saves a valid contact as record + outbox entry and nudges the sync engine', async () => {
    const { storage, triggers, done } = await setup();
    fireEvent.click(screen.getByRole('radio', { name: 'Familienzentrum Nord' }));
    fireEvent.click(screen.getByRole('checkbox', { name: de.topics.parenting }));
    fireEvent.click(screen.getByRole('radio', { name: de.contactKind.counselling }));
    // Languages by their own names, as in consent and mediation (walkthrough finding 30).
    const turkish = screen.getByRole<HTMLOptionElement>('option', { name: 'Türkçe' });
    expect(turkish.lang).toBe('tr');
    fireEvent.change(screen.getByLabelText(de.fields.language), { target: { value: turkish.value } });
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(
      () => {
        expect(done).toHaveLength(1);
      },
      { timeout: 5_000 },
    );
    const [row] = await storage.records.listRecords();
    expect(row?.envelope?.content).toMatchObject({
      site: 'familienzentrum-nord',
      topics: ['parenting'],
      contactKind: 'counselling',
      language: 'tr',
    });
    expect(row?.syncState).toBe('pending');
    expect(await storage.records.countOutbox()).toBe(1);
    expect(await storage.drafts.load(HOME_CONTACT_DRAFT_ID)).toBeUndefined();
    expect(triggers.length).toBeGreaterThan(0);
  });

  it('autosaves a draft that is restored when the form opens again', async () => {
    const first = await setup();
    fireEvent.click(screen.getByRole('radio', { name: 'Kita Sonnenblume' }));
    fireEvent.click(screen.getByRole('checkbox', { name: de.topics.housing }));
    await waitFor(async () => {
      expect(await first.storage.drafts.load(HOME_CONTACT_DRAFT_ID)).toMatchObject({ site: 'kita-sonnenblume', topics: ['housing'] });
    });
    cleanup();
    renderWithServices(first.storage, <HomeContactForm onDone={() => undefined} />);
    expect(await screen.findByText(de.draftRestored)).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: de.topics.housing }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Kita Sonnenblume' }).checked).toBe(true);
  });

  it('links a contact to a case only when a consent on this tablet covers it', async () => {
    const { storage, done } = await setup();
    const caseNumber = generateCaseNumber();
    fireEvent.click(screen.getByRole('radio', { name: 'Kita Sonnenblume' }));
    fireEvent.click(screen.getByRole('checkbox', { name: de.topics.health }));
    fireEvent.click(screen.getByRole('checkbox', { name: cases.link.label }));
    const input = screen.getByLabelText(cases.lookup.label);
    fireEvent.change(input, { target: { value: caseNumber } });
    fireEvent.click(screen.getByRole('button', { name: cases.lookup.submit }));
    // Refused as soon as it is looked up, with the way forward, not only at saving.
    expect((await screen.findByTestId('case-refusal')).textContent).toContain(cases.refusal.noConsentHere.text);
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await screen.findByText(cases.link.caseNumberMissing.replace('{{submit}}', cases.lookup.submit))).toBeTruthy();
    expect(await storage.records.countOutbox()).toBe(0);

    const now = new Date();
    await storage.records.saveRecord(
      await newConsentRecord(
        {
          scopes: ['documentation'],
          setting: 'homeContact',
          language: 'de',
          textVersion: CONSENT_TEXT_VERSION,
          textHash: await consentTextHash('de'),
          mediatorPresent: false,
          givenAt: now.toISOString(),
        },
        caseNumber,
        { deviceId: await storage.device.deviceId(), now },
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: cases.lookup.submit }));
    await waitFor(() => {
      expect(screen.queryByTestId('case-refusal')).toBeNull();
    });
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    // Saving also notes the site of the day before the form closes: more than one IndexedDB round under a busy test run.
    await waitFor(
      () => {
        expect(done).toHaveLength(1);
      },
      { timeout: 5_000 },
    );
    const saved = (await storage.records.listRecords()).find((r) => r.envelope?.kind === 'homeContact');
    expect(saved?.envelope?.caseNumber).toBe(caseNumber);
  });
});
