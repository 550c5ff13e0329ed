// @vitest-environment jsdom
// What the second checker reads before signing a screening (same tablet and
// approver queue alike): the answers in questionnaire order, section by
// section — whatever order the stored JSON has — each scoring answer with its
// points adding up to the score, the acute-danger rule, the thresholds, the
// override with its reason, offer names instead of ids; a stored score that
// the answers do not give is flagged, and a definition this tablet lacks is
// said, not guessed.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { RecordDetail } from '@client/features/approval/RecordDetail';
import { initI18n } from '@client/i18n';
import { generateCaseNumber } from '@domain/case-number';
import { explainScore, loadQuestionnaire } from '@domain/questionnaire';
import { contentHash } from '@shared/content-hash';
import type { Offer } from '@shared/offers';
import type { ScreeningContent } from '@shared/records/screening';
import type { SyncRecord } from '@shared/records/sync-record';
import { uuidv7 } from '@shared/ids';
import definitionJson from '@domain/default-screening.json';
import { unlockedTestStorage } from '../../../../fixtures/client-db';
import { renderWithServices } from '../../../../fixtures/render-with-services';
import approval from '../../../../../locales/de/approval.json';
import screeningTexts from '../../../../../locales/de/screening.json';

const loaded = loadQuestionnaire(definitionJson);
if (!loaded.ok) throw new Error('default definition does not load');
const definition = loaded.definition;

/** Stored answers in an order unlike the questionnaire's (as PostgreSQL's jsonb returns them). */
const ANSWERS: ScreeningContent['answers'] = {
  languages: ['de'],
  moodScale: 3,
  safetyAtHome: 'threatened',
  feeding: 'someQuestions',
  preterm: false,
  careAtHome: 'secured',
};

const OFFER: Offer = {
  id: 'elterncafe-hafen',
  name: 'Elterncafé am Hafen',
  organisation: 'Familienzentrum Hafen',
  type: 'familienhebamme',
  agePhases: ['baby'],
  fields: ['education'],
  districts: [],
  languages: ['de'],
  cost: '',
  address: '',
  phone: '',
  hours: '',
  whatToBring: '',
};

async function screeningRecord(overrides: Partial<ScreeningContent> = {}): Promise<SyncRecord> {
  const evaluation = explainScore(definition, ANSWERS);
  const content: ScreeningContent = {
    definitionId: definition.id,
    definitionVersion: definition.version,
    definitionHash: await contentHash(definition),
    answers: ANSWERS,
    score: evaluation.score,
    supportNeed: evaluation.supportNeed,
    override: { supportNeed: 'offerRecommended', reason: 'Bedrohung war ein Missverständnis, geklärt mit ASD' },
    acuteDanger: evaluation.acuteDanger,
    suggestedOffers: ['elterncafe-hafen'],
    ...overrides,
  };
  return {
    id: uuidv7(),
    revision: 1,
    kind: 'screening',
    schemaVersion: 1,
    formVersion: '1.0',
    deviceId: uuidv7(),
    createdAt: '2026-12-02T09:00:00.000+01:00',
    caseNumber: generateCaseNumber(),
    contentHash: await contentHash(content),
    content,
  };
}

async function show(record: SyncRecord): Promise<HTMLElement> {
  const { storage } = await unlockedTestStorage();
  await storage.device.saveOffers({ serverTime: '2026-11-20T08:00:00.000Z', version: 'v1', offers: [OFFER], callbackKeys: [] });
  renderWithServices(storage, <RecordDetail record={record} authorName="Hebamme (Demo)" />);
  await screen.findByRole('heading', { name: approval.detail.answers });
  return screen.getByTestId('record-detail');
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(cleanup);

describe('RecordDetail of a screening', () => {
  it('lists the answers in questionnaire order under their section titles', async () => {
    const detail = await show(await screeningRecord());
    const answers = within(detail).getByTestId('detail-answers');
    const sections = [...answers.querySelectorAll('[data-section]')].map((s) => s.getAttribute('data-section'));
    const expectedSections = definition.sections.filter((s) => s.questions.some((q) => q.id in ANSWERS)).map((s) => s.id);
    expect(sections).toEqual(expectedSections);
    const order = definition.sections.flatMap((s) => s.questions.filter((q) => q.id in ANSWERS).map((q) => q.label.de));
    expect([...answers.querySelectorAll('dt')].map((dt) => dt.textContent)).toEqual(order);
    const firstTitle = definition.sections.find((s) => s.id === expectedSections[0])?.title.de ?? '';
    expect(within(answers).getByRole('heading', { name: firstTitle })).toBeTruthy();
  });

  it('shows each scoring answer with its points, the sum, the danger rule, the thresholds and the override', async () => {
    const detail = await show(await screeningRecord());
    const table = within(detail).getByTestId('score-points');
    const rows = [...table.querySelectorAll('tbody tr')].map((row) => [row.getAttribute('data-question'), row.getAttribute('data-points')]);
    // feeding "some questions" 1, mood 3 of 5 = 2 steps × 1, "threatened" 10 (acute danger).
    expect(rows).toEqual([
      ['feeding', '1'],
      ['moodScale', '2'],
      ['safetyAtHome', '10'],
    ]);
    expect(within(detail).getByTestId('score-total').textContent).toBe('13');
    expect(within(detail).getByTestId('score-danger-rules').textContent).toContain('Nein – jemand im Haushalt bedroht');
    expect(within(detail).getByTestId('score-reason').textContent).toContain(screeningTexts.supportNeed.urgent);
    expect(detail.textContent).toContain(`${screeningTexts.supportNeed.urgent}: ab 14 Punkten`);
    const override = within(detail).getByTestId('score-override');
    expect(override.textContent).toContain(screeningTexts.supportNeed.offerRecommended);
    expect(override.textContent).toContain('Bedrohung war ein Missverständnis');
    expect(within(detail).queryByTestId('detail-score-differs')).toBeNull();
  });

  it('names the suggested offers instead of their ids', async () => {
    const detail = await show(await screeningRecord());
    const offers = within(detail).getByTestId('detail-offers').textContent;
    expect(offers).toContain('Elterncafé am Hafen (Familienzentrum Hafen)');
    expect(offers).not.toContain('elterncafe-hafen');
  });

  it('flags a stored score the answers do not give', async () => {
    const detail = await show(await screeningRecord({ score: 2, supportNeed: 'informationOnly', acuteDanger: [] }));
    const alert = within(detail).getByTestId('detail-score-differs');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain('Gespeichert sind 2 Punkte');
    expect(alert.textContent).toContain('13 Punkte');
  });

  it('says so when this tablet lacks the definition version, and shows the answers by id', async () => {
    const detail = await show(await screeningRecord({ definitionVersion: '2025.9' }));
    expect(within(detail).getByTestId('detail-definition-unknown').textContent).toContain('2025.9');
    expect(within(detail).queryByTestId('score-explanation')).toBeNull();
    expect(within(detail).getByTestId('detail-answers').textContent).toContain('safetyAtHome');
  });
});

describe('RecordDetail of a welcome visit', () => {
  it('names the recommended catalogue offers instead of their ids', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveOffers({ serverTime: '2026-11-20T08:00:00.000Z', version: 'v1', offers: [OFFER], callbackKeys: [] });
    const content = { offersRecommended: ['elterncafe-hafen'] };
    const record: SyncRecord = {
      id: uuidv7(),
      revision: 1,
      kind: 'welcomeVisit',
      schemaVersion: 2,
      formVersion: '1.0',
      deviceId: uuidv7(),
      createdAt: '2026-12-02T09:00:00.000+01:00',
      caseNumber: generateCaseNumber(),
      contentHash: await contentHash(content),
      content: content as unknown as SyncRecord['content'],
    } as SyncRecord;
    renderWithServices(storage, <RecordDetail record={record} />);
    const detail = await screen.findByTestId('record-detail');
    await within(detail).findByText('Elterncafé am Hafen (Familienzentrum Hafen)');
    expect(detail.textContent).not.toContain('elterncafe-hafen');
  });
});
