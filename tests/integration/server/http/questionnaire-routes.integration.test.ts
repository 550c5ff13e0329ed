// Municipality-adapted questionnaires on the server: a coordinator's upload
// becomes the municipality's active definition that tablets pull; a broken
// definition is refused with every problem named and nothing changes; a
// version is immutable; fieldworkers cannot upload; another municipality sees nothing.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultScreening from '@domain/default-screening.json';
import { contentHash } from '@shared/content-hash';
import { errorEnvelopeSchema } from '@shared/protocol';
import { activeQuestionnaireResponseSchema, questionnaireSummarySchema } from '@shared/questionnaire-api';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, DEMO_COORDINATOR, bearer, buildTestApp, login, seedDemo, seedOtherMunicipality } from '../../helpers/test-app';

type Definition = typeof defaultScreening;
const adapted = (version: string, title = 'Fragenkatalog Musterstadt'): Definition =>
  ({ ...structuredClone(defaultScreening), id: 'musterstadt', version, title: { de: title } }) as Definition;

describeEachDatabase('questionnaire routes', ({ db }) => {
  let app: FastifyInstance;
  let coordinator: string;
  let fieldworker: string;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    fieldworker = (await login(app)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  const upload = (token: string, body: unknown) =>
    app.inject({ method: 'POST', url: '/api/questionnaires', headers: bearer(token), payload: body as object });
  const pull = async (token: string) =>
    activeQuestionnaireResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/sync/questionnaire', headers: bearer(token) })).json(),
    );

  it('answers null before any upload: tablets use the built-in default', async () => {
    expect(await pull(fieldworker)).toEqual({ questionnaire: null });
  });

  it("activates a coordinator's definition, which every session of the municipality pulls with its hash", async () => {
    const definition = adapted('2026.2');
    const response = await upload(coordinator, definition);
    expect(response.statusCode).toBe(201);
    const summary = questionnaireSummarySchema.parse(response.json());
    expect(summary).toMatchObject({ definitionId: 'musterstadt', version: '2026.2', definitionHash: await contentHash(definition) });
    const pulled = await pull(fieldworker);
    expect(pulled.questionnaire).toMatchObject({ definitionId: 'musterstadt', version: '2026.2', definitionHash: summary.definitionHash });
    expect(await contentHash(pulled.questionnaire?.definition)).toBe(summary.definitionHash);
  });

  it('refuses a broken definition with every problem named, and keeps the active one', async () => {
    const before = await pull(fieldworker);
    const broken = adapted('2026.3');
    const questions = broken.sections[0]?.questions as unknown as Record<string, unknown>[];
    questions.push({ ...questions[0] }); // duplicate question id
    questions.push({ id: 'skipsAhead', type: 'yesNo', label: { de: 'Frage' }, showIf: { question: 'laterQuestion', equals: true } });
    broken.thresholds = { informationOnly: 50, offerRecommended: 10, urgent: 60 };
    const response = await upload(coordinator, broken);
    expect(response.statusCode).toBe(422);
    const messages = (errorEnvelopeSchema.parse(response.json()).error.issues ?? []).map((issue) => issue.message).join('\n');
    expect(messages).toContain('duplicate question id');
    expect(messages).toContain('skip rule refers to "laterQuestion"');
    expect(messages).toContain('thresholds must rise');
    expect(await pull(fieldworker)).toEqual(before);
  });

  it('refuses the same version with other content (409) and takes the identical one again', async () => {
    const definition = adapted('2026.4');
    expect((await upload(coordinator, definition)).statusCode).toBe(201);
    const changed = adapted('2026.4', 'Geänderter Titel');
    const conflict = await upload(coordinator, changed);
    expect(conflict.statusCode).toBe(409);
    expect(errorEnvelopeSchema.parse(conflict.json()).error.reason).toBe('conflict');
    expect((await upload(coordinator, definition)).statusCode).toBe(201);
    expect((await pull(fieldworker)).questionnaire?.version).toBe('2026.4');
  });

  it('lets an admin upload, but not a fieldworker (403), and not without a session (401)', async () => {
    const admin = (await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token;
    expect((await upload(admin, adapted('2026.5'))).statusCode).toBe(201);
    const refused = await upload(fieldworker, adapted('2026.6'));
    expect(refused.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/questionnaires', payload: adapted('2026.7') })).statusCode).toBe(401);
    expect((await pull(fieldworker)).questionnaire?.version).toBe('2026.5');
  });

  describe('another municipality', () => {
    it("neither sees nor replaces this municipality's definition", async () => {
      const other = await seedOtherMunicipality(db());
      const otherToken = (await login(app, other.username, other.password)).token;
      expect(await pull(otherToken)).toEqual({ questionnaire: null });
      expect((await pull(fieldworker)).questionnaire?.version).toBe('2026.5');
    });
  });
});
