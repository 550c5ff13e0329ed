// @vitest-environment jsdom
// The birth-clinic screening over a real (fake-indexeddb) tablet database:
// skip rules show and hide follow-up questions live, unanswered required
// questions block saving, an acute-danger answer brings up the full-screen
// child-protection instruction with the tablet's numbers at once (offline),
// a valid screening stores only the visible answers with the right support
// need, and an override without a reason is refused.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ScreeningForm } from '@client/features/screening/ScreeningForm';
import { WORKFLOWS } from '@client/features/workflows/registry';
import { ScreeningSummary } from '@client/features/screening/ScreeningSummary';
import { initI18n } from '@client/i18n';
import type { Storage } from '@client/storage';
import { generateCaseNumber } from '@domain/case-number';
import { loadQuestionnaire, type LoadResult } from '@domain/questionnaire';
import { contentHash } from '@shared/content-hash';
import type { Offer } from '@shared/offers';
import type { DeviceConfig } from '@shared/protocol';
import type { ScreeningContent } from '@shared/records/screening';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import definitionJson from '@domain/default-screening.json';
import { answerRequiredDefault, chooseAnswer, saveScreeningConsent, screeningQuestion } from '../../../../fixtures/screening';
import de from '../../../../../locales/de/screening.json';
import cases from '../../../../../locales/de/cases.json';

const SCREENING_DRAFT_ID = WORKFLOWS.screening.newDraftId;

const CONTACTS: DeviceConfig['emergencyContacts'] = [
  { label: 'Jugendamt Moers, ASD (Bereitschaft)', phone: '02841 201-0' },
  { label: 'Kinderschutz-Hotline', phone: '+49 800 1234567' },
];

interface Setup {
  storage: Storage;
  triggers: number[];
  done: number[];
}

function offer(id: string, name: string, fields: Offer['fields']): Offer {
  return {
    id,
    name,
    organisation: `Träger ${name}`,
    type: 'familienhebamme',
    agePhases: ['baby'],
    fields,
    districts: [],
    languages: ['de'],
    cost: '',
    address: '',
    phone: '',
    hours: '',
    whatToBring: '',
  };
}

async function setup(
  props: { caseNumber?: string; consentFor?: string; contacts?: DeviceConfig['emergencyContacts']; offers?: Offer[] } = {},
): Promise<Setup> {
  const { storage } = await unlockedTestStorage();
  if (props.offers)
    await storage.device.saveOffers({ serverTime: '2026-11-20T08:00:00.000Z', version: 'v1', offers: props.offers, callbackKeys: [] });
  await storage.device.saveConfig(
    testDeviceConfig({ municipality: { id: 'moers', name: 'Moers' }, emergencyContacts: props.contacts ?? CONTACTS }),
  );
  if (props.consentFor !== undefined) await saveScreeningConsent(storage, props.consentFor);
  const done: number[] = [];
  const { triggers } = renderWithServices(
    storage,
    <ScreeningForm
      caseNumber={props.caseNumber}
      onDone={() => {
        done.push(1);
      }}
    />,
  );
  await screen.findByRole('heading', { name: de.new });
  return { storage, triggers, done };
}

const question = screeningQuestion;
const shown = (id: string): boolean => document.querySelector(`[data-question="${id}"]`) !== null;
const choose = chooseAnswer;
const tick = chooseAnswer;
function type(id: string, value: string): void {
  const field = question(id).querySelector('input, textarea');
  if (!field) throw new Error(`question ${id} has no text field`);
  fireEvent.change(field, { target: { value } });
}
const answerRequired = answerRequiredDefault;

const lastScreening = async (storage: Storage) => (await storage.records.listRecords()).find((r) => r.kind === 'screening');

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('ScreeningForm', () => {
  it('shows a follow-up question only while its skip rule holds', async () => {
    const caseNumber = generateCaseNumber();
    await setup({ caseNumber, consentFor: caseNumber });
    expect(shown('pretermWeek')).toBe(false);
    choose('preterm', 'true');
    expect(shown('pretermWeek')).toBe(true);
    expect(shown('specialCareAtHome')).toBe(true);
    choose('preterm', 'false');
    expect(shown('pretermWeek')).toBe(false);
    expect(shown('specialCareAtHome')).toBe(false);
    // A "not" rule: asked while the languages are still open, skipped once German is spoken.
    expect(shown('germanComfort')).toBe(true);
    tick('languages', 'de');
    expect(shown('germanComfort')).toBe(false);
  });

  it('lists the unanswered required questions and saves nothing', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber, consentFor: caseNumber });
    choose('preterm', 'true'); // makes the week required too
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    const alert = await screen.findByText(de.errors.missingRequired);
    const list = within(alert.parentElement ?? document.body);
    expect(list.getByText('In welcher Schwangerschaftswoche?')).toBeTruthy();
    expect(list.getByText(/Wie klappt das Stillen/)).toBeTruthy();
    expect(list.queryByText(/Ist das Baby vor der 37/)).toBeNull(); // answered
    expect((await storage.records.listRecords()).map((r) => r.kind)).toEqual(['consent']);
    expect(done).toHaveLength(0);
  });

  it('shows the child-protection instruction full screen the moment an answer signals acute danger', async () => {
    const caseNumber = generateCaseNumber();
    await setup({ caseNumber, consentFor: caseNumber });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    choose('careAtHome', 'nobodyCanCare');
    const dialog = await screen.findByRole('alertdialog', { name: de.emergency.title });
    await waitFor(() => {
      expect(document.activeElement).toBe(dialog);
    });
    const links = within(dialog).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['tel:028412010', 'tel:+498001234567']);
    expect(links[0]?.textContent).toContain('Jugendamt Moers, ASD (Bereitschaft)');
    expect(links[0]?.textContent).toContain('02841 201-0');
    expect(screen.getByTestId('screening-support-need').textContent).toBe(de.supportNeed.urgent);

    fireEvent.click(within(dialog).getByRole('button', { name: de.emergency.back }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    // It can be shown again from the evaluation panel.
    fireEvent.click(screen.getByRole('button', { name: de.evaluation.showInstruction }));
    expect(await screen.findByRole('alertdialog')).toBeTruthy();
  });

  it('falls back to "Notruf 110" when no numbers are configured', async () => {
    await setup({ caseNumber: generateCaseNumber(), contacts: [] });
    choose('childHarmed', 'true');
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByRole('link', { name: de.emergency.fallback }).getAttribute('href')).toBe('tel:110');
  });

  it('saves only the visible answers, with score, support need and the definition it was asked by', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, triggers, done } = await setup({ caseNumber, consentFor: caseNumber });
    answerRequired();
    // A follow-up answered and then hidden again does not count.
    choose('preterm', 'true');
    type('pretermWeek', '34');
    choose('preterm', 'false');
    expect(screen.getByTestId('screening-score').textContent).toBe('4');
    expect(screen.getByTestId('screening-support-need').textContent).toBe(de.supportNeed.informationOnly);
    await waitFor(async () => {
      expect(await storage.drafts.load(SCREENING_DRAFT_ID)).toMatchObject({ caseNumber, answers: { pretermWeek: 34, preterm: false } });
    });

    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const record = await lastScreening(storage);
    expect(record?.envelope?.caseNumber).toBe(caseNumber);
    const content = record?.envelope?.content as ScreeningContent;
    expect(content).toEqual({
      definitionId: 'birth-clinic-screening',
      definitionVersion: '2026.2',
      definitionHash: await contentHash((loadQuestionnaire(definitionJson) as Extract<LoadResult, { ok: true }>).definition),
      answers: {
        partnerInvolved: 'livesWithUs',
        preterm: false,
        feeding: 'someQuestions',
        moodScale: 3,
        prenatalCare: 'regular',
        careAtHome: 'secured',
        parentAgeGroup: 'over21',
        supportNetwork: 'few',
        languages: ['de'],
      },
      score: 4,
      supportNeed: 'informationOnly',
      acuteDanger: [],
      suggestedOffers: [],
    });
    expect(record?.syncState).toBe('pending');
    expect(await storage.drafts.load(SCREENING_DRAFT_ID)).toBeUndefined();
    expect(triggers.length).toBeGreaterThan(0);

    cleanup();
    render(<ScreeningSummary content={content} />);
    expect(screen.getByText(`Screening: ${de.supportNeed.informationOnly}`)).toBeTruthy();
  });

  it('saves an acute-danger screening as urgent with the questions that signalled it', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber, consentFor: caseNumber });
    answerRequired();
    choose('safetyAtHome', 'threatened');
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: de.emergency.back }));
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    expect((await lastScreening(storage))?.envelope?.content).toMatchObject({
      supportNeed: 'urgent',
      acuteDanger: ['safetyAtHome'],
      score: 14,
    });
  });

  it('suggests matching offers from the cached catalogue and stores the ticked ones', async () => {
    const caseNumber = generateCaseNumber();
    const offers = [
      offer('familienhebamme-moers', 'Familienhebamme', ['health']),
      offer('elterncafe', 'Elterncafé', ['social']),
      offer('schuldnerberatung', 'Schuldnerberatung', ['social']),
    ];
    const { storage, done } = await setup({ caseNumber, consentFor: caseNumber, offers });
    expect(screen.queryByRole('group', { name: de.offers.legend })).toBeNull(); // nothing points to an offer yet
    answerRequired(); // feeding/moodScale: health; supportNetwork: social, education
    const group = await screen.findByRole('group', { name: de.offers.legend });
    expect(within(group).getAllByRole('checkbox')).toHaveLength(3);
    expect(within(group).getByText('Träger Familienhebamme')).toBeTruthy();
    fireEvent.click(within(group).getByRole('checkbox', { name: /^Familienhebamme/ }));
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    expect((await lastScreening(storage))?.envelope?.content).toMatchObject({ suggestedOffers: ['familienhebamme-moers'] });
  });

  it('refuses an override without a reason, and saves it with one', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber, consentFor: caseNumber });
    answerRequired();
    fireEvent.click(screen.getByRole('checkbox', { name: de.override.toggle }));
    fireEvent.click(
      within(screen.getByRole('group', { name: de.override.level })).getByRole('radio', { name: de.supportNeed.offerRecommended }),
    );
    fireEvent.change(screen.getByLabelText(de.override.reason), { target: { value: ' ab ' } });
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await screen.findByText(de.errors.overrideReasonRequired)).toBeTruthy();
    expect(await lastScreening(storage)).toBeUndefined();
    expect(done).toHaveLength(0);

    fireEvent.change(screen.getByLabelText(de.override.reason), { target: { value: 'Mutter wirkt sehr erschöpft' } });
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    expect((await lastScreening(storage))?.envelope?.content).toMatchObject({
      supportNeed: 'informationOnly',
      override: { supportNeed: 'offerRecommended', reason: 'Mutter wirkt sehr erschöpft' },
    });
  });

  it('refuses a case without consent on this tablet before any question is asked: the way forward, nothing stored', async () => {
    const caseNumber = generateCaseNumber();
    const { storage, done } = await setup({ caseNumber });
    const refusal = await screen.findByTestId('case-refusal');
    expect(refusal.getAttribute('role')).toBe('alert');
    expect(refusal.textContent).toContain(caseNumber);
    expect(refusal.textContent).toContain(cases.refusal.noConsentHere.text);
    expect(document.querySelectorAll('[data-question]')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    expect(await storage.records.listRecords()).toHaveLength(0);
    expect(done).toHaveLength(0);
  });

  it('refuses a typed case number whose consent does not cover the screening, and accepts a covered one', async () => {
    const covered = generateCaseNumber();
    const { storage } = await setup({ consentFor: covered });
    const statisticsOnly = generateCaseNumber();
    await saveScreeningConsent(storage, statisticsOnly, ['statistics']);
    const caseInput = screen.getByLabelText(de.caseNumber);
    fireEvent.change(caseInput, { target: { value: statisticsOnly } });
    fireEvent.keyDown(caseInput, { key: 'Enter' });
    expect((await screen.findByTestId('case-refusal')).getAttribute('data-reason')).toBe('scopeMissing');
    expect(document.querySelectorAll('[data-question]')).toHaveLength(0);
    fireEvent.change(caseInput, { target: { value: covered } });
    fireEvent.keyDown(caseInput, { key: 'Enter' });
    await waitFor(() => {
      expect(document.querySelectorAll('[data-question]').length).toBeGreaterThan(5);
    });
    expect(screen.queryByTestId('case-refusal')).toBeNull();
  });

  it('shows the problems of a broken questionnaire instead of crashing', async () => {
    const broken = loadQuestionnaire({ ...definitionJson, thresholds: { informationOnly: 10, offerRecommended: 5, urgent: 14 } });
    expect(broken.ok).toBe(false);
    const { storage } = await unlockedTestStorage();
    renderWithServices(storage, <ScreeningForm definition={broken} onDone={() => undefined} />);
    expect(screen.getByText(de.definitionProblems)).toBeTruthy();
    expect(screen.getByText(/thresholds must rise/)).toBeTruthy();
  });
});
