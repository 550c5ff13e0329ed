// What you see is what you sign: every part of the record revision that the
// second person's signature covers — kind, case number, revision and the whole
// content (for a screening: each answer with its question, the score, the
// support need and any override, signs of danger, suggested offers) — and
// the content checksum the signature is bound to. Free text is shown as text.
import { useTranslation } from 'react-i18next';
import type { SyncRecord } from '@shared/records/sync-record';
import type { ScreeningContent } from '@shared/records/screening';
import { DEFAULT_SCREENING, allQuestions, staffTextLanguage, textIn } from '../screening/definition';
import type { Question } from '@domain/questionnaire';

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

function answerText(question: Question | undefined, value: Value, language: 'de' | 'en', format: (v: Value) => string): string {
  if (!question?.options) return format(value);
  const label = (id: unknown) => {
    const option = question.options?.find((o) => o.id === id);
    return option ? textIn(option.label, language) : String(id);
  };
  return Array.isArray(value) ? value.map(label).join(', ') : label(value);
}

function ScreeningDetail({ content }: { content: ScreeningContent }) {
  const { t, i18n } = useTranslation(['approval', 'screening']);
  const format = useFormat();
  const language = staffTextLanguage(i18n.language);
  const definition = DEFAULT_SCREENING.ok ? DEFAULT_SCREENING.definition : undefined;
  // Labels only from the very definition the screening used; otherwise the question ids.
  const questions = new Map(
    (definition && definition.id === content.definitionId && definition.version === content.definitionVersion
      ? allQuestions(definition)
      : []
    ).map((q) => [q.id, q]),
  );
  return (
    <>
      <h3>{t('approval:detail.answers')}</h3>
      <dl className="record-detail__list" data-testid="detail-answers">
        {Object.entries(content.answers).map(([id, value]) => {
          const question = questions.get(id);
          return (
            <div key={id} className="record-detail__row">
              <dt>{question ? textIn(question.label, language) : id}</dt>
              <dd>{answerText(question, value, language, format)}</dd>
            </div>
          );
        })}
      </dl>
      <dl className="record-detail__list">
        <div className="record-detail__row">
          <dt>{t('approval:detail.score')}</dt>
          <dd>{content.score}</dd>
        </div>
        <div className="record-detail__row">
          <dt>{t('approval:detail.supportNeed')}</dt>
          <dd>{t(`screening:supportNeed.${content.supportNeed}`)}</dd>
        </div>
        {content.override && (
          <>
            <div className="record-detail__row">
              <dt>{t('approval:detail.override')}</dt>
              <dd>{t(`screening:supportNeed.${content.override.supportNeed}`)}</dd>
            </div>
            <div className="record-detail__row">
              <dt>{t('approval:detail.overrideReason')}</dt>
              <dd>{content.override.reason}</dd>
            </div>
          </>
        )}
        <div className="record-detail__row">
          <dt>{t('approval:detail.acuteDanger')}</dt>
          <dd>
            {content.acuteDanger.length === 0
              ? t('approval:detail.none')
              : content.acuteDanger.map((id) => (questions.get(id) ? textIn(questions.get(id)?.label ?? {}, language) : id)).join(', ')}
          </dd>
        </div>
        <div className="record-detail__row">
          <dt>{t('approval:detail.suggestedOffers')}</dt>
          <dd>{format(content.suggestedOffers)}</dd>
        </div>
      </dl>
    </>
  );
}

function GenericDetail({ content }: { content: Record<string, Value> }) {
  const { t } = useTranslation('approval');
  const format = useFormat();
  return (
    <>
      <h3>{t('detail.content')}</h3>
      <dl className="record-detail__list">
        {Object.entries(content).map(([key, value]) => (
          <div key={key} className="record-detail__row">
            <dt>{key}</dt>
            <dd>{format(value)}</dd>
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
