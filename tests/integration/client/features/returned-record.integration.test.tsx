// @vitest-environment jsdom
// A record the server returned for personal data: the record list says
// "returned", names the field and what was seen there (never the text), offers
// "Correct", and the corrected form — opened with the note as written — saves
// revision 2 into the outbox. Nothing the author wrote is lost on the way.
import { afterEach, beforeAll, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HomeContactForm } from '@client/features/home-contact/HomeContactForm';
import { RecordList } from '@client/features/records/RecordList';
import { WorkNavigationContext, type WorkNavigation } from '@client/app/WorkNavigation';
import { initI18n } from '@client/i18n';
import { unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';
import { renderWithServices, testDeviceConfig } from '../../../fixtures/render-with-services';
import common from '../../../../locales/de/common.json';
import cases from '../../../../locales/de/cases.json';
import hc from '../../../../locales/de/home-contact.json';
import rec from '../../../../locales/de/records.json';

const NOTE = 'Rückruf erbeten, Handy 0176 12345678';

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

it('shows a record returned for personal data as returned, naming the note, and resends it after editing', async () => {
  const { storage } = await unlockedTestStorage();
  await storage.device.saveConfig(testDeviceConfig({ homeSites: [{ id: 'kita-sonnenblume', label: 'Kita Sonnenblume' }] }));
  const record = await homeContactRecord({ note: NOTE });
  await storage.records.saveRecord(record);
  // The server's answer to the push (as in tests/integration/personal-data-roundtrip.integration.test.ts).
  const items = await storage.records.peekOutbox(10);
  await storage.records.applyPushResults(
    items,
    [
      {
        id: record.id,
        revision: 1,
        outcome: 'rejected',
        status: 422,
        reason: 'personalData',
        message: 'A free-text field holds personal data.',
        issues: [{ path: 'content.note', message: 'phone' }],
      },
    ],
    new Date().toISOString(),
  );
  expect(await storage.records.countOutbox()).toBe(0);

  const opened: string[] = [];
  const navigation: WorkNavigation = {
    openCorrection: (id) => {
      opened.push(id);
      return Promise.resolve(true);
    },
    continueDraft: () => Promise.resolve(true),
    newConsent: () => undefined,
    openReferral: () => undefined,
    openCase: () => undefined,
  };
  renderWithServices(
    storage,
    <WorkNavigationContext.Provider value={navigation}>
      <RecordList />
    </WorkNavigationContext.Provider>,
  );
  const list = await screen.findByTestId('record-list');
  const item = await waitFor(() => {
    const found = list.querySelector(`[data-record-id="${record.id}"]`);
    if (!(found instanceof HTMLElement)) throw new Error('record not listed yet');
    return found;
  });
  expect(item.getAttribute('data-returned')).toBe('personalData');
  expect(within(item).getByText(common.record.state.returned)).toBeTruthy();
  const expected = common.record.returned.removePersonalData
    .replace('{{field}}', common.record.returned.field.note)
    .replace('{{kinds}}', cases.personalData.kind.phone);
  expect(within(item).getByText(expected)).toBeTruthy();
  expect(within(item).getByText(common.record.returned.resendByCorrecting)).toBeTruthy();
  expect(item.textContent).not.toContain('12345678');
  fireEvent.click(within(item).getByRole('button', { name: rec.actions.correct }));
  expect(opened).toEqual([record.id]);
  cleanup();

  // The correction form opens with the note as written; the author removes the number and saves.
  const row = await storage.records.getRecord(record.id);
  if (row?.envelope?.kind !== 'homeContact') throw new Error('returned record missing');
  let done = false;
  renderWithServices(
    storage,
    <HomeContactForm
      correction={row.envelope}
      onDone={() => {
        done = true;
      }}
    />,
  );
  const note = await screen.findByLabelText<HTMLTextAreaElement>(hc.fields.note);
  expect(note.value).toBe(NOTE);
  fireEvent.change(note, { target: { value: 'Rückruf über die Kita erbeten' } });
  fireEvent.click(screen.getByRole('button', { name: hc.save }));
  await waitFor(() => {
    expect(done).toBe(true);
  });
  expect(await storage.records.getRecord(record.id)).toMatchObject({
    revision: 2,
    syncState: 'pending',
    envelope: { content: { note: 'Rückruf über die Kita erbeten' } },
  });
  expect(await storage.records.countOutbox()).toBe(1);
});
