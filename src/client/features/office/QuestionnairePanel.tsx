// Coordinator and admin: the municipality's screening questionnaire
// (docs/QUESTIONNAIRE.md). Shows which definition is active — an uploaded one,
// or the built-in default — offers it as a JSON file to adapt, and uploads a
// changed definition. A file that is not JSON is refused here; a definition
// the server's check refuses comes back with every problem listed, and the
// active questionnaire stays as it was. Tablets take a new one at their next
// sync. A definition holds questions and scoring only, never case data.
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import defaultScreening from '@domain/default-screening.json';
import {
  MAX_QUESTIONNAIRE_BYTES,
  activeQuestionnaireResponseSchema,
  questionnaireSummarySchema,
  type QuestionnaireSummary,
} from '@shared/questionnaire-api';
import type { OfficeConnection } from './office-api';
import { RequestError } from '../../http/request';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';
import { QuestionnaireSpreadsheet } from './QuestionnaireSpreadsheet';

type Refusal = { kind: 'notJson' } | { kind: 'tooLarge' } | { kind: 'versionTaken' } | { kind: 'invalid'; problems: string[] };

/** Questions over all sections (the definition was checked by the server; anything else counts 0). */
function questionCount(definition: unknown): number {
  const sections = (definition as { sections?: unknown }).sections;
  if (!Array.isArray(sections)) return 0;
  return sections.reduce<number>((sum, section: unknown) => {
    const questions = (section as { questions?: unknown }).questions;
    return sum + (Array.isArray(questions) ? questions.length : 0);
  }, 0);
}

function download(fileName: string, definition: unknown): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(definition, null, 2)}\n`], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

export function QuestionnairePanel({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('office');
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const active = useOfficeData(() => api.call(activeQuestionnaireResponseSchema, '/api/sync/questionnaire', 'GET'));
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [uploaded, setUploaded] = useState<QuestionnaireSummary | null>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (file: File) => {
    setRefusal(null);
    setFailure(null);
    setUploaded(null);
    if (file.size > MAX_QUESTIONNAIRE_BYTES) {
      setRefusal({ kind: 'tooLarge' });
      return;
    }
    let definition: unknown;
    try {
      definition = JSON.parse(await file.text());
    } catch {
      setRefusal({ kind: 'notJson' });
      return;
    }
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      setRefusal({ kind: 'notJson' });
      return;
    }
    setBusy(true);
    try {
      setUploaded(await api.call(questionnaireSummarySchema, '/api/questionnaires', 'POST', definition));
      active.reload();
    } catch (error) {
      if (error instanceof RequestError && error.status === 422) {
        setRefusal({ kind: 'invalid', problems: error.issues.map((issue) => issue.message) });
      } else if (error instanceof RequestError && error.status === 409) {
        setRefusal({ kind: 'versionTaken' });
      } else {
        setFailure(apiErrorKey(error, 'load'));
      }
    } finally {
      setBusy(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const current = active.data.state === 'loaded' ? active.data.value.questionnaire : null;
  return (
    <section className="card office-panel" aria-labelledby={`${id}-title`} data-testid="questionnaire-panel">
      <h2 id={`${id}-title`}>{t('questionnaire.title')}</h2>
      <p className="hint">{t('questionnaire.intro')}</p>
      {active.data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {active.data.state === 'failed' && <LoadFailure error={active.data.error} onRetry={active.reload} />}
      {active.data.state === 'loaded' && (
        <div data-testid="questionnaire-active">
          <p>
            {current === null
              ? t('questionnaire.builtIn', { version: defaultScreening.version, count: questionCount(defaultScreening) })
              : t('questionnaire.active', { id: current.definitionId, version: current.version, count: questionCount(current.definition) })}
          </p>
          <button
            type="button"
            className="button"
            onClick={() => {
              download(
                `${current?.definitionId ?? defaultScreening.id}-${current?.version ?? defaultScreening.version}.json`,
                current?.definition ?? defaultScreening,
              );
            }}
          >
            {t('questionnaire.download')}
          </button>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('questionnaire.file')}</label>
        <input
          id={`${id}-file`}
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          disabled={busy}
          aria-describedby={`${id}-file-hint`}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void upload(file);
          }}
        />
        <p id={`${id}-file-hint`} className="hint">
          {t('questionnaire.fileHint')}
        </p>
      </div>
      {busy && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      <div role="status">
        {uploaded !== null && (
          <p className="notice" data-testid="questionnaire-uploaded">
            {t('questionnaire.uploaded', { id: uploaded.definitionId, version: uploaded.version })}
          </p>
        )}
      </div>
      <div role="alert">
        {refusal !== null && (
          <div className="form-error" data-testid="questionnaire-refused">
            <p>
              {refusal.kind === 'invalid'
                ? t('questionnaire.refused.invalid', { count: refusal.problems.length })
                : t(`questionnaire.refused.${refusal.kind}`)}
            </p>
            {refusal.kind === 'invalid' && (
              <ul>
                {refusal.problems.map((problem) => (
                  <li key={problem}>
                    <code>{problem}</code>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <FormFailure failure={failure} />
      <QuestionnaireSpreadsheet
        api={api}
        onActivated={(summary) => {
          setRefusal(null);
          setUploaded(summary);
          active.reload();
        }}
      />
    </section>
  );
}
