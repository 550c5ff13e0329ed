// The case view as a screen of its own, opened from a record in the list or
// on the home ("Fall ansehen"). The case number stays in memory: never in the
// URL or the history entry (app/useScreenHistory.ts).
import { useTranslation } from 'react-i18next';
import { CaseView } from './CaseView';

export function CaseScreen({
  caseNumber,
  onDone,
  onRefer,
}: {
  caseNumber: string;
  onDone: () => void;
  onRefer: (caseNumber: string, sourceRecordId: string) => void;
}) {
  const { t } = useTranslation(['common', 'records']);
  return (
    <section className="card" aria-labelledby="case-screen-title">
      <h1 id="case-screen-title">{t('records:caseView.title')}</h1>
      <CaseView caseNumber={caseNumber} onRefer={onRefer} />
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          {t('app.back')}
        </button>
      </div>
    </section>
  );
}
