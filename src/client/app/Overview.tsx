// The start screen: what can be recorded, and what this tablet holds with the
// state of each entry (not yet sent / sent / rejected with reason).
import { useTranslation } from 'react-i18next';
import { RecordList } from '../features/records/RecordList';
import { useAppServices } from './AppContext';

export type WorkView = 'newHomeContact' | 'consent' | 'withdraw' | 'findCase' | 'mediation' | 'welcomeVisit' | 'screening' | 'reviewQueue';

export function Overview({ onOpen, onSecondCheck }: { onOpen: (view: WorkView) => void; onSecondCheck?: (recordId: string) => void }) {
  const { t } = useTranslation(['common', 'home-contact', 'mediation', 'welcome-visit', 'screening', 'approval']);
  const { storage } = useAppServices();
  const isApprover = storage.vault.unlockedUser?.roles.includes('approver') ?? false;
  return (
    <>
      <section className="card start-actions" aria-labelledby="new-record-title">
        <h1 id="new-record-title" className="visually-hidden">
          {t('app.name')}
        </h1>
        <button type="button" className="button button--primary button--large button--wide" onClick={() => { onOpen('consent'); }}>
          {t('consent.start')}
        </button>
        <button type="button" className="button button--primary button--large button--wide" onClick={() => { onOpen('newHomeContact'); }}>
          {t('home-contact:new')}
        </button>
        <button type="button" className="button button--primary button--large button--wide" onClick={() => { onOpen('screening'); }}>
          {t('screening:new')}
        </button>
        <button type="button" className="button button--primary button--large button--wide" onClick={() => { onOpen('welcomeVisit'); }}>
          {t('welcome-visit:new')}
        </button>
        <button type="button" className="button button--primary button--large button--wide" onClick={() => { onOpen('mediation'); }}>
          {t('mediation:new')}
        </button>
        <button type="button" className="button button--large button--wide" onClick={() => { onOpen('findCase'); }}>
          {t('consent.find')}
        </button>
        <button type="button" className="button button--large button--wide" onClick={() => { onOpen('withdraw'); }}>
          {t('consent.withdraw')}
        </button>
        {isApprover && (
          <button type="button" className="button button--large button--wide" onClick={() => { onOpen('reviewQueue'); }}>
            {t('approval:queue.open')}
          </button>
        )}
      </section>
      <RecordList onSecondCheck={onSecondCheck} />
    </>
  );
}
