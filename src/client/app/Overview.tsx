// The start screen: what can be recorded, and what this tablet holds with the
// state of each entry (not yet sent / sent / rejected with reason).
import { useTranslation } from 'react-i18next';
import { RecordList } from '../features/records/RecordList';
import { workflowsFor, type WorkflowKind } from '../features/workflows/registry';
import { useAppServices } from './AppContext';

/** What the overview's buttons open. */
export type OverviewChoice =
  { kind: 'form'; workflow: WorkflowKind } | { kind: 'consent' } | { kind: 'findCase' } | { kind: 'withdraw' } | { kind: 'reviewQueue' };

export function Overview({
  onOpen,
  onSecondCheck,
}: {
  onOpen: (choice: OverviewChoice) => void;
  onSecondCheck?: (recordId: string) => void;
}) {
  const { t } = useTranslation(['common', 'home-contact', 'mediation', 'welcome-visit', 'screening', 'approval']);
  const { storage } = useAppServices();
  const roles = storage.vault.unlockedUser?.roles ?? [];
  const isApprover = roles.includes('approver');
  return (
    <>
      <section className="card start-actions" aria-labelledby="new-record-title">
        <h1 id="new-record-title" className="visually-hidden">
          {t('app.name')}
        </h1>
        <button
          type="button"
          className="button button--primary button--large button--wide"
          onClick={() => {
            onOpen({ kind: 'consent' });
          }}
        >
          {t('consent.start')}
        </button>
        {workflowsFor(roles).map((workflow) => (
          <button
            key={workflow.kind}
            type="button"
            className="button button--primary button--large button--wide"
            onClick={() => {
              onOpen({ kind: 'form', workflow: workflow.kind });
            }}
          >
            {t(workflow.overviewLabel)}
          </button>
        ))}
        <button
          type="button"
          className="button button--large button--wide"
          onClick={() => {
            onOpen({ kind: 'findCase' });
          }}
        >
          {t('consent.find')}
        </button>
        <button
          type="button"
          className="button button--large button--wide"
          onClick={() => {
            onOpen({ kind: 'withdraw' });
          }}
        >
          {t('consent.withdraw')}
        </button>
        {isApprover && (
          <button
            type="button"
            className="button button--large button--wide"
            onClick={() => {
              onOpen({ kind: 'reviewQueue' });
            }}
          >
            {t('approval:queue.open')}
          </button>
        )}
      </section>
      <RecordList onSecondCheck={onSecondCheck} />
    </>
  );
}
