// @vitest-environment jsdom
// Corrections and drafts in the tablet UI: the record list offers "Correct"
// only for the person's own records with content (never a consent), lists
// unfinished drafts with "Continue"; the workflow form opens prefilled, saves
// revision 2, keeps a draft per record, and cancelling drops only that draft.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HomeContactForm } from '@client/features/home-contact/HomeContactForm';
import { WORKFLOWS } from '@client/features/workflows/registry';

const HOME_CONTACT_DRAFT_ID = WORKFLOWS.homeContact.newDraftId;
import { MediationForm } from '@client/features/mediation/MediationForm';
import { RecordList } from '@client/features/records/RecordList';
import { WorkNavigationContext, type WorkNavigation } from '@client/app/WorkNavigation';
import { correctionDraftId } from '@client/features/records/work-items';
import { initI18n } from '@client/i18n';
import {
  newConsentRecord,
  newConsentRefusalRecord,
  newHomeContactRecord,
  newMediationRecord,
  newWelcomeVisitRecord,
} from '@domain/record-envelope';
import { WelcomeVisitForm } from '@client/features/welcome-visit/WelcomeVisitForm';
import { generateCaseNumber } from '@domain/case-number';
import { CONSENT_TEXT_VERSION, consentTextHash } from '@shared/consent-texts';
import wv from '../../../../locales/de/welcome-visit.json';
import { TEST_PASSPHRASE, testUser, unlockedTestStorage } from '../../../fixtures/client-db';
import { TEST_DEVICE_ID, homeContactContent, homeContactRecord } from '../../../fixtures/home-contacts';
import { renderWithServices, testDeviceConfig } from '../../../fixtures/render-with-services';
import hc from '../../../../locales/de/home-contact.json';
import med from '../../../../locales/de/mediation.json';
import rec from '../../../../locales/de/records.json';

const SITES = [
  { id: 'kita-sonnenblume', label: 'Kita Sonnenblume' },
  { id: 'familienzentrum-nord', label: 'Familienzentrum Nord' },
];
const context = { deviceId: TEST_DEVICE_ID, now: new Date('2026-11-20T08:15:00Z') };

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

function recordingNavigation(): WorkNavigation & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    openCorrection: (id) => {
      calls.push(`correct:${id}`);
      return Promise.resolve(true);
    },
    continueDraft: (draftId) => {
      calls.push(`continue:${draftId}`);
      return Promise.resolve(true);
    },
    newConsent: (workflow) => {
      calls.push(`consent:${workflow}`);
    },
    openReferral: (caseNumber, sourceRecordId) => {
      calls.push(`refer:${caseNumber}:${sourceRecordId}`);
    },
    openCase: (caseNumber) => {
      calls.push(`case:${caseNumber}`);
    },
  };
}

describe('record list', () => {
  it('shows the case a HOME contact was linked to, and none for an anonymous one', async () => {
    const { storage } = await unlockedTestStorage();
    const caseNumber = generateCaseNumber();
    await storage.records.saveRecord(
      await newConsentRecord(
        {
          scopes: ['documentation'],
          setting: 'homeContact',
          language: 'de',
          textVersion: CONSENT_TEXT_VERSION,
          textHash: await consentTextHash('de'),
          mediatorPresent: false,
          givenAt: context.now.toISOString(),
        },
        caseNumber,
        context,
      ),
    );
    const linked = await newHomeContactRecord(homeContactContent(), context, caseNumber);
    const anonymous = await homeContactRecord();
    await storage.records.saveRecord(linked);
    await storage.records.saveRecord(anonymous);
    renderWithServices(storage, <RecordList />);
    const list = await screen.findByTestId('record-list');
    const item = (id: string) => list.querySelector(`[data-record-id="${id}"]`);
    await waitFor(() => {
      expect(item(linked.id)?.textContent).toContain(caseNumber);
    });
    expect(item(anonymous.id)?.textContent).not.toContain(rec.kinds.consent);
    expect(item(anonymous.id)?.textContent).not.toMatch(/Fallnummer/);
  });

  it("offers Correct for own records with content, not for consent kinds or other people's records", async () => {
    const { storage, escrowKey } = await unlockedTestStorage();
    const own = await homeContactRecord();
    await storage.records.saveRecord(own);
    await storage.records.saveRecord(await newConsentRefusalRecord({ setting: 'homeContact', date: '2026-11-20' }, context));
    storage.vault.lock();
    await storage.vault.createSlot(testUser({ id: 'staff-test-2', displayName: 'Zweite' }), TEST_PASSPHRASE, escrowKey);
    const theirs = await homeContactRecord({ topics: ['money'] });
    await storage.records.saveRecord(theirs);

    const navigation = recordingNavigation();
    renderWithServices(
      storage,
      <WorkNavigationContext.Provider value={navigation}>
        <RecordList />
      </WorkNavigationContext.Provider>,
    );
    const list = await screen.findByTestId('record-list');
    await waitFor(() => {
      expect(list.querySelectorAll('[data-record-id]')).toHaveLength(3);
    });
    const correctButtons = within(list).getAllByRole('button', { name: rec.actions.correct });
    expect(correctButtons).toHaveLength(1);
    const item = correctButtons[0]?.closest('[data-record-id]');
    expect(item?.getAttribute('data-record-id')).toBe(theirs.id);
    fireEvent.click(correctButtons[0] as HTMLElement);
    expect(navigation.calls).toEqual([`correct:${theirs.id}`]);
  });

  it('lists an unfinished draft as "draft" with Continue', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.drafts.save(HOME_CONTACT_DRAFT_ID, { topics: ['health'] });
    const navigation = recordingNavigation();
    renderWithServices(
      storage,
      <WorkNavigationContext.Provider value={navigation}>
        <RecordList />
      </WorkNavigationContext.Provider>,
    );
    const draft = await screen.findByText(rec.draft.new.replace('{{form}}', rec.forms.homeContact));
    const item = draft.closest('li');
    expect(item?.getAttribute('data-sync-state')).toBe('draft');
    fireEvent.click(within(item as HTMLElement).getByRole('button', { name: rec.actions.continue }));
    expect(navigation.calls).toEqual([`continue:${HOME_CONTACT_DRAFT_ID}`]);
  });
});

describe('correcting in the workflow form', () => {
  it('opens a HOME contact prefilled and saves revision 2 under the same id', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveConfig(testDeviceConfig({ homeSites: SITES }));
    const first = await homeContactRecord({ site: 'familienzentrum-nord', topics: ['childcare'] });
    await storage.records.saveRecord(first);
    const done: number[] = [];
    renderWithServices(
      storage,
      <HomeContactForm
        correction={first}
        onDone={() => {
          done.push(1);
        }}
      />,
    );
    expect(await screen.findByTestId('correction-notice')).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Familienzentrum Nord' }).checked).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: hc.topics.childcare }).checked).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: hc.topics.health }));
    fireEvent.click(screen.getByRole('button', { name: hc.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const row = await storage.records.getRecord(first.id);
    expect(row).toMatchObject({ revision: 2, syncState: 'pending' });
    expect(row?.envelope?.content).toMatchObject({ topics: ['childcare', 'health'], site: 'familienzentrum-nord' });
    expect(await storage.records.countOutbox()).toBe(1);
  });

  it('keeps a draft per corrected record; cancelling drops only that draft', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveConfig(testDeviceConfig({ homeSites: SITES }));
    const first = await homeContactRecord({ site: 'kita-sonnenblume' });
    await storage.records.saveRecord(first);
    await storage.drafts.save(HOME_CONTACT_DRAFT_ID, { topics: ['housing'] });
    renderWithServices(storage, <HomeContactForm correction={first} onDone={() => undefined} />);
    fireEvent.click(await screen.findByRole('checkbox', { name: hc.topics.money }));
    await waitFor(async () => {
      expect(await storage.drafts.load(correctionDraftId(first))).toMatchObject({ topics: ['childcare', 'money'] });
    });
    cleanup();

    const done: number[] = [];
    renderWithServices(
      storage,
      <HomeContactForm
        correction={first}
        onDone={() => {
          done.push(1);
        }}
      />,
    );
    expect(await screen.findByText(hc.draftRestored)).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: hc.topics.money }).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: hc.cancel }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    expect(await storage.drafts.load(correctionDraftId(first))).toBeUndefined();
    expect(await storage.drafts.load(HOME_CONTACT_DRAFT_ID)).toEqual({ topics: ['housing'] });
    expect((await storage.records.getRecord(first.id))?.revision).toBe(1);
  });

  it('corrects a mediation deployment log', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveConfig(testDeviceConfig({ homeSites: SITES }));
    const first = await newMediationRecord(
      { site: 'kita-sonnenblume', date: '2026-11-20', languages: ['ar'], with: 'parents', topics: ['conflict'], followUpNeeded: false },
      context,
    );
    await storage.records.saveRecord(first);
    const done: number[] = [];
    renderWithServices(
      storage,
      <MediationForm
        correction={first}
        onDone={() => {
          done.push(1);
        }}
      />,
    );
    expect(await screen.findByTestId('correction-notice')).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: med.topics.conflict }).checked).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: med.yes }));
    fireEvent.click(screen.getByRole('button', { name: med.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const row = await storage.records.getRecord(first.id);
    expect(row).toMatchObject({ revision: 2 });
    expect(row?.envelope?.content).toMatchObject({ followUpNeeded: true, languages: ['ar'] });
  });

  it('corrects a welcome visit for its case, with the outcome and case fixed', async () => {
    const { storage } = await unlockedTestStorage();
    const caseNumber = generateCaseNumber();
    await storage.records.saveRecord(
      await newConsentRecord(
        {
          scopes: ['documentation'],
          setting: 'welcomeVisit',
          language: 'de',
          textVersion: CONSENT_TEXT_VERSION,
          textHash: await consentTextHash('de'),
          mediatorPresent: false,
          givenAt: context.now.toISOString(),
        },
        caseNumber,
        context,
      ),
    );
    const first = await newWelcomeVisitRecord(
      {
        outcome: 'visited',
        visitDate: '2026-11-20',
        weekOfLife: 3,
        firstChild: true,
        topics: ['feeding'],
        itemsHandedOver: [],
        offersRecommended: [],
        followUpWished: false,
      },
      caseNumber,
      context,
    );
    await storage.records.saveRecord(first);
    const done: number[] = [];
    renderWithServices(
      storage,
      <WelcomeVisitForm
        correction={first}
        onDone={() => {
          done.push(1);
        }}
      />,
    );
    expect(await screen.findByTestId('correction-notice')).toBeTruthy();
    expect(screen.queryByRole('radio', { name: wv.outcome.nobodyHome })).toBeNull();
    expect(screen.getByLabelText<HTMLInputElement>(wv.fields.caseNumber).value).toBe(caseNumber);
    expect(screen.getByLabelText<HTMLInputElement>(wv.fields.weekOfLife).value).toBe('3');
    fireEvent.change(screen.getByLabelText(wv.fields.weekOfLife), { target: { value: '4' } });
    fireEvent.click(screen.getByRole('button', { name: wv.save }));
    await waitFor(() => {
      expect(done).toHaveLength(1);
    });
    const row = await storage.records.getRecord(first.id);
    expect(row).toMatchObject({ revision: 2, kind: 'welcomeVisit' });
    expect(row?.envelope).toMatchObject({ caseNumber, content: { weekOfLife: 4, topics: ['feeding'] } });
  });
});
