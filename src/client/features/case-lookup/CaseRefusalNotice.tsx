// Said as soon as a case number is entered that this tablet may not document
// for: no consent for it here (the family may have consented on another
// tablet) or a consent that does not cover this record. It names the way
// forward and offers a new consent, which then continues with this form.
import { useTranslation } from 'react-i18next';
import { useWorkNavigation } from '../../app/WorkNavigation';
import type { CaseRefusal } from '../../forms/useRecordForm';
import type { WorkflowKind } from '../workflows/registry';

export function CaseRefusalNotice({ refusal, workflow }: { refusal: CaseRefusal; workflow: WorkflowKind }) {
  const { t } = useTranslation('cases');
  const navigation = useWorkNavigation();
  return (
    <div className="case-refusal" role="alert" data-testid="case-refusal" data-reason={refusal.reason}>
      <p className="case-refusal__title">
        {t(`refusal.${refusal.reason}.title`)}{' '}
        <bdi dir="ltr" className="case-number-text">
          {refusal.caseNumber}
        </bdi>
      </p>
      <p>{t(`refusal.${refusal.reason}.text`)}</p>
      {navigation && (
        <div className="actions">
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              navigation.newConsent(workflow);
            }}
          >
            {t('refusal.newConsent')}
          </button>
        </div>
      )}
    </div>
  );
}
