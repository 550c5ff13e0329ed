// "Link this record to a case" for workflows that may be anonymous or about a
// consented case (HOME contact, mediation): a switch that reveals the case
// number input, and the consent problem if saving was refused.
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { CaseNumberInput } from './CaseNumberInput';

export type CaseLinkProblem = 'caseNumberMissing' | 'consentMissing' | 'caseWithdrawn';

export function CaseLink({
  linked,
  onLinkedChange,
  onCaseNumber,
  problem,
  refusal,
}: {
  linked: boolean;
  onLinkedChange: (linked: boolean) => void;
  /** The looked-up case number, or null as soon as the input is edited again. */
  onCaseNumber: (caseNumber: string | null) => void;
  problem: CaseLinkProblem | null;
  /** Said right under the number when it was refused at lookup (no consent for it here). */
  refusal?: ReactNode;
}) {
  const { t } = useTranslation('cases');
  return (
    <div className="case-link">
      <label className="choice choice--single">
        <input
          type="checkbox"
          checked={linked}
          onChange={(event) => {
            onLinkedChange(event.target.checked);
          }}
        />
        <span>{t('link.label')}</span>
      </label>
      {linked && (
        // Any edit of the number unlinks the case until it is looked up again.
        <div
          onChange={() => {
            onCaseNumber(null);
          }}
        >
          <CaseNumberInput onFound={onCaseNumber} refused={refusal !== undefined && refusal !== null} />
        </div>
      )}
      {linked && refusal}
      {linked && problem !== null && (
        <p className="form-error" role="alert">
          {problem === 'caseNumberMissing' ? t('link.caseNumberMissing', { submit: t('lookup.submit') }) : t(`link.${problem}`)}
        </p>
      )}
    </div>
  );
}
