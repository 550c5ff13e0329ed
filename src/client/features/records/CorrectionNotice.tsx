// Shown at the top of a workflow form opened to correct a saved record: what
// is being corrected, that saving sends a new revision, and why a correction
// could not be saved (the draft stays).
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConsentMissingError } from '../../../domain/consent';
import { CorrectionRefusedError, type CorrectionRefusal } from '../../../domain/corrections';
import type { SyncRecord } from '../../../shared/records/sync-record';

export type CorrectionProblem = CorrectionRefusal | 'consentMissing' | 'caseWithdrawn';

/** The problem to show, its setter, and `explain(error)`: true if the error was a correction or consent refusal (now shown). */
export function useCorrectionProblem(): [CorrectionProblem | null, (problem: CorrectionProblem | null) => void, (error: unknown) => boolean] {
  const [problem, setProblem] = useState<CorrectionProblem | null>(null);
  const explain = useCallback((error: unknown): boolean => {
    if (error instanceof CorrectionRefusedError || error instanceof ConsentMissingError) {
      setProblem(error.reason);
      return true;
    }
    return false;
  }, []);
  return [problem, setProblem, explain];
}

export function CorrectionNotice({ record, problem }: { record: Pick<SyncRecord, 'revision' | 'caseNumber'>; problem: CorrectionProblem | null }) {
  const { t } = useTranslation('records');
  return (
    <>
      <p className="notice" role="status" data-testid="correction-notice">
        {t('correction.notice', { next: record.revision + 1 })}
        {record.caseNumber !== null && (
          <>
            {' '}
            <bdi dir="ltr" className="case-number-text">
              {t('correction.caseNumber', { caseNumber: record.caseNumber })}
            </bdi>
          </>
        )}
      </p>
      {problem !== null && (
        <p className="form-error" role="alert">
          {t(`correction.problems.${problem}`)}
        </p>
      )}
    </>
  );
}
