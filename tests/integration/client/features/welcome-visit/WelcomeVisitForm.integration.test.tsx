// @vitest-environment jsdom
// The welcome visit form over a real (fake-indexeddb) tablet database: a
// visit that did not happen is an anonymous count (outcome + date only); a
// visit is saved only for a case with consent on this tablet, the shared
// schema's errors appear translated, and a week outside 1–8 warns but saves.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { WelcomeVisitForm } from '@client/features/welcome-visit/WelcomeVisitForm';
import { WORKFLOWS } from '@client/features/workflows/registry';
import { initI18n } from '@client/i18n';
import type { Storage } from '@client/storage';
import { generateCaseNumber } from '@domain/case-number';
import { newConsentRecord } from '@domain/record-envelope';
import { CONSENT_TEXT_VERSION, consentTextHash } from '@shared/consent-texts';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import de from '../../../../../locales/de/welcome-visit.json';
import cases from '../../../../../locales/de/cases.json';
import { DEMO_OFFERS } from '@server/db/demo-offers';

const WELCOME_VISIT_DRAFT_ID = WORKFLOWS.welcomeVisit.newDraftId;
const RECOMMENDED = DEMO_OFFERS[1] ?? { id: '', name: '' };

interface Setup {
  storage: Storage;
  triggers: number[];
  done: number[];
}

async function setup(
  props: { caseNumber?: string; consentFor?: string; welcomeItems?: { id: string; label: string }[]; noCatalogue?: boolean } = {},
): Promise<Setup> {
  const { storage } = await unlockedTestStorage();
  // The offer catalogue as pulled at the last sync: recommended offers are chosen from it.
  if (props.noCatalogue !== true) {
    await storage.device.saveOffers({
      serverTime: new Date().toISOString(),
      version: 'v1',
      offers: DEMO_OFFERS.slice(0, 4),
      callbackKeys: [],
    });
  }
  if (props.welcomeItems !== undefined) await storage.device.saveConfig(testDeviceConfig({ welcomeItems: props.welcomeItems }));
  if (props.consentFor !== undefined) {
    const context = { deviceId: await storage.device.deviceId(), now: new Date() };
    await storage.records.saveRecord(
      await newConsentRecord(
        {
          scopes: ['documentation'],
          setting: 'welcomeVisit',
          language: 'de',
          textVersion: CONSENT_TEXT_VERSION,
          textHash: await consentTextHash('de'),
          mediatorPresent: false,
          givenAt: context.now.toISOString(),
        },
        props.consentFor,
        context,
      ),
    );
  }
  const done: number[] = [];
  const { triggers } = renderWithServices(
    storage,
    <WelcomeVisitForm
      caseNumber={props.caseNumber}
      onDone={() => {
        done.push(1);
      }}
    />,
  );
  await screen.findByRole('radio', { name: de.outcome.visited });
  return { storage, triggers, done };
}

function answer(group: string, choice: string): void {
  fireEvent.click(within(screen.getByRole('group', { name: group })).getByRole('radio', { name: choice }));
}

/** Outcome "visited", week, first child, one topic and one item. */
function fillVisit(week: string): void {
  fireEvent.click(screen.getByRole('radio', { name: de.outcome.visited }));
  fireEvent.change(screen.getByLabelText(de.fields.weekOfLife), { target: { value: week } });
  answer(de.fields.firstChild, de.yes);
  fireEvent.click(screen.getByRole('checkbox', { name: de.topics.sleep }));
  fireEvent.click(screen.getByRole('checkbox', { name: de.items.welcomeBag }));
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('WelcomeVisitForm', () => {
  it('saves "nobody at home" with one more tap as an anonymous count: no case, only outcome and date', async () => {
    const { storage, triggers, done } = await setup();
    fireEvent.click(screen.getByRole('radio', { name: de.outcome.nobodyHome }));
    expect(screen.queryByLabelText(de.fields.weekOfLife)).toBeNull(); // nothing else asked
    fireEvent.click(screen.getByRole('button', { name: de.attempt.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const rows = await storage.records.listRecords();
    expect(rows).toHaveLength(1);
    const envelope = rows[0]?.envelope;
    expect(envelope?.kind).toBe('welcomeVisitAttempt');
    expect(envelope?.caseNumber).toBeNull();
    expect(Object.keys(envelope?.content ?? {}).sort()).toEqual(['outcome', 'visitDate']);
    expect(envelope?.content).toMatchObject({ outcome: 'nobodyHome', visitDate: expect.stringMatching(isoDate) as unknown });
    expect(await storage.records.countOutbox()).toBe(1);
    expect(triggers.length).toBeGreaterThan(0);
  });

  it('refuses a visit for a case without consent on this tablet before anything is filled in, and stores nothing', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber });
    fireEvent.click(screen.getByRole('radio', { name: de.outcome.visited }));
    const refusal = await screen.findByTestId('case-refusal');
    expect(refusal.textContent).toContain(cases.refusal.noConsentHere.text);
    expect(screen.queryByLabelText(de.fields.weekOfLife)).toBeNull();
    expect(await storage.records.listRecords()).toHaveLength(0);
    expect(await storage.records.countOutbox()).toBe(0);
    expect(done).toHaveLength(0);
  });

  it('offers the municipality’s own items instead of the built-in ones once configured', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({
      consentFor: caseNumber,
      caseNumber,
      welcomeItems: [{ id: 'babyBook', label: 'Babybuch der Stadt' }],
    });
    fireEvent.click(screen.getByRole('radio', { name: de.outcome.visited }));
    await screen.findByRole('checkbox', { name: 'Babybuch der Stadt' });
    expect(screen.queryByRole('checkbox', { name: de.items.welcomeBag })).toBeNull();
    fireEvent.change(screen.getByLabelText(de.fields.weekOfLife), { target: { value: '4' } });
    answer(de.fields.firstChild, de.yes);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Babybuch der Stadt' }));
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const visit = (await storage.records.listRecords()).find((r) => r.kind === 'welcomeVisit');
    expect(visit?.envelope?.content).toMatchObject({ itemsHandedOver: ['babyBook'] });
  });

  it('saves a visit for a consented case typed from the card, with its content', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, triggers, done } = await setup({ consentFor: caseNumber });
    fireEvent.click(screen.getByRole('radio', { name: de.outcome.visited }));
    const input = screen.getByLabelText(de.fields.caseNumber);
    fireEvent.change(input, { target: { value: caseNumber.toLowerCase() } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await screen.findByLabelText(de.fields.weekOfLife); // the visit's questions follow the accepted case
    fillVisit('6');
    fireEvent.click(await screen.findByRole('checkbox', { name: RECOMMENDED.name }));
    answer(de.fields.followUpWished, de.yes);
    fireEvent.change(screen.getByLabelText(de.fields.followUpDate), { target: { value: '2026-12-01' } });
    fireEvent.change(screen.getByLabelText(de.fields.note), { target: { value: 'Vater fragt nach Elterngeld' } });
    expect(screen.queryByText(/außerhalb des üblichen Zeitraums/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const visit = (await storage.records.listRecords()).find((r) => r.kind === 'welcomeVisit');
    expect(visit?.envelope?.caseNumber).toBe(caseNumber);
    expect(visit?.envelope?.content).toEqual({
      outcome: 'visited',
      visitDate: expect.stringMatching(isoDate) as unknown,
      weekOfLife: 6,
      firstChild: true,
      topics: ['sleep'],
      itemsHandedOver: ['welcomeBag'],
      offersRecommended: [RECOMMENDED.id],
      followUpWished: true,
      followUpDate: '2026-12-01',
      note: 'Vater fragt nach Elterngeld',
    });
    // Version 2: the recommended offers are catalogue offers.
    expect(visit?.envelope?.schemaVersion).toBe(2);
    expect(visit?.syncState).toBe('pending');
    expect(await storage.records.countOutbox()).toBe(2); // consent + visit
    expect(await storage.drafts.load(WELCOME_VISIT_DRAFT_ID)).toBeUndefined();
    expect(triggers.length).toBeGreaterThan(0);
  });

  it('recommends only offers of the cached catalogue: one removed from it meanwhile is refused with a clear message', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber, consentFor: caseNumber });
    fillVisit('4');
    // Grouped by offer type, with no developer note.
    const group = screen.getByRole('group', { name: de.fields.offersRecommended });
    expect(group.textContent).not.toContain('folgt');
    expect(within(group).getByText(de.offersHint)).toBeTruthy();
    fireEvent.click(await within(group).findByRole('checkbox', { name: RECOMMENDED.name }));
    // The next sync brings a catalogue without that offer while the form is open.
    await storage.device.saveOffers({
      serverTime: new Date().toISOString(),
      version: 'v2',
      offers: DEMO_OFFERS.slice(2, 4),
      callbackKeys: [],
    });
    const gone = await within(group).findByRole('checkbox', { name: de.offerNotInCatalogue.replace('{{id}}', RECOMMENDED.id) });
    expect((gone as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await within(group).findByText(de.errors.unknownOffer)).toBeTruthy();
    expect((await storage.records.listRecords()).filter((r) => r.kind === 'welcomeVisit')).toEqual([]);
    // Unticked, the visit saves.
    fireEvent.click(gone);
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const visit = (await storage.records.listRecords()).find((r) => r.kind === 'welcomeVisit');
    expect(visit?.envelope?.content).toMatchObject({ offersRecommended: [] });
  });

  it('says when the tablet has no offer catalogue yet, instead of offering types', async () => {
    const caseNumber = generateCaseNumber();
    await setup({ caseNumber, consentFor: caseNumber, noCatalogue: true });
    fillVisit('4');
    const group = screen.getByRole('group', { name: de.fields.offersRecommended });
    expect(await within(group).findByText(de.offersNoCatalogue)).toBeTruthy();
    expect(within(group).queryAllByRole('checkbox')).toEqual([]);
  });

  it('warns about week 12 (outside 1–8) but saves', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber, consentFor: caseNumber });
    fillVisit('12');
    expect(
      await screen.findByText(de.weekOutsideWindow.replace('{{week}}', '12').replace('{{from}}', '1').replace('{{to}}', '8')),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const visit = (await storage.records.listRecords()).find((r) => r.kind === 'welcomeVisit');
    expect(visit?.envelope?.content).toMatchObject({ weekOfLife: 12, firstChild: true, followUpWished: false });
    expect(Object.keys(visit?.envelope?.content ?? {})).not.toContain('note');
    expect(Object.keys(visit?.envelope?.content ?? {})).not.toContain('followUpDate');
  });

  it('asks for the first-child answer with a translated message and stores nothing', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber, consentFor: caseNumber });
    fireEvent.click(screen.getByRole('radio', { name: de.outcome.visited }));
    fireEvent.change(screen.getByLabelText(de.fields.weekOfLife), { target: { value: '4' } });
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    const group = screen.getByRole('group', { name: de.fields.firstChild });
    expect(await within(group).findByText(de.errors.invalidChoice)).toBeTruthy();
    expect((await storage.records.listRecords()).map((r) => r.kind)).toEqual(['consent']);
    expect(done).toHaveLength(0);
  });

  it('asks for the case number when none was given or typed', async () => {
    const { storage } = await setup();
    fireEvent.click(screen.getByRole('radio', { name: de.outcome.visited }));
    expect(screen.queryByLabelText(de.fields.weekOfLife)).toBeNull(); // the case comes first
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await screen.findByText(de.errors.caseNumberRequired)).toBeTruthy();
    expect(await storage.records.countOutbox()).toBe(0);
  });
});
