// @vitest-environment jsdom
// The municipality's own questionnaire on the tablet, keeping the last good
// one: a pulled definition is used only if it passes the check here too; a
// broken (or newer-format, or tampered) one leaves the last good one — or the
// built-in default — in use with a non-blocking notice; a screening records
// the definition (id, version, hash) it was asked by.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { ScreeningForm } from '@client/features/screening/ScreeningForm';
import { DEFAULT_SCREENING } from '@client/features/screening/definition';
import { initI18n } from '@client/i18n';
import { generateCaseNumber } from '@domain/case-number';
import { answerRequiredDefault, saveScreeningConsent } from '../../../../fixtures/screening';
import { contentHash } from '@shared/content-hash';
import type { PulledQuestionnaire } from '@shared/questionnaire-api';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import defaultScreening from '@domain/default-screening.json';
import de from '../../../../../locales/de/screening.json';
import q from '../../../../../locales/de/questionnaire.json';

const ADAPTED_LABEL = 'Hat die Mutter zurzeit Beschwerden? (Musterstadt)';

async function pulled(
  version: string,
  change: (definition: typeof defaultScreening) => void = () => undefined,
  hash?: string,
): Promise<PulledQuestionnaire> {
  const definition = structuredClone(defaultScreening);
  definition.id = 'musterstadt';
  definition.version = version;
  const first = definition.sections[0]?.questions[0];
  if (first) first.label = { ...first.label, de: ADAPTED_LABEL };
  change(definition);
  return { definitionId: 'musterstadt', version, definitionHash: hash ?? (await contentHash(definition)), definition };
}

const duplicateId = (definition: typeof defaultScreening): void => {
  const questions = definition.sections[0]?.questions as unknown[] | undefined;
  questions?.push(structuredClone(questions[0]));
};

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('QuestionnaireStore', () => {
  it('uses a pulled definition that passes, and keeps it when the next one is broken', async () => {
    const { storage } = await unlockedTestStorage();
    expect((await storage.questionnaires.current(DEFAULT_SCREENING)).source).toBe('default');
    expect(await storage.questionnaires.accept(await pulled('2026.2'))).toBe('accepted');
    expect(await storage.questionnaires.accept(await pulled('2026.2'))).toBe('unchanged');

    expect(await storage.questionnaires.accept(await pulled('2026.3', duplicateId))).toBe('refused');
    const current = await storage.questionnaires.current(DEFAULT_SCREENING);
    expect(current.source).toBe('municipality');
    expect(current.loaded.ok && current.loaded.definition.version).toBe('2026.2');
    expect(current.refused).toMatchObject({ definitionId: 'musterstadt', version: '2026.3' });
    expect(current.refused?.problems.join()).toContain('duplicate question id');

    // A good newer one replaces it and clears the notice.
    expect(await storage.questionnaires.accept(await pulled('2026.4'))).toBe('accepted');
    const after = await storage.questionnaires.current(DEFAULT_SCREENING);
    expect(after.loaded.ok && after.loaded.definition.version).toBe('2026.4');
    expect(after.refused).toBeNull();
  });

  it('refuses a definition of a newer format or with a wrong hash, falling back to the built-in default', async () => {
    const { storage } = await unlockedTestStorage();
    const newerFormat = await pulled('2026.2', (definition) => {
      (definition as Record<string, unknown>)['branching'] = { kind: 'graph' };
    });
    expect(await storage.questionnaires.accept(newerFormat)).toBe('refused');
    expect(await storage.questionnaires.accept(await pulled('2026.3', () => undefined, 'f'.repeat(64)))).toBe('refused');
    const current = await storage.questionnaires.current(DEFAULT_SCREENING);
    expect(current.source).toBe('default');
    expect(current.loaded).toBe(DEFAULT_SCREENING);
    expect(current.refused?.problems).toEqual(['the definition does not match its stated hash']);
  });

  it('goes back to the built-in default when the municipality no longer has one', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.questionnaires.accept(await pulled('2026.2'));
    expect(await storage.questionnaires.accept(null)).toBe('default');
    expect((await storage.questionnaires.current(DEFAULT_SCREENING)).source).toBe('default');
  });
});

describe("ScreeningForm with the municipality's questionnaire", () => {
  it('asks the last good definition after a broken pull, says so without blocking, and records which definition it used', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveConfig(testDeviceConfig());
    const good = await pulled('2026.2');
    await storage.questionnaires.accept(good);
    await storage.questionnaires.accept(await pulled('2026.3', duplicateId));
    const caseNumber = generateCaseNumber();
    await saveScreeningConsent(storage, caseNumber);
    const done: number[] = [];
    renderWithServices(
      storage,
      <ScreeningForm
        caseNumber={caseNumber}
        onDone={() => {
          done.push(1);
        }}
      />,
    );
    await screen.findByRole('heading', { name: de.new });
    expect(screen.getByText(ADAPTED_LABEL)).toBeTruthy();
    const notice = screen.getByTestId('questionnaire-notice');
    expect(notice.textContent).toContain('2026.3');
    expect(notice.textContent).toContain(q.inUse.municipality.replace('{{id}}', 'musterstadt').replace('{{version}}', '2026.2'));

    answerRequiredDefault();
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const record = (await storage.records.listRecords()).find((row) => row.kind === 'screening');
    expect(record?.envelope?.content).toMatchObject({
      definitionId: 'musterstadt',
      definitionVersion: '2026.2',
      definitionHash: good.definitionHash,
    });
  });
});
