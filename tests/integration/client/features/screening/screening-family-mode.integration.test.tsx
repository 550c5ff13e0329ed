// @vitest-environment jsdom
// The screening while the family holds the tablet (where family-answered
// questions plug in): no score, no level, no "Dringend", no staff choices; an
// acute-danger answer only calls staff quietly, and its instruction appears once
// staff hold the tablet again. In staff mode the evaluation is one summary line.
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { AppContext } from '@client/app/AppContext';
import { FamilyModeContext, type FamilyMode } from '@client/app/FamilyModeContext';
import { ScreeningForm } from '@client/features/screening/ScreeningForm';
import { initI18n } from '@client/i18n';
import { SyncEngine } from '@client/sync/SyncEngine';
import { RequestError } from '@client/http/request';
import { generateCaseNumber } from '@domain/case-number';
import { STAFF_HOLDS, nextHolder, type TabletHolder } from '@domain/family-mode';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { testDeviceConfig } from '../../../../fixtures/render-with-services';
import { chooseAnswer, saveScreeningConsent } from '../../../../fixtures/screening';
import de from '../../../../../locales/de/screening.json';

const FAMILY: TabletHolder = nextHolder(STAFF_HOLDS, { kind: 'handOver', language: 'ar', task: 'consent', staffUserId: 'staff-test-1' });

let setHolder: (holder: TabletHolder) => void = () => undefined;
let staffCalls = 0;

function Harness({ caseNumber }: { caseNumber: string }) {
  const [holder, set] = useState<TabletHolder>(FAMILY);
  setHolder = set;
  const mode: FamilyMode = {
    holder,
    handOver: () => undefined,
    callStaff: () => {
      staffCalls++;
    },
  };
  return (
    <FamilyModeContext.Provider value={mode}>
      <ScreeningForm caseNumber={caseNumber} onDone={() => undefined} />
    </FamilyModeContext.Provider>
  );
}

async function setup(): Promise<void> {
  const { storage } = await unlockedTestStorage();
  await storage.device.saveConfig(testDeviceConfig({ emergencyContacts: [{ label: 'ASD Bereitschaft', phone: '02841 201-0' }] }));
  const caseNumber = generateCaseNumber();
  await saveScreeningConsent(storage, caseNumber);
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
  await screen.findByRole('heading', { name: de.new });
  // The questions appear once the case's consent is found.
  await waitFor(() => {
    expect(document.querySelector('[data-question="careAtHome"]')).not.toBeNull();
  });
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  staffCalls = 0;
});

describe('screening in family mode', () => {
  it('shows no score, level or danger flag to the family, calls staff quietly, and shows the instruction only once staff hold the tablet', async () => {
    await setup();
    expect(screen.queryByTestId('screening-evaluation')).toBeNull();
    expect(screen.queryByTestId('screening-score')).toBeNull();
    expect(screen.queryByText(de.override.toggle)).toBeNull();

    chooseAnswer('careAtHome', 'nobodyCanCare'); // acute danger
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.queryByText(de.supportNeed.urgent)).toBeNull();
    expect(screen.queryByText(de.evaluation.acuteDanger)).toBeNull();
    expect(staffCalls).toBe(1);

    act(() => {
      setHolder(STAFF_HOLDS);
    });
    expect(await screen.findByRole('alertdialog', { name: de.emergency.title })).toBeTruthy();
    expect(screen.getByTestId('screening-support-need').textContent).toBe(de.supportNeed.urgent);
  });

  it('shows staff the evaluation as one summary line that opens to the explanation', async () => {
    await setup();
    act(() => {
      setHolder(STAFF_HOLDS);
    });
    const summary = (await screen.findByTestId('screening-score')).closest('summary');
    expect(summary?.textContent).toContain(de.evaluation.title);
    expect(summary?.textContent).toContain(de.evaluation.supportNeed);
    expect(summary?.parentElement?.tagName).toBe('DETAILS');
    expect(screen.getByText(de.explanation.toggle).closest('details')).toBe(summary?.parentElement);
  });
});
