// @vitest-environment jsdom
// The district (Sozialraum) on the tablet: chosen from the municipality's
// configured list, stored on the anonymous counts (visit attempt) and on the
// welcome visit; "not stated" stores no district; without a configured list
// the field is not shown at all.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { WelcomeVisitForm } from '@client/features/welcome-visit/WelcomeVisitForm';
import { initI18n } from '@client/i18n';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import de from '../../../../../locales/de/welcome-visit.json';
import district from '../../../../../locales/de/district.json';

const DISTRICTS = [
  { id: 'nord', label: 'Nord' },
  { id: 'hafen', label: 'Hafen' },
];

async function setup(districts: typeof DISTRICTS) {
  const { storage } = await unlockedTestStorage();
  await storage.device.saveConfig(testDeviceConfig({ districts }));
  const done: number[] = [];
  renderWithServices(
    storage,
    <WelcomeVisitForm
      onDone={() => {
        done.push(1);
      }}
    />,
  );
  await screen.findByRole('radio', { name: de.outcome.declined });
  fireEvent.click(screen.getByRole('radio', { name: de.outcome.declined }));
  return { storage, done };
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('DistrictField', () => {
  it('stores the chosen district on a declined visit, and none when "not stated"', async () => {
    const { storage, done } = await setup(DISTRICTS);
    const select = await screen.findByLabelText(district.label);
    expect([...(select as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([district.notStated, 'Nord', 'Hafen']);
    fireEvent.change(select, { target: { value: 'hafen' } });
    fireEvent.click(screen.getByRole('button', { name: de.attempt.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const [row] = await storage.records.listRecords();
    expect(row?.envelope?.content).toMatchObject({ outcome: 'declined', district: 'hafen' });

    cleanup();
    const second = await setup(DISTRICTS);
    fireEvent.click(screen.getByRole('button', { name: de.attempt.save }));
    await waitFor(() => {
      expect(second.done).toHaveLength(1);
    });
    const [plain] = await second.storage.records.listRecords();
    expect(Object.keys(plain?.envelope?.content ?? {}).sort()).toEqual(['outcome', 'visitDate']);
  });

  it('is not shown while the municipality has no districts', async () => {
    await setup([]);
    expect(screen.queryByLabelText(district.label)).toBeNull();
  });
});
