// @vitest-environment jsdom
// Withdrawal of consent as staff read it, over a real (fake-indexeddb) tablet
// database: before the red button the screen says what is deleted and what
// stays, with one way back; afterwards "Fall suchen" and a second withdrawal
// attempt say when consent was withdrawn — also once the withdrawal was sent
// and its content dropped from the tablet — instead of "no entries".
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { WithdrawConsentFlow } from '@client/features/consent/WithdrawConsentFlow';
import { FindCaseScreen } from '@client/features/consent/FindCaseScreen';
import { initI18n } from '@client/i18n';
import type { Storage } from '@client/storage';
import type { LotseDatabase } from '@client/storage/LotseDatabase';
import { newConsentRecord, newHomeContactRecord } from '@domain/record-envelope';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices } from '../../../../fixtures/render-with-services';
import { homeContactContent } from '../../../../fixtures/home-contacts';
import { consentContent, newCaseNumber } from '../../../helpers/test-app';
import de from '../../../../../locales/de/common.json';
import cases from '../../../../../locales/de/cases.json';

const SERVER_TIME = '2026-12-03T09:00:00.000Z';
const withdrawnOn = (date: Date): string =>
  de.consent.withdrawnOn.replace('{{date}}', new Intl.DateTimeFormat('de', { dateStyle: 'long' }).format(date));

let storages: Storage[] = [];
beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  for (const s of storages) s.close();
  storages = [];
});

async function tabletWithCase(): Promise<{ storage: Storage; caseNumber: string; db: LotseDatabase }> {
  const { storage, db } = await unlockedTestStorage();
  storages.push(storage);
  const context = { deviceId: await storage.device.deviceId(), now: new Date('2026-12-01T08:00:00Z') };
  const caseNumber = newCaseNumber();
  await storage.records.saveRecord(await newConsentRecord(await consentContent('ar'), caseNumber, context));
  await storage.records.saveRecord(await newHomeContactRecord(homeContactContent(), context, caseNumber));
  return { storage, caseNumber, db };
}

function lookUp(caseNumber: string): void {
  fireEvent.change(screen.getByLabelText(cases.lookup.label), { target: { value: caseNumber } });
  fireEvent.click(screen.getByRole('button', { name: cases.lookup.submit }));
}

/** The server acknowledged everything, and the tablet dropped what it no longer needs. */
async function sendAndDrop(storage: Storage): Promise<void> {
  const items = await storage.records.peekOutbox(500);
  await storage.records.applyPushResults(
    items,
    items.map((i) => ({
      id: i.record.id,
      revision: i.record.revision,
      outcome: 'accepted' as const,
      status: 200,
      receivedAt: SERVER_TIME,
    })),
    SERVER_TIME,
  );
  await storage.records.dropSentContent(0, new Date('2026-12-04T12:00:00Z'));
}

describe('consent withdrawal wording', () => {
  it('says what is deleted and what stays before confirming, with a single way back that changes nothing', async () => {
    const { storage, caseNumber } = await tabletWithCase();
    const done: number[] = [];
    renderWithServices(
      storage,
      <WithdrawConsentFlow
        onDone={() => {
          done.push(1);
        }}
      />,
    );
    lookUp(caseNumber);
    const consequences = await screen.findByTestId('withdraw-consequences');
    const text = consequences.textContent;
    expect(text).toContain(caseNumber);
    for (const line of [
      de.consent.withdrawDeletedTablet,
      de.consent.withdrawDeletedServer,
      de.consent.withdrawDeletedOtherTablets,
      de.consent.withdrawDeletedReports,
      de.consent.withdrawKept,
    ])
      expect(text).toContain(line);
    // Exactly two buttons besides the case number input's own: withdraw, or cancel. No second "back".
    expect(screen.getAllByRole('button', { name: de.consent.cancel })).toHaveLength(1);
    expect(screen.queryByRole('button', { name: de.app.back })).toBeNull();
    expect(screen.getByRole('button', { name: de.consent.withdrawNow })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: de.consent.cancel }));
    expect(done).toHaveLength(1);
    expect(await storage.records.consentFor(caseNumber)).toBeDefined(); // nothing was deleted
    expect(await storage.records.withdrawnAt(caseNumber)).toBeUndefined();
  });

  it('after the withdrawal, "Fall suchen" says when consent was withdrawn, even once the withdrawal left the tablet', async () => {
    const { storage, caseNumber, db } = await tabletWithCase();
    const otherCase = newCaseNumber();
    renderWithServices(storage, <WithdrawConsentFlow onDone={() => undefined} />);
    lookUp(caseNumber);
    fireEvent.click(await screen.findByRole('button', { name: de.consent.withdrawNow }));
    await screen.findByTestId('withdrawal-confirmation');
    const withdrawnAt = await storage.records.withdrawnAt(caseNumber);
    expect(withdrawnAt).toBeDefined();
    cleanup();

    const findCase = async (number: string): Promise<void> => {
      renderWithServices(storage, <FindCaseScreen onDone={() => undefined} onWithdraw={() => undefined} />);
      lookUp(number);
      await screen.findByTestId('case-view');
    };
    await findCase(caseNumber);
    const marker = await screen.findByTestId('case-withdrawn');
    expect(marker.textContent).toContain(withdrawnOn(new Date(withdrawnAt ?? '')));
    expect(screen.queryByText(de.consent.nothingForCase)).toBeNull();
    // Nothing left to withdraw: the button is not offered for this case.
    expect(screen.queryByRole('button', { name: de.consent.withdraw })).toBeNull();
    cleanup();

    // Sent, and the withdrawal's content dropped from the tablet: the date is still known.
    await sendAndDrop(storage);
    const rows = await db.records.toArray();
    expect(rows.map((row) => row.kind)).toEqual(['consentWithdrawal']); // the case's entries are gone
    expect(rows[0]?.sealed).toBeUndefined(); // so is the withdrawal's content; its sealed stub stays
    expect(JSON.stringify(rows)).not.toContain(caseNumber); // the marker holds the number only sealed
    await findCase(caseNumber);
    expect((await screen.findByTestId('case-withdrawn')).textContent).toContain(withdrawnOn(new Date(withdrawnAt ?? '')));
    cleanup();

    // A case never withdrawn here is not marked.
    await findCase(otherCase);
    await waitFor(() => {
      expect(screen.getByText(de.consent.nothingForCase)).toBeTruthy();
    });
    expect(screen.queryByTestId('case-withdrawn')).toBeNull();
    expect(screen.getByRole('button', { name: de.consent.withdraw })).toBeTruthy();
    cleanup();

    // Withdrawing the same case again says so instead of offering the red button.
    renderWithServices(storage, <WithdrawConsentFlow onDone={() => undefined} />);
    lookUp(caseNumber);
    expect((await screen.findByTestId('case-withdrawn')).textContent).toContain(withdrawnOn(new Date(withdrawnAt ?? '')));
    expect(screen.queryByRole('button', { name: de.consent.withdrawNow })).toBeNull();
  });
});
