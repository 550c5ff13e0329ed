// @vitest-environment jsdom
// The tablet's referral flow over a real (fake-indexeddb) tablet database:
// referral is offered only from an approved (or not-to-be-approved) screening
// or welcome visit of a case whose consent covers referral; choosing offers
// saves a referral record naming only the offers, source, language and the
// shared note; the slip shows the offers' contacts and the case number in the
// family's language.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ReferralFlow } from '@client/features/referral/ReferralFlow';
import { ReferralSources } from '@client/features/referral/ReferralSources';
import { initI18n } from '@client/i18n';
import type { StoredRecord } from '@client/storage';
import { generateCaseNumber } from '@domain/case-number';
import { newConsentRecord } from '@domain/record-envelope';
import { CONSENT_TEXT_VERSION, consentTextHash } from '@shared/consent-texts';
import type { ConsentScope } from '@shared/records/consent';
import { uuidv7 } from '@shared/ids';
import { DEMO_OFFERS } from '@server/db/demo-offers';
import { testUser, unlockedTestStorage } from '../../../../fixtures/client-db';
import { pullReferralStates } from '@client/sync/referral-states';
import { ReferralSummary } from '@client/features/referral/ReferralSummary';
import { renderWithServices } from '../../../../fixtures/render-with-services';
import de from '../../../../../locales/de/referral.json';
import casesDe from '../../../../../locales/de/cases.json';
import arFamily from '../../../../../locales/ar/family.json';
import type { CallbackKeys } from '@shared/handover-api';
import { createHandoverKey, openHandover } from '@shared/crypto/handover-box';

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function consentedCase(scopes: ConsentScope[], callbackKeys: CallbackKeys = []) {
  const { storage, db } = await unlockedTestStorage();
  const caseNumber = generateCaseNumber();
  const context = { deviceId: await storage.device.deviceId(), now: new Date() };
  await storage.records.saveRecord(
    await newConsentRecord(
      {
        scopes,
        setting: 'welcomeVisit',
        language: 'ar',
        textVersion: CONSENT_TEXT_VERSION,
        textHash: await consentTextHash('ar'),
        mediatorPresent: false,
        givenAt: context.now.toISOString(),
      },
      caseNumber,
      context,
    ),
  );
  await storage.device.saveOffers({ serverTime: new Date().toISOString(), version: 'v1', offers: DEMO_OFFERS.slice(0, 3), callbackKeys });
  return { storage, db, caseNumber };
}

function visit(reviewState: StoredRecord['reviewState'] = 'notRequired'): StoredRecord {
  return {
    id: uuidv7(),
    kind: 'welcomeVisit',
    revision: 1,
    syncState: 'sent',
    ownerId: 'staff-test-1',
    createdAt: '2026-11-20T08:00:00.000Z',
    updatedAt: '2026-11-20T08:00:00.000Z',
    reviewState,
    envelope: {
      id: uuidv7(),
      revision: 1,
      kind: 'welcomeVisit',
      schemaVersion: 1,
      formVersion: '1.0',
      deviceId: uuidv7(),
      createdAt: '2026-11-20T08:00:00.000Z',
      contentHash: '0'.repeat(64),
      caseNumber: 'MO-7KQ3-M9XD-2FTR-AR',
      content: {
        outcome: 'visited',
        visitDate: '2026-11-20',
        weekOfLife: 3,
        firstChild: true,
        topics: [],
        itemsHandedOver: [],
        offersRecommended: [],
        followUpWished: false,
      },
    },
  };
}

const consentRow = (scopes: ConsentScope[]): StoredRecord => ({
  ...visit(),
  kind: 'consent',
  envelope: {
    id: uuidv7(),
    revision: 1,
    kind: 'consent',
    schemaVersion: 1,
    formVersion: '1.0',
    deviceId: uuidv7(),
    createdAt: '2026-11-20T08:00:00.000Z',
    contentHash: '0'.repeat(64),
    caseNumber: 'MO-7KQ3-M9XD-2FTR-AR',
    content: {
      scopes,
      setting: 'welcomeVisit',
      language: 'ar',
      textVersion: '2026-01',
      textHash: '0'.repeat(64),
      mediatorPresent: false,
      givenAt: '2026-11-20T08:00:00.000Z',
    },
  },
});

describe('referral on the tablet', () => {
  it('offers "refer" only from an approved or not-to-be-approved record of a case consenting to referral', () => {
    const refer: string[] = [];
    const approved = visit('approved');
    const open = visit(); // no second check required for it
    const awaiting = visit('awaiting');
    const sentBack = visit('sentBack');
    render(
      <ReferralSources
        records={[consentRow(['documentation', 'referral']), approved, open, awaiting, sentBack]}
        onRefer={(id) => refer.push(id)}
      />,
    );
    const item = (record: StoredRecord) => within(document.querySelector(`[data-record-id="${record.id}"]`) as HTMLElement);
    fireEvent.click(item(approved).getByRole('button', { name: de.tablet.refer }));
    fireEvent.click(item(open).getByRole('button', { name: de.tablet.refer }));
    expect(item(awaiting).queryByRole('button')).toBeNull();
    expect(item(awaiting).getByText(de.tablet.blocked.notApproved)).toBeTruthy();
    expect(item(sentBack).queryByRole('button')).toBeNull();
    expect(refer).toEqual([approved.id, open.id]);
    cleanup();
    render(<ReferralSources records={[consentRow(['documentation']), approved]} onRefer={(id) => refer.push(id)} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText(de.tablet.blocked.noReferralConsent)).toBeTruthy();
  });

  it('saves a referral record naming only offers, source, language and shared note, and shows the slip in the family language', async () => {
    const { storage, caseNumber } = await consentedCase(['documentation', 'referral']);
    const sourceRecordId = uuidv7();
    const done: number[] = [];
    const { triggers } = renderWithServices(
      storage,
      <ReferralFlow caseNumber={caseNumber} sourceRecordId={sourceRecordId} onDone={() => done.push(1)} />,
    );
    const [first, second] = DEMO_OFFERS;
    // Nothing chosen: refused with a message, nothing stored.
    await screen.findByRole('checkbox', { name: new RegExp(first?.name ?? '') });
    fireEvent.click(screen.getByRole('button', { name: de.tablet.save }));
    expect(await screen.findByText(de.tablet.problems.noOffer)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: new RegExp(first?.name ?? '') }));
    fireEvent.click(screen.getByRole('checkbox', { name: new RegExp(second?.name ?? '') }));
    // The shared note reaches the partner: a name or number typed there gets the same hint as every note.
    fireEvent.change(screen.getByLabelText(de.tablet.note), { target: { value: 'Bitte Frau Müller anrufen: 0171 2345678' } });
    expect(await screen.findByText(casesDe.personalData.title)).toBeTruthy();
    fireEvent.change(screen.getByLabelText(de.tablet.note), { target: { value: '  Nachmittags erreichbar  ' } });
    await waitFor(() => {
      expect(screen.queryByText(casesDe.personalData.title)).toBeNull();
    });
    expect(screen.getByLabelText<HTMLSelectElement>(de.tablet.language).value).toBe('ar'); // the consent's language
    fireEvent.click(screen.getByRole('button', { name: de.tablet.save }));

    const slip = await screen.findByTestId('referral-slip');
    const referral = (await storage.records.listRecords()).find((row) => row.kind === 'referral')?.envelope;
    expect(referral?.kind).toBe('referral');
    expect(referral?.caseNumber).toBe(caseNumber);
    expect(referral?.content).toEqual({
      sourceRecordId,
      offerIds: [first?.id, second?.id],
      language: 'ar',
      slipHandedOver: true,
      sharedNote: 'Nachmittags erreichbar',
    });
    expect(triggers.length).toBeGreaterThan(0);

    // The slip: right to left, in Arabic once loaded, with both offers' contacts and the case number.
    expect(slip.getAttribute('lang')).toBe('ar');
    expect(slip.getAttribute('dir')).toBe('rtl');
    await waitFor(() => {
      expect(slip.textContent).toContain(arFamily.slip.title);
    });
    expect(within(slip).getByTestId('referral-slip-case-number').textContent).toBe(caseNumber);
    for (const offer of [first, second]) {
      expect(slip.textContent).toContain(offer?.name);
      expect(slip.textContent).toContain(offer?.phone);
    }
    // Each offer has its own slip code, drawn here and sent beside the content (never in it): the one on
    // the slip, as text and as a QR code beside it.
    const slipCodes = referral?.kind === 'referral' ? (referral.slipCodes ?? []) : [];
    expect(slipCodes.map((entry) => entry.offerId)).toEqual([first?.id, second?.id]);
    expect(new Set(slipCodes.map((entry) => entry.code)).size).toBe(2);
    expect(JSON.stringify(referral?.content)).not.toContain(slipCodes[0]?.code ?? '-');
    const shownCodes = within(slip)
      .getAllByTestId('referral-slip-code')
      .map((node) => node.textContent);
    expect(shownCodes).toEqual(slipCodes.map((entry) => entry.code));
    expect(within(slip).getAllByRole('img', { name: arFamily.slip.confirmCodeQr })).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: de.tablet.done }));
    expect(done).toEqual([1]);
  });

  it('refuses to save a referral when the consent does not cover referral (the record store checks too)', async () => {
    const { storage, caseNumber } = await consentedCase(['documentation']);
    renderWithServices(storage, <ReferralFlow caseNumber={caseNumber} sourceRecordId={uuidv7()} onDone={() => undefined} />);
    fireEvent.click(await screen.findByRole('checkbox', { name: new RegExp(DEMO_OFFERS[0]?.name ?? '') }));
    fireEvent.click(screen.getByRole('button', { name: de.tablet.save }));
    expect(await screen.findByText(de.tablet.problems.saveFailed)).toBeTruthy();
    expect((await storage.records.listRecords()).filter((row) => row.kind === 'referral')).toEqual([]);
  });

  it('pulls the states of its referrals, keeps them sealed, shows them per offer, and keeps them when a pull fails', async () => {
    const { storage, db, caseNumber } = await consentedCase(['documentation', 'referral']);
    await storage.device.saveSession({
      token: 'access-token',
      expiresAt: '2099-01-01T00:00:00.000Z',
      refreshToken: 'refresh-token',
      refreshExpiresAt: '2099-01-01T00:00:00.000Z',
      user: testUser(),
    });
    vi.stubGlobal('navigator', { onLine: true, languages: ['de'] });
    const recordId = uuidv7();
    const [offer] = DEMO_OFFERS;
    const states = {
      serverTime: new Date().toISOString(),
      referrals: [
        { id: uuidv7(), recordId, caseNumber, offerId: offer?.id ?? '', state: 'contacted', stateChangedAt: new Date().toISOString() },
      ],
    };
    const json = (status: number, body: unknown): Response =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const fetchMock = vi.fn((url: string) => Promise.resolve(url === '/api/sync/referrals' ? json(200, states) : json(404, {})));
    vi.stubGlobal('fetch', fetchMock);
    await pullReferralStates(storage);
    expect(fetchMock).toHaveBeenCalledWith('/api/sync/referrals', expect.objectContaining({ method: 'GET' }));
    expect(await storage.device.referralStates()).toEqual(states.referrals);
    // Sealed: the stored value does not show the case number.
    expect(JSON.stringify(await db.meta.get('referralStates'))).not.toContain(caseNumber);

    renderWithServices(
      storage,
      <ReferralSummary
        recordId={recordId}
        caseNumber={caseNumber}
        content={{ sourceRecordId: uuidv7(), offerIds: [offer?.id ?? ''], language: 'ar', slipHandedOver: true }}
      />,
    );
    expect(await screen.findByText(`${offer?.name ?? ''}: ${de.states.contacted}`)).toBeTruthy();

    // A refused or failed pull keeps the last states.
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(json(403, { error: { reason: 'forbidden', message: 'tablet only' } }))),
    );
    await pullReferralStates(storage);
    expect(await storage.device.referralStates()).toEqual(states.referrals);
  });

  it('seals a call-back number at once to the partner’s keys only with the family’s consent, and drops the boxes once sent', async () => {
    const [first, second] = DEMO_OFFERS;
    const partner = await createHandoverKey('partner-passphrase-2026');
    const keyId = uuidv7();
    const { storage, caseNumber } = await consentedCase(
      ['documentation', 'referral'],
      [{ offerId: first?.id ?? '', keys: [{ keyId, publicKey: partner.publicKey }] }],
    );
    renderWithServices(storage, <ReferralFlow caseNumber={caseNumber} sourceRecordId={uuidv7()} onDone={() => undefined} />);
    // An offer whose partner has no key: no call-back, and the section says why.
    fireEvent.click(await screen.findByRole('checkbox', { name: new RegExp(second?.name ?? '') }));
    expect(screen.getByText(de.tablet.callback.unavailable)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: new RegExp(first?.name ?? '') }));
    // No number field until the family's explicit consent is ticked.
    expect(screen.queryByRole('textbox', { name: /Telefonnummer/ })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: de.tablet.callback.consent }));
    const phone = screen.getByLabelText(/Telefonnummer für den Rückruf/);
    fireEvent.change(phone, { target: { value: 'Frau Y. 0151' } });
    fireEvent.click(screen.getByRole('button', { name: de.tablet.save }));
    expect(await screen.findByText(de.tablet.problems.invalidPhone)).toBeTruthy();
    expect((await storage.records.listRecords()).filter((row) => row.kind === 'referral')).toEqual([]);

    fireEvent.change(phone, { target: { value: '0151 2345 6789' } });
    fireEvent.click(screen.getByRole('button', { name: de.tablet.save }));
    expect(await screen.findByTestId('callback-saved')).toBeTruthy();
    const row = (await storage.records.listRecords()).find((r) => r.kind === 'referral');
    const referral = row?.envelope;
    if (referral?.kind !== 'referral' || referral.warmHandover === undefined) throw new Error('a referral with a call-back expected');
    // The content names only the consented offer; the number is in no field, only in the box for the partner.
    expect(referral.content.callbackOfferId).toBe(first?.id);
    expect(JSON.stringify(referral)).not.toMatch(/2345|6789/);
    const [box] = referral.warmHandover.boxes;
    if (!box) throw new Error('one box expected');
    expect(await openHandover(partner.privateKey, box, { recordId: referral.id, offerId: first?.id ?? '' })).toEqual({
      phone: '0151 2345 6789',
    });

    // The record list says a call-back was asked for, and from whom — never the number.
    cleanup();
    renderWithServices(storage, <ReferralSummary recordId={referral.id} caseNumber={caseNumber} content={referral.content} />);
    const callbackLine = await screen.findByTestId('referral-callback');
    await waitFor(() => {
      expect(callbackLine.textContent).toBe(de.tablet.callback.requestedFrom.replace('{{offer}}', first?.name ?? ''));
    });

    // Once the server answered, the boxes leave the tablet too.
    const queued = await storage.records.peekOutbox(10);
    const item = queued.find((q) => q.record.id === referral.id);
    if (!item) throw new Error('the referral should be queued');
    await storage.records.applyPushResults(
      [item],
      [{ id: referral.id, revision: 1, outcome: 'accepted', status: 200, receivedAt: new Date().toISOString() }],
      new Date().toISOString(),
    );
    const after = (await storage.records.listRecords()).find((r) => r.id === row?.id)?.envelope;
    expect(after?.kind).toBe('referral');
    expect(after && 'warmHandover' in after).toBe(false);
  });

  it('shows each offer’s free places offline with their age, warns when full or older than 30 days, and still refers', async () => {
    const { storage, caseNumber } = await consentedCase(['documentation', 'referral']);
    const [first, second, third] = DEMO_OFFERS;
    const day = 24 * 3_600_000;
    const now = Date.parse('2026-11-20T10:00:00Z');
    const at = (daysAgo: number) => new Date(now - daysAgo * day - 3_600_000).toISOString();
    if (!first || !second || !third) throw new Error('demo offers missing');
    await storage.device.saveOffers({
      serverTime: new Date(now).toISOString(),
      version: 'v2',
      offers: [
        { ...first, capacity: { status: 'places', places: 3, setAt: at(5) } },
        { ...second, capacity: { status: 'full', setAt: at(2) } },
        { ...third, capacity: { status: 'waitingList', setAt: at(31) } },
      ],
      callbackKeys: [],
    });
    // Only Date is faked: IndexedDB and React keep their timers. The tablet is offline — no fetch at all.
    vi.useFakeTimers({ toFake: ['Date'], now });
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    try {
      renderWithServices(storage, <ReferralFlow caseNumber={caseNumber} sourceRecordId={uuidv7()} onDone={() => undefined} />);
      const label = (offerName: string) => screen.getByRole('checkbox', { name: new RegExp(offerName) }).closest('label');
      await screen.findByRole('checkbox', { name: new RegExp(first.name) });
      const open = label(first.name);
      expect(open?.textContent).toContain('3 freie Plätze · Stand vor 5 Tagen');
      expect(within(open as HTMLElement).queryByTestId('offer-capacity-full')).toBeNull();
      expect(within(open as HTMLElement).queryByTestId('offer-capacity-stale')).toBeNull();
      const full = label(second.name);
      expect(full?.textContent).toContain('Ausgebucht · Stand vor 2 Tagen');
      expect(within(full as HTMLElement).getByTestId('offer-capacity-full').textContent).toBe(de.capacity.warnings.full);
      const stale = label(third.name);
      expect(stale?.textContent).toContain('Warteliste · Stand vor 31 Tagen');
      expect(within(stale as HTMLElement).getByTestId('offer-capacity-stale').textContent).toBe(de.capacity.warnings.stale);

      // The family's choice: the full offer and the waiting list can still be chosen and saved.
      fireEvent.click(screen.getByRole('checkbox', { name: new RegExp(second.name) }));
      fireEvent.click(screen.getByRole('checkbox', { name: new RegExp(third.name) }));
      fireEvent.click(screen.getByRole('button', { name: de.tablet.save }));
      const slip = await screen.findByTestId('referral-slip');
      const referral = (await storage.records.listRecords()).find((row) => row.kind === 'referral')?.envelope;
      expect(referral?.kind === 'referral' ? referral.content.offerIds : []).toEqual([second.id, third.id]);

      // The slip, in the family's Arabic, says "waiting list" for that offer only.
      await waitFor(() => {
        expect(slip.textContent).toContain(arFamily.slip.title);
      });
      const lines = within(slip).getAllByTestId('referral-slip-waiting-list');
      expect(lines).toHaveLength(1);
      expect(lines[0]?.textContent).toContain(arFamily.slip.waitingList);
      expect(lines[0]?.closest('section')?.getAttribute('data-offer-id')).toBe(third.id);
      expect(fetchMock).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
