// @vitest-environment jsdom
// Correcting a saved screening: the form opens with its answers (the acute
// danger seen then is not announced again), saving writes revision 2 of the
// same record for the same case, scored afresh, with the definition it used.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { ScreeningForm } from '@client/features/screening/ScreeningForm';
import { initI18n } from '@client/i18n';
import { generateCaseNumber } from '@domain/case-number';
import { answerRequiredDefault, chooseAnswer, saveScreeningConsent, screeningChoice } from '../../../../fixtures/screening';
import type { ScreeningRecord } from '@shared/records/sync-record';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import de from '../../../../../locales/de/screening.json';

const choose = chooseAnswer;
const checked = (id: string, value: string): boolean => screeningChoice(id, value).checked;

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('correcting a screening', () => {
  it('opens with the saved answers and saves revision 2 for the same case', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveConfig(testDeviceConfig());
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
    answerRequiredDefault();
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const saved = (await storage.records.listRecords()).find((row) => row.kind === 'screening')?.envelope as ScreeningRecord;
    cleanup();

    renderWithServices(
      storage,
      <ScreeningForm
        correction={saved}
        onDone={() => {
          done.push(2);
        }}
      />,
    );
    expect(await screen.findByTestId('correction-notice')).toBeTruthy();
    expect(checked('supportNetwork', 'few')).toBe(true);
    expect(checked('preterm', 'false')).toBe(true);
    choose('supportNetwork', 'nobody');
    fireEvent.click(screen.getByRole('button', { name: de.save }));
    await waitFor(() => {
      expect(done).toEqual([1, 2]);
    });

    const row = await storage.records.getRecord(saved.id);
    expect(row).toMatchObject({ revision: 2, kind: 'screening' });
    const corrected = row?.envelope as ScreeningRecord;
    expect(corrected.caseNumber).toBe(caseNumber);
    expect(corrected.content.answers).toMatchObject({ supportNetwork: 'nobody', preterm: false });
    expect(corrected.content.definitionHash).toBe(saved.content.definitionHash);
    expect(corrected.content.score).not.toBe(saved.content.score);
    expect(corrected.contentHash).not.toBe(saved.contentHash);
  });
});
