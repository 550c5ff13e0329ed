// @vitest-environment jsdom
// The screening's family part over a real (fake-indexeddb) tablet database:
// staff hand the tablet over from the form; the family sees only its own
// questions, one per screen, in its language — no score, level, "Dringend" or
// staff choice; an acute-danger answer only calls staff quietly, and its
// instruction appears once staff hold the tablet again. Back with staff, every
// family answer is marked, a change staff make with the family is recorded
// with the family's answer, and the family's answers survive a reload as a draft.
import { useReducer } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { AppContext } from '@client/app/AppContext';
import { FamilyModeContext, type FamilyMode } from '@client/app/FamilyModeContext';
import { ScreeningForm } from '@client/features/screening/ScreeningForm';
import { WORKFLOWS } from '@client/features/workflows/registry';
import { initI18n } from '@client/i18n';
import type { Storage } from '@client/storage';
import { SyncEngine } from '@client/sync/SyncEngine';
import { RequestError } from '@client/http/request';
import { generateCaseNumber } from '@domain/case-number';
import { STAFF_HOLDS, nextHolder } from '@domain/family-mode';
import { loadQuestionnaire, type LoadResult } from '@domain/questionnaire';
import type { ScreeningContent } from '@shared/records/screening';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { testDeviceConfig } from '../../../../fixtures/render-with-services';
import { chooseAnswer, saveScreeningConsent } from '../../../../fixtures/screening';
import familyDefinition from '../../../../fixtures/family-screening-definition.json';
import de from '../../../../../locales/de/screening.json';
import familyAr from '../../../../../locales/ar/family.json';

const DEFINITION: LoadResult = loadQuestionnaire(familyDefinition);
let staffCalls = 0;
let takeBack: () => void = () => undefined;

function Harness({ caseNumber }: { caseNumber: string }) {
  const [holder, dispatch] = useReducer(nextHolder, STAFF_HOLDS);
  takeBack = () => {
    dispatch({ kind: 'returnConfirmed', userId: 'staff-test-1' });
  };
  const mode: FamilyMode = {
    holder,
    handOver: (language, task) => {
      dispatch({ kind: 'handOver', language, task, staffUserId: 'staff-test-1' });
    },
    callStaff: () => {
      staffCalls++;
      dispatch({ kind: 'callStaff' });
    },
  };
  return (
    <FamilyModeContext.Provider value={mode}>
      <ScreeningForm caseNumber={caseNumber} definition={DEFINITION} onDone={() => undefined} />
    </FamilyModeContext.Provider>
  );
}

function mount(storage: Storage, caseNumber: string): void {
  const sync = new SyncEngine({
    records: storage.records,
    transport: { push: () => Promise.reject(new RequestError('network')) },
    deviceId: () => storage.device.deviceId(),
    isOnline: () => false,
  });
  render(
    <AppContext.Provider value={{ storage, sync }}>
      <Harness caseNumber={caseNumber} />
    </AppContext.Provider>,
  );
}

async function setup(): Promise<{ storage: Storage; caseNumber: string }> {
  const { storage } = await unlockedTestStorage();
  await storage.device.saveConfig(testDeviceConfig({ emergencyContacts: [{ label: 'ASD Bereitschaft', phone: '02841 201-0' }] }));
  const caseNumber = generateCaseNumber();
  await saveScreeningConsent(storage, caseNumber);
  mount(storage, caseNumber);
  await screen.findByTestId('screening-family-handover');
  return { storage, caseNumber };
}

async function handOverInArabic(): Promise<void> {
  const handover = screen.getByTestId('screening-family-handover');
  fireEvent.click(within(handover).getByRole('radio', { name: 'العربية' }));
  fireEvent.click(within(handover).getByRole('button', { name: de.family.handOver }));
  await screen.findByTestId('family-screening');
}

/** What the family can read: no number that could be a score, no staff word. */
function expectNothingOfTheEvaluation(): void {
  expect(screen.queryByTestId('screening-evaluation')).toBeNull();
  expect(screen.queryByTestId('screening-score')).toBeNull();
  expect(screen.queryByTestId('screening-support-need')).toBeNull();
  const text = document.body.textContent;
  for (const staffText of [
    de.evaluation.title,
    de.evaluation.score,
    de.supportNeed.urgent,
    de.evaluation.acuteDanger,
    de.override.toggle,
    de.save,
  ])
    expect(text).not.toContain(staffText);
}

function next(): void {
  fireEvent.click(screen.getByRole('button', { name: new RegExp(`^(${familyAr.screening.next}|${familyAr.screening.finish})$`) }));
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  staffCalls = 0;
});

describe('the screening’s family part', () => {
  it('shows the family only its own questions, one per screen in Arabic, without any score; danger only calls staff', async () => {
    await setup();
    await handOverInArabic();
    const family = screen.getByTestId('family-screening');
    expect(family.getAttribute('dir')).toBe('rtl');
    expect(family.getAttribute('lang')).toBe('ar');
    // The family's language loads on demand (only the staff language is there at start).
    expect(await within(family).findByText(familyAr.screening.progress.replace('{{current}}', '1').replace('{{total}}', '5'))).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      (familyDefinition.sections[0]?.questions[0]?.label as Record<string, string> | undefined)?.['ar'],
    );
    // One question on the screen; the staff's questions are not there.
    expect(document.querySelectorAll('[data-question]')).toHaveLength(1);
    expect(document.querySelector('[data-question="feeding"]')).toBeNull();
    expectNothingOfTheEvaluation();

    chooseAnswer('support', 'nobody');
    next();
    chooseAnswer('money', 'true');
    next();
    chooseAnswer('confidence', '4');
    // Back shows the earlier answer as given.
    fireEvent.click(screen.getByRole('button', { name: familyAr.screening.back }));
    expect((document.querySelector('[data-question="money"] input[value="true"]') as HTMLInputElement).checked).toBe(true);
    next();
    next();
    fireEvent.change(screen.getByRole('spinbutton'), { target: { value: '2' } });
    next();
    expectNothingOfTheEvaluation();
    chooseAnswer('safety', 'threatened'); // acute danger
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expectNothingOfTheEvaluation();
    expect(staffCalls).toBe(1);
    next();
    expect(await screen.findByTestId('family-screening-done')).toBeTruthy();
    expectNothingOfTheEvaluation();

    // Staff take the tablet back: the instruction at once, then the staff form with the evaluation.
    act(() => {
      takeBack();
    });
    const instruction = await screen.findByRole('alertdialog', { name: de.emergency.title });
    fireEvent.click(within(instruction).getByRole('button', { name: de.emergency.back }));
    expect(screen.getByTestId('screening-support-need').textContent).toBe(de.supportNeed.urgent);
    expect(screen.getByTestId('screening-family-answered').textContent).toContain('5');
  });

  it('marks the family’s answers for staff, records a change with the family’s answer, and saves both', async () => {
    const { storage } = await setup();
    await handOverInArabic();
    chooseAnswer('support', 'few');
    next();
    chooseAnswer('money', 'false');
    next();
    next();
    next();
    chooseAnswer('safety', 'safe');
    act(() => {
      takeBack();
    });
    await screen.findByTestId('screening-evaluation');
    const support = document.querySelector('[data-question="support"]');
    expect(support?.querySelector('[data-answered-by="family"]')?.textContent).toBe(de.family.byFamily);
    expect(document.querySelector('[data-question="feeding"] [data-answered-by]')).toBeNull();

    // With the family, staff change "one or two people" to "nobody".
    chooseAnswer('support', 'nobody');
    const changed = document.querySelector('[data-question="support"] [data-answered-by="changedByStaff"]');
    expect(changed?.textContent).toBe(de.family.changedByStaff.replace('{{answer}}', 'Ein oder zwei Menschen'));
    chooseAnswer('feeding', 'wellOn');
    fireEvent.click(screen.getByRole('button', { name: de.save }));

    await waitFor(async () => {
      expect((await storage.records.listRecords()).some((r) => r.kind === 'screening')).toBe(true);
    });
    const saved = (await storage.records.listRecords()).find((r) => r.kind === 'screening');
    const content = saved?.envelope?.content as ScreeningContent;
    expect(content.answers).toEqual({ support: 'nobody', money: false, safety: 'safe', feeding: 'wellOn' });
    expect(content.familyAnswers).toEqual({
      support: { by: 'changedByStaff', familyAnswer: 'few' },
      money: { by: 'family' },
      safety: { by: 'family' },
    });
    expect(content.score).toBe(3);
  });

  it('keeps the family’s answers and their marks in the draft across a reload', async () => {
    const { storage, caseNumber } = await setup();
    await handOverInArabic();
    chooseAnswer('support', 'several');
    next();
    chooseAnswer('money', 'true');
    await waitFor(async () => {
      expect(await storage.drafts.load(WORKFLOWS.screening.newDraftId)).toMatchObject({
        caseNumber,
        answers: { support: 'several', money: true },
        familyAnswers: { support: { by: 'family' }, money: { by: 'family' } },
      });
    });
    cleanup(); // the tablet locks or reloads: family mode ends, the draft stays
    mount(storage, caseNumber);
    await screen.findByTestId('screening-family-answered');
    expect(document.querySelector('[data-question="money"] [data-answered-by="family"]')).not.toBeNull();
    expect((document.querySelector('[data-question="money"] input[value="true"]') as HTMLInputElement).checked).toBe(true);
  });
});
