// Coordinator and admin: the questionnaire as an XLSForm-style spreadsheet (docs/QUESTIONNAIRE.md,
// "Authoring in a spreadsheet"). Downloads the active definition as .xlsx; a chosen .xlsx is first
// previewed (nothing written) — every problem named with sheet, row and column — and only activated on
// confirmation. The server reads and writes the files: the office only moves base64.
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_QUESTIONNAIRE_XLSX_BYTES,
  questionnaireSummarySchema,
  questionnaireXlsxExportSchema,
  questionnaireXlsxPreviewSchema,
  type QuestionnaireSummary,
  type QuestionnaireXlsxPreview,
  type XlsFormProblem,
} from '@shared/questionnaire-api';
import type { OfficeConnection } from './office-api';
import { RequestError } from '../../http/request';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function download(fileName: string, base64: string): void {
  const url = URL.createObjectURL(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: XLSX_TYPE }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

function ProblemItem({ problem }: { problem: XlsFormProblem }) {
  const { t } = useTranslation('office');
  const message = t(`questionnaire.spreadsheet.problems.${problem.problem}`, { value: problem.value ?? '', detail: problem.detail ?? '' });
  const where =
    problem.sheet === null
      ? null
      : problem.row === null
        ? t('questionnaire.spreadsheet.atSheet', { sheet: problem.sheet })
        : problem.column === null
          ? t('questionnaire.spreadsheet.atRow', { sheet: problem.sheet, row: problem.row })
          : t('questionnaire.spreadsheet.atCell', { sheet: problem.sheet, row: problem.row, column: problem.column });
  return <li>{where === null ? message : t('questionnaire.spreadsheet.problemAt', { where, message })}</li>;
}

export function QuestionnaireSpreadsheet({
  api,
  onActivated,
}: {
  api: OfficeConnection;
  onActivated: (summary: QuestionnaireSummary) => void;
}) {
  const { t } = useTranslation('office');
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<{ base64: string; preview: QuestionnaireXlsxPreview } | null>(null);
  const [refusal, setRefusal] = useState<'tooLarge' | 'versionTaken' | 'invalid' | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setChosen(null);
    setRefusal(null);
    setFailure(null);
  };

  const exportFile = async () => {
    reset();
    setBusy(true);
    try {
      const exported = await api.call(questionnaireXlsxExportSchema, '/api/questionnaires/xlsx', 'GET');
      download(exported.fileName, exported.base64);
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  const previewFile = async (file: File) => {
    reset();
    if (file.size > MAX_QUESTIONNAIRE_XLSX_BYTES) {
      setRefusal('tooLarge');
      return;
    }
    setBusy(true);
    try {
      const base64 = toBase64(new Uint8Array(await file.arrayBuffer()));
      const preview = await api.call(questionnaireXlsxPreviewSchema, '/api/questionnaires/xlsx/preview', 'POST', { base64 });
      setChosen({ base64, preview });
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const activate = async () => {
    if (chosen === null) return;
    setBusy(true);
    try {
      const summary = await api.call(questionnaireSummarySchema, '/api/questionnaires/xlsx', 'POST', { base64: chosen.base64 });
      setChosen(null);
      onActivated(summary);
    } catch (error) {
      if (error instanceof RequestError && error.status === 409) setRefusal('versionTaken');
      else if (error instanceof RequestError && error.status === 422) setRefusal('invalid');
      else setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  const preview = chosen?.preview;
  const ready = preview?.definition ?? null;
  return (
    <div className="questionnaire-spreadsheet" data-testid="questionnaire-spreadsheet">
      <h3>{t('questionnaire.spreadsheet.title')}</h3>
      <p className="hint">{t('questionnaire.spreadsheet.intro')}</p>
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={() => void exportFile()}>
          {t('questionnaire.spreadsheet.download')}
        </button>
      </div>
      <div className="field">
        <label htmlFor={`${id}-xlsx`}>{t('questionnaire.spreadsheet.file')}</label>
        <input
          id={`${id}-xlsx`}
          ref={fileInput}
          type="file"
          accept={`${XLSX_TYPE},.xlsx`}
          disabled={busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void previewFile(file);
          }}
        />
      </div>
      {ready !== null && (
        <div className="notice" role="status" data-testid="questionnaire-xlsx-preview">
          <p>
            {t('questionnaire.spreadsheet.preview', {
              id: ready.definitionId,
              version: ready.version,
              sections: ready.sections,
              count: ready.questions,
              family: ready.familyQuestions,
              languages: ready.languages.join(', '),
            })}
          </p>
          {ready.versionExists && <p>{t('questionnaire.spreadsheet.versionExists')}</p>}
          <div className="actions">
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void activate()}>
              {t('questionnaire.spreadsheet.activate')}
            </button>
            <button type="button" className="button" disabled={busy} onClick={reset}>
              {t('questionnaire.spreadsheet.discard')}
            </button>
          </div>
        </div>
      )}
      <div role="alert">
        {preview !== undefined && preview.problems.length > 0 && (
          <div className="form-error" data-testid="questionnaire-xlsx-problems">
            <p>{t('questionnaire.spreadsheet.problemsTitle', { count: preview.problems.length })}</p>
            <ul>
              {preview.problems.map((problem, index) => (
                <ProblemItem key={index} problem={problem} />
              ))}
            </ul>
            {preview.moreProblems && <p>{t('questionnaire.spreadsheet.moreProblems')}</p>}
          </div>
        )}
        {refusal !== null && (
          <p className="form-error" data-testid="questionnaire-xlsx-refused">
            {t(`questionnaire.spreadsheet.refused.${refusal}`)}
          </p>
        )}
      </div>
      <FormFailure failure={failure} />
    </div>
  );
}
