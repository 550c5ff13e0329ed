// Non-blocking notice above the screening: the municipality's newer
// questionnaire could not be used on this tablet (it failed the check here),
// so the last good one — or the built-in default — is in use. The work goes on.
import { useTranslation } from 'react-i18next';
import type { LoadResult } from '@domain/questionnaire';
import type { RefusedQuestionnaire } from '../../storage/questionnaire-store';

export function QuestionnaireNotice({ refused, inUse, builtIn }: { refused: RefusedQuestionnaire; inUse: LoadResult; builtIn: boolean }) {
  const { t } = useTranslation('questionnaire');
  const current =
    inUse.ok && !builtIn ? t('inUse.municipality', { id: inUse.definition.id, version: inUse.definition.version }) : t('inUse.builtIn');
  return (
    <div className="notice" role="status" data-testid="questionnaire-notice">
      <p>{t('refused', { id: refused.definitionId, version: refused.version, current })}</p>
      <details>
        <summary>{t('problems')}</summary>
        <ul>
          {refused.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}
