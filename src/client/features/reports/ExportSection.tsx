// Downloads for evaluators and partner systems (docs/FHIR.md): referrals,
// questionnaire versions and screenings as FHIR R4 JSON, screenings as CSV, for
// the period chosen above. The file goes from the answer straight into a
// download link; nothing is stored in the browser.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportKind, ExportPeriod } from '@shared/exports';
import type { OfficeConnection } from '../office/office-api';
import { RequestError } from '../../http/request';

type Problem = 'endBeforeStart' | 'tooLong' | 'invalidDate' | 'failed';

const DOWNLOADS: { kind: ExportKind; label: 'referrals' | 'questionnaires' | 'screenings' | 'screeningsCsv'; type: string }[] = [
  { kind: 'fhir/referrals', label: 'referrals', type: 'application/fhir+json' },
  { kind: 'fhir/questionnaires', label: 'questionnaires', type: 'application/fhir+json' },
  { kind: 'fhir/screenings', label: 'screenings', type: 'application/fhir+json' },
  { kind: 'screenings.csv', label: 'screeningsCsv', type: 'text/csv;charset=utf-8' },
];

function fileName(kind: ExportKind, period: ExportPeriod): string {
  const range = `${period.from}-${period.to}`;
  switch (kind) {
    case 'fhir/referrals':
      return `vermittlungen-fhir-${range}.json`;
    case 'fhir/questionnaires':
      return 'frageboegen-fhir.json';
    case 'fhir/screenings':
      return `screenings-fhir-${range}.json`;
    case 'screenings.csv':
      return `screenings-${range}.csv`;
  }
}

function problemOf(error: unknown): Problem {
  if (error instanceof RequestError) {
    const message = error.issues[0]?.message;
    if (message === 'endBeforeStart' || message === 'tooLong' || message === 'invalidDate') return message;
  }
  return 'failed';
}

export function ExportSection({ api, period }: { api: OfficeConnection; period: ExportPeriod }) {
  const { t } = useTranslation('reports');
  const [busy, setBusy] = useState<ExportKind | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const download = async (kind: ExportKind, type: string): Promise<void> => {
    setBusy(kind);
    setProblem(null);
    try {
      const text = await api.exportFile(kind, period);
      const url = URL.createObjectURL(new Blob([text], { type }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName(kind, period);
      link.click();
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 1000);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="report-exports no-print" aria-labelledby="report-exports-title">
      <h3 id="report-exports-title">{t('exports.title')}</h3>
      <p className="hint">{t('exports.intro', { from: period.from, to: period.to })}</p>
      <div className="actions">
        {DOWNLOADS.map(({ kind, label, type }) => (
          <button key={kind} type="button" className="button" disabled={busy !== null} onClick={() => void download(kind, type)}>
            {t(`exports.${label}`)}
          </button>
        ))}
      </div>
      {busy !== null && <p role="status">{t('exports.loading')}</p>}
      {problem !== null && (
        <p className="form-error" role="alert">
          {problem === 'failed' ? t('exports.failed') : t(`errors.${problem}`)}
        </p>
      )}
    </section>
  );
}
