// @vitest-environment jsdom
// The mediation deployment form over a real (fake-indexeddb) tablet database:
// the shared schema's errors appear translated and nothing is stored until the
// form is valid; a valid deployment writes record + outbox without a case; a
// case link without a covering consent is refused with a clear message (the
// number stays); the family's district is asked and saved; a draft survives a remount.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { MediationForm } from '@client/features/mediation/MediationForm';
import { WORKFLOWS } from '@client/features/workflows/registry';
import { MediationSummary } from '@client/features/mediation/MediationSummary';
import { initI18n } from '@client/i18n';
import type { Storage } from '@client/storage';
import { generateCaseNumber } from '@domain/case-number';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import de from '../../../../../locales/de/mediation.json';
import cases from '../../../../../locales/de/cases.json';
import district from '../../../../../locales/de/district.json';

const MEDIATION_DRAFT_ID = WORKFLOWS.mediation.newDraftId;

const SITES = [
  { id: 'kita-sonnenblume', label: 'Kita Sonnenblume' },
  { id: 'kita-regenbogen', label: 'Kita Regenbogen' },
];

function mount(storage: Storage, onDone: () => void): { triggers: number[] } {
  return renderWithServices(storage, <MediationForm onDone={onDone} />);
}

const DISTRICTS = [
  { id: 'hiltrup', label: 'Hiltrup' },
  { id: 'kinderhaus', label: 'Kinderhaus' },
];

async function setup(sites = SITES, districts: typeof DISTRICTS = []): Promise<{ storage: Storage; triggers: number[]; done: number[] }> {
  const { storage } = await unlockedTestStorage();
  await storage.device.saveConfig(testDeviceConfig({ homeSites: sites, districts }));
  const done: number[] = [];
  const { triggers } = mount(storage, () => {
    done.push(1);
  });
  await screen.findByRole('heading', { name: de.new });
  return { storage, triggers, done };
}

function fillValidDeployment(): void {
  fireEvent.click(screen.getByRole('radio', { name: 'Kita Regenbogen' }));
  fireEvent.click(screen.getByRole('checkbox', { name: 'العربية' }));
  fireEvent.click(screen.getByRole('checkbox', { name: 'فارسی' }));
  fireEvent.click(screen.getByRole('radio', { name: de.with.parents }));
  fireEvent.click(screen.getByRole('checkbox', { name: de.topics.developmentTalk }));
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('MediationForm', () => {
  it('preselects the only Kita and shows each language in its own name and language', async () => {
    await setup([{ id: 'kita-sonnenblume', label: 'Kita Sonnenblume' }]);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Kita Sonnenblume' }).checked).toBe(true);
    const arabic = screen.getByRole('checkbox', { name: 'العربية' });
    expect(arabic.closest('label')?.getAttribute('lang')).toBe('ar');
    expect(screen.getByRole('checkbox', { name: 'Русский' }).closest('label')?.getAttribute('lang')).toBe('ru');
    expect(screen.getByRole('checkbox', { name: de.languageOther })).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('radio', { name: de.no }).checked).toBe(true);
  });

  it('refuses to save without language and topic, with translated messages, and stores nothing', async () => {
    const { storage, done } = await setup();
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await screen.findByText(de.errors.languagesRequired)).toBeTruthy();
    expect(screen.getByText(de.errors.topicsRequired)).toBeTruthy();
    expect(screen.getByText(de.errors.invalidSiteId)).toBeTruthy();
    expect(screen.getByText(de.errors.invalidChoice)).toBeTruthy(); // with whom
    expect(await storage.records.countOutbox()).toBe(0);
    expect(await storage.records.listRecords()).toHaveLength(0);
    expect(done).toHaveLength(0);
  });

  it('saves a valid deployment as record + outbox entry without a case and nudges the sync engine', async () => {
    const { storage, triggers, done } = await setup();
    fillValidDeployment();
    fireEvent.click(screen.getByRole('radio', { name: de.yes }));
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const [row] = await storage.records.listRecords();
    expect(row?.kind).toBe('mediation');
    expect(row?.syncState).toBe('pending');
    expect(row?.envelope?.caseNumber).toBeNull();
    expect(row?.envelope?.content).toEqual({
      site: 'kita-regenbogen',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
      languages: ['ar', 'fa'],
      with: 'parents',
      topics: ['developmentTalk'],
      followUpNeeded: true,
    });
    expect(await storage.records.countOutbox()).toBe(1);
    expect(await storage.drafts.load(MEDIATION_DRAFT_ID)).toBeUndefined();
    expect(triggers.length).toBeGreaterThan(0);

    // The record-list line: Kita, with whom, languages marked with their language.
    cleanup();
    const content = row?.envelope?.kind === 'mediation' ? row.envelope.content : undefined;
    if (!content) throw new Error('no mediation content');
    renderWithServices(storage, <MediationSummary content={content} />);
    expect(await screen.findByText(`Kita Regenbogen · ${de.with.parents}`)).toBeTruthy();
    expect(screen.getByText('فارسی').getAttribute('lang')).toBe('fa');
  });

  it("asks for the family's district (reports count mediation by district) and saves the chosen one", async () => {
    const { storage, done } = await setup(SITES, DISTRICTS);
    fillValidDeployment();
    fireEvent.change(await screen.findByLabelText(district.label), { target: { value: 'kinderhaus' } });
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const [row] = await storage.records.listRecords();
    expect(row?.envelope?.kind).toBe('mediation');
    expect(row?.envelope?.content).toMatchObject({ site: 'kita-regenbogen', district: 'kinderhaus' });
  });

  it('leaves the district out when it is not stated', async () => {
    const { storage, done } = await setup(SITES, DISTRICTS);
    fillValidDeployment();
    expect((await screen.findByLabelText<HTMLSelectElement>(district.label)).value).toBe('');
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const [row] = await storage.records.listRecords();
    expect(row?.envelope?.content).not.toHaveProperty('district');
  });

  it('refuses a case link without consent on this tablet, says so, keeps the number and stores nothing', async () => {
    const { storage, done } = await setup();
    fillValidDeployment();
    fireEvent.click(screen.getByRole('checkbox', { name: cases.link.label }));

    // Switched on but no number looked up: asked for it.
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await screen.findByText(cases.link.caseNumberMissing.replace('{{submit}}', cases.lookup.submit))).toBeTruthy();

    const caseNumber = generateCaseNumber();
    const input = screen.getByLabelText<HTMLInputElement>(cases.lookup.label);
    fireEvent.change(input, { target: { value: caseNumber } });
    fireEvent.click(screen.getByRole('button', { name: cases.lookup.submit }));
    expect((await screen.findByTestId('case-refusal')).textContent).toContain(cases.refusal.noConsentHere.text);
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(input.value).toBe(caseNumber);
    expect(await storage.records.listRecords()).toHaveLength(0);
    expect(await storage.records.countOutbox()).toBe(0);
    expect(done).toHaveLength(0);
    // the entries are still protected as a draft
    await waitFor(async () => {
      expect(await storage.drafts.load(MEDIATION_DRAFT_ID)).toMatchObject({ languages: ['ar', 'fa'] });
    });
  });

  it('autosaves a draft that is restored when the form opens again', async () => {
    const first = await setup();
    fireEvent.click(screen.getByRole('radio', { name: 'Kita Sonnenblume' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Русский' }));
    fireEvent.click(screen.getByRole('checkbox', { name: de.topics.schoolEntry }));
    fireEvent.click(screen.getByRole('radio', { name: de.with.both }));
    await waitFor(async () => {
      expect(await first.storage.drafts.load(MEDIATION_DRAFT_ID)).toMatchObject({
        site: 'kita-sonnenblume',
        languages: ['ru'],
        topics: ['schoolEntry'],
        with: 'both',
      });
    });
    cleanup();
    mount(first.storage, () => undefined);
    expect(await screen.findByText(de.draftRestored)).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: 'Русский' }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: de.topics.schoolEntry }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Kita Sonnenblume' }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: de.with.both }).checked).toBe(true);
  });
});
