// @vitest-environment jsdom
// After a family consented, "continue with …" opens the consent's workflow only
// when the person's organisation offers it (the admin's per-organisation list in
// the tablet's configuration, as on the home): a HOME project whose staff are
// offered the HOME contact alone gets no "continue to the screening".
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { ConsentFlow } from '@client/features/consent/ConsentFlow';
import { initI18n } from '@client/i18n';
import type { ConsentSetting } from '@shared/records/consent';
import type { DeviceConfig } from '@shared/protocol';
import { testUser, unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices, testDeviceConfig } from '../../../../fixtures/render-with-services';
import de from '../../../../../locales/de/common.json';
import deConsent from '../../../../../locales/de/consent.json';

const ORGANISATION = testUser().organisationId;

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

/** Consents with the family in German for `setting`; returns the outcome's "continue" buttons and what they opened. */
async function consentFor(setting: ConsentSetting, config: DeviceConfig | null): Promise<{ labels: string[]; opened: string[] }> {
  cleanup(); // one consent on screen at a time
  const { storage } = await unlockedTestStorage();
  if (config) await storage.device.saveConfig(config);
  const opened: string[] = [];
  renderWithServices(
    storage,
    <ConsentFlow
      onDone={() => undefined}
      onContinue={(_caseNumber, chosen) => {
        opened.push(chosen);
      }}
      initialSetting={setting}
    />,
  );
  fireEvent.click(await screen.findByRole('button', { name: de.consent.handOver }));
  fireEvent.click((await screen.findAllByRole('checkbox'))[0] as HTMLElement);
  fireEvent.click(screen.getByRole('button', { name: deConsent.agree }));
  await screen.findByRole('heading', { name: de.consent.agreedTitle });
  const continueLabels = Object.values(de.consent.continueWith);
  const labels = screen
    .queryAllByRole('button')
    .map((button) => button.textContent)
    .filter((text) => continueLabels.includes(text));
  for (const label of labels) fireEvent.click(screen.getByRole('button', { name: label }));
  return { labels, opened };
}

const homeProjectOffers = (workflows: DeviceConfig['organisationWorkflows']) =>
  testDeviceConfig({ organisationWorkflows: workflows ?? [] });

describe('continue after consent', () => {
  it("offers no workflow the person's organisation does not use", async () => {
    const config = homeProjectOffers([{ organisationId: ORGANISATION, workflows: ['consent', 'homeContact'] }]);
    expect(await consentFor('screening', config)).toEqual({ labels: [], opened: [] });
    expect(await consentFor('mediation', config)).toEqual({ labels: [], opened: [] });
  });

  it('continues to a workflow the organisation uses', async () => {
    const config = homeProjectOffers([{ organisationId: ORGANISATION, workflows: ['consent', 'homeContact'] }]);
    expect(await consentFor('homeContact', config)).toEqual({ labels: [de.consent.continueWith.homeContact], opened: ['homeContact'] });
  });

  it("reads the person's own organisation, not another one on the same tablet", async () => {
    const config = homeProjectOffers([
      { organisationId: 'klinik-demo', workflows: ['consent', 'homeContact'] },
      { organisationId: ORGANISATION, workflows: ['consent', 'screening'] },
    ]);
    expect(await consentFor('screening', config)).toEqual({ labels: [de.consent.continueWith.screening], opened: ['screening'] });
    expect((await consentFor('homeContact', config)).labels).toEqual([]);
  });

  it('offers every workflow while the tablet knows no organisation lists (an older server)', async () => {
    expect((await consentFor('mediation', testDeviceConfig())).labels).toEqual([de.consent.continueWith.mediation]);
  });
});
