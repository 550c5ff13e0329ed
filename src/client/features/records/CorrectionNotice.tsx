// Shown at the top of a workflow form opened to correct a saved record: what
// is being corrected, that saving sends a new revision, and why a correction
// could not be saved (the draft stays).
import { useTranslation } from 'react-i18next';
import type { CorrectionRefusal } from '@domain/corrections';
import type { SyncRecord } from '@shared/records/sync-record';

export type CorrectionProblem = CorrectionRefusal | 'consentMissing' | 'caseWithdrawn';

export function CorrectionNotice({
  record,
  problem,
}: {
  record: Pick<SyncRecord, 'revision' | 'caseNumber'>;
  problem: CorrectionProblem | null;
}) {
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
