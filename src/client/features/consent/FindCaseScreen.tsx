// Typing or scanning a case number finds the case: the case view shows its
// consent (scopes, language, date) and everything else this tablet holds for
// it, in time order — or, for a case withdrawn on this tablet, that and when
// consent was withdrawn.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppServices } from '../../app/AppContext';
import { CaseNumberInput } from '../case-lookup/CaseNumberInput';
import { CaseView } from '../case-view/CaseView';

export function FindCaseScreen({
  onDone,
  onWithdraw,
  onRefer,
}: {
  onDone: () => void;
  onWithdraw: () => void;
  /** Opens the referral flow from an approved record of the case (src/client/features/referral). */
  onRefer?: (caseNumber: string, sourceRecordId: string) => void;
}) {
  const { t } = useTranslation();
  const { storage } = useAppServices();
  const [found, setFound] = useState<{ caseNumber: string; withdrawnAt: string | undefined } | null>(null);

  return (
    <section className="card" aria-labelledby="find-case-title">
      <h1 id="find-case-title">{t('consent.findTitle')}</h1>
      <CaseNumberInput
        onFound={(caseNumber) => {
          void storage.records.withdrawnAt(caseNumber).then((withdrawnAt) => {
            setFound({ caseNumber, withdrawnAt });
          });
        }}
      />
      {found && <CaseView key={found.caseNumber} caseNumber={found.caseNumber} onRefer={onRefer} />}
      <div className="actions">
        {found?.withdrawnAt === undefined && (
          <button type="button" className="button" onClick={onWithdraw}>
            {t('consent.withdraw')}
          </button>
        )}
        <button type="button" className="button" onClick={onDone}>
          {t('app.back')}
        </button>
      </div>
    </section>
  );
}
