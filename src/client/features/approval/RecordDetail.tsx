// What you see is what you sign: every part of the record revision that the
// second person's signature covers — kind, case number, revision and the whole
// content (for a screening: each answer with its question, in questionnaire
// order by section, the score, the support need and any override, signs of
// danger, suggested offers by name) — and the content checksum the signature
// is bound to. A screening also shows how its score came about (the same
// explanation as the evaluation box), recomputed from the stored answers with
// the very definition version they were given under. Free text is shown as text.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncRecord } from '@shared/records/sync-record';
import type { ScreeningContent } from '@shared/records/screening';
import { effectiveSupportNeed, explainScore, type Question, type QuestionnaireDefinition } from '@domain/questionnaire';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { allQuestions, staffTextLanguage, textIn, type StaffTextLanguage } from '../screening/definition';
import { FamilyAnswerNote } from '../screening/FamilyAnswerNote';
import { answerText } from '../screening/answer-text';
import { ScoreExplanation } from '../screening/ScoreExplanation';
import { useScreeningDefinition } from '../screening/useScreeningDefinition';

type Value = unknown;

function useFormat() {
  const { t } = useTranslation('approval');
  return (value: Value): string => {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'boolean') return value ? t('detail.yes') : t('detail.no');
    if (Array.isArray(value))
      return value.length === 0 ? t('detail.none') : value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
    if (typeof value === 'object') return JSON.stringify(value);
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
}

function Row({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  return (
    <div className="record-detail__row" data-testid={testId}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The answers in questionnaire order, section by section; answers the definition does not know follow by id. */
function AnswersBySection({
  definition,
  answers,
  familyAnswers,
  language,
}: {
  definition: QuestionnaireDefinition | undefined;
  answers: ScreeningContent['answers'];
  familyAnswers: ScreeningContent['familyAnswers'];
  language: StaffTextLanguage;
}) {
  const { t } = useTranslation(['approval', 'screening']);
  const words = { yes: t('approval:detail.yes'), no: t('approval:detail.no') };
  const known = new Set(definition ? allQuestions(definition).map((q) => q.id) : []);
  const rest = Object.keys(answers)
    .filter((id) => !known.has(id))
    .sort();
  const rows = (questions: { id: string; question: Question | undefined }[]) =>
    questions.map(({ id, question }) => (
      <Row key={id} term={question ? textIn(question.label, language) : id}>
        {answerText(question, answers[id], language, words)}
        <FamilyAnswerNote mark={familyAnswers?.[id]} question={question} language={language} />
      </Row>
    ));
  return (
    <div data-testid="detail-answers">
      {definition?.sections.map((section) => {
        const answered = section.questions.filter((q) => answers[q.id] !== undefined);
        if (answered.length === 0) return null;
        return (
          <section key={section.id} className="record-detail__section" data-section={section.id}>
            <h4>{textIn(section.title, language)}</h4>
            <dl className="record-detail__list">{rows(answered.map((q) => ({ id: q.id, question: q })))}</dl>
          </section>
        );
      })}
      {rest.length > 0 && <dl className="record-detail__list">{rows(rest.map((id) => ({ id, question: undefined })))}</dl>}
    </div>
  );
}

function ScreeningDetail({ content }: { content: ScreeningContent }) {
  const { t, i18n } = useTranslation(['approval', 'screening']);
  const { storage } = useAppServices();
  const catalog = useStoredValue(storage, (s) => s.device.offers());
  const language = staffTextLanguage(i18n.language);
  const lookup = useScreeningDefinition(content);
  if (lookup.state === 'loading') return <p className="loading">{t('app.loading', { ns: 'common' })}</p>;
  // Labels and points only from the very definition the screening used; otherwise the question ids.
  const definition = lookup.state === 'found' ? lookup.definition : undefined;
  const questions = new Map((definition ? allQuestions(definition) : []).map((q) => [q.id, q]));
  const explanation = definition ? explainScore(definition, content.answers) : undefined;
  // The signed values must be what the rules give for the signed answers; a difference is shown, never hidden.
  const differs =
    explanation !== undefined &&
    (explanation.score !== content.score ||
      explanation.supportNeed !== content.supportNeed ||
      explanation.acuteDanger.join() !== content.acuteDanger.join());
  const offers = new Map((catalog?.offers ?? []).map((offer) => [offer.id, offer]));
  const offerNames = content.suggestedOffers.map((id) => {
    const offer = offers.get(id);
    return offer ? `${offer.name} (${offer.organisation})` : t('approval:detail.unknownOffer', { id });
  });
  const need = effectiveSupportNeed(content);
  return (
    <>
      <h3>{t('approval:detail.answers')}</h3>
      {!definition && (
        <p className="notice" role="status" data-testid="detail-definition-unknown">
          {t('approval:detail.definitionUnknown', { id: content.definitionId, version: content.definitionVersion })}
        </p>
      )}
      <AnswersBySection definition={definition} answers={content.answers} familyAnswers={content.familyAnswers} language={language} />
      <h3>{t('approval:detail.result')}</h3>
      <dl className="record-detail__list">
        <Row term={t('approval:detail.score')}>{content.score}</Row>
        <Row term={t('approval:detail.supportNeed')}>{t(`screening:supportNeed.${content.supportNeed}`)}</Row>
        {content.override && (
          <>
            <Row term={t('approval:detail.override')}>{t(`screening:supportNeed.${content.override.supportNeed}`)}</Row>
            <Row term={t('approval:detail.overrideReason')}>{content.override.reason}</Row>
          </>
        )}
        <Row term={t('approval:detail.applies')} testId="detail-need">
          <strong className={`screening__need--${need}`}>{t(`screening:supportNeed.${need}`)}</strong>
        </Row>
        <Row term={t('approval:detail.acuteDanger')}>
          {content.acuteDanger.length === 0
            ? t('approval:detail.none')
            : content.acuteDanger.map((id) => (questions.get(id) ? textIn(questions.get(id)?.label ?? {}, language) : id)).join(', ')}
        </Row>
        <Row term={t('approval:detail.suggestedOffers')} testId="detail-offers">
          {offerNames.length === 0 ? t('approval:detail.none') : offerNames.join('; ')}
        </Row>
      </dl>
      {differs && (
        <p className="form-error" role="alert" data-testid="detail-score-differs">
          {t('approval:detail.scoreDiffers', {
            stored: content.score,
            storedNeed: t(`screening:supportNeed.${content.supportNeed}`),
            computed: explanation.score,
            computedNeed: t(`screening:supportNeed.${explanation.supportNeed}`),
          })}
        </p>
      )}
      {definition && explanation && (
        <section className="record-detail__explanation" aria-labelledby="record-detail-explanation">
          <h3 id="record-detail-explanation">{t('approval:detail.explanation')}</h3>
          <ScoreExplanation
            definition={definition}
            explanation={explanation}
            answers={content.answers}
            override={content.override}
            language={language}
            headingLevel={4}
          />
        </section>
      )}
    </>
  );
}

/** A welcome visit's recommended offers by name from the tablet's catalogue (an older visit's offer types, or an id no longer in the catalogue, as stored). */
function useOfferNames(): (value: Value) => Value {
  const { storage } = useAppServices();
  const catalog = useStoredValue(storage, (s) => s.device.offers());
  const names = new Map((catalog?.offers ?? []).map((offer) => [offer.id, `${offer.name} (${offer.organisation})`]));
  return (value) =>
    Array.isArray(value) ? (value as unknown[]).map((id) => (typeof id === 'string' ? (names.get(id) ?? id) : id)) : value;
}

function GenericDetail({ content }: { content: Record<string, Value> }) {
  const { t } = useTranslation('approval');
  const format = useFormat();
  const offerNames = useOfferNames();
  return (
    <>
      <h3>{t('detail.content')}</h3>
      <dl className="record-detail__list">
        {Object.entries(content).map(([key, value]) => (
          <div key={key} className="record-detail__row">
            <dt>{key}</dt>
            <dd>{format(key === 'offersRecommended' ? offerNames(value) : value)}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

export function RecordDetail({ record, authorName }: { record: SyncRecord; authorName?: string | undefined }) {
  const { t, i18n } = useTranslation('approval');
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section className="record-detail" aria-labelledby="record-detail-title" data-testid="record-detail">
      <h2 id="record-detail-title">{t('detail.title')}</h2>
      <dl className="record-detail__list">
        <div className="record-detail__row">
          <dt>{t('detail.kind')}</dt>
          <dd>{t(`kinds.${record.kind}`)}</dd>
        </div>
        {record.caseNumber !== null && (
          <div className="record-detail__row">
            <dt>{t('detail.caseNumber')}</dt>
            <dd>
              <bdi dir="ltr" className="case-number-text">
                {record.caseNumber}
              </bdi>
            </dd>
          </div>
        )}
        <div className="record-detail__row">
          <dt>{t('detail.revision')}</dt>
          <dd>{record.revision}</dd>
        </div>
        <div className="record-detail__row">
          <dt>{t('detail.createdAt')}</dt>
          <dd>{time.format(new Date(record.createdAt))}</dd>
        </div>
        {authorName !== undefined && (
          <div className="record-detail__row">
            <dt>{t('detail.author')}</dt>
            <dd>{authorName}</dd>
          </div>
        )}
      </dl>
      {record.kind === 'screening' ? <ScreeningDetail content={record.content} /> : <GenericDetail content={record.content} />}
      <p className="hint">
        {t('detail.fingerprint')}:{' '}
        <bdi dir="ltr" className="mono">
          {record.contentHash.slice(0, 16)}
        </bdi>
      </p>
    </section>
  );
}
