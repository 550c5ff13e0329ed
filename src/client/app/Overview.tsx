// The home: the workflows the person's organisation uses, in its order (the
// admin's choice, delivered with the tablet's configuration so it holds
// offline), a short row of tools (find a case, withdraw a consent, the
// approvers' queue), then what needs the person (HomeWork) and everything
// this tablet holds with its state (RecordList).
import { useTranslation } from 'react-i18next';
import { HomeWork } from '../features/home/HomeWork';
import { RecordList } from '../features/records/RecordList';
import { WORKFLOWS, isWorkflowKind, type WorkflowKind } from '../features/workflows/registry';
import { useOfferedWorkflows } from '../features/workflows/useOfferedWorkflows';
import { useAppServices } from './AppContext';

/** What the home's buttons open. */
export type OverviewChoice =
  { kind: 'form'; workflow: WorkflowKind } | { kind: 'consent' } | { kind: 'findCase' } | { kind: 'withdraw' } | { kind: 'reviewQueue' };

export function Overview({
  onOpen,
  onSecondCheck,
}: {
  onOpen: (choice: OverviewChoice) => void;
  onSecondCheck?: (recordId: string) => void;
}) {
  const { t } = useTranslation(['common', 'home-contact', 'mediation', 'welcome-visit', 'screening', 'approval', 'records']);
  const { storage } = useAppServices();
  const user = storage.vault.unlockedUser;
  const roles = user?.roles ?? [];
  const isApprover = roles.includes('approver');
  // Until the configuration is read the buttons wait: shown first, they could reorder under a finger.
  const workflows = useOfferedWorkflows();
  return (
    <>
      <section className="card home-start" aria-labelledby="new-record-title">
        <h1 id="new-record-title" className="visually-hidden">
          {t('app.name')}
        </h1>
        <div className="home-start__workflows" data-testid="home-workflows">
          {workflows?.map((workflow) => (
            <button
              key={workflow}
              type="button"
              className="button button--primary button--large"
              data-workflow={workflow}
              onClick={() => {
                onOpen(isWorkflowKind(workflow) ? { kind: 'form', workflow } : { kind: 'consent' });
              }}
            >
              {isWorkflowKind(workflow) ? t(WORKFLOWS[workflow].overviewLabel) : t('consent.start')}
            </button>
          ))}
        </div>
        <div className="home-start__tools">
          <button
            type="button"
            className="button"
            onClick={() => {
              onOpen({ kind: 'findCase' });
            }}
          >
            {t('consent.find')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              onOpen({ kind: 'withdraw' });
            }}
          >
            {t('consent.withdraw')}
          </button>
          {isApprover && (
            <button
              type="button"
              className="button"
              onClick={() => {
                onOpen({ kind: 'reviewQueue' });
              }}
            >
              {t('approval:queue.open')}
            </button>
          )}
        </div>
      </section>
      <HomeWork onSecondCheck={onSecondCheck} />
      <RecordList onSecondCheck={onSecondCheck} />
    </>
  );
}
