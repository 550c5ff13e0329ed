// Typing or scanning a case number finds the case: its consent (scopes,
// language, date) and what else this tablet holds for it — or, for a case
// withdrawn on this tablet, that and when consent was withdrawn.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoredRecord } from '../../storage';
import { LANGUAGE_AUTONYMS } from '@shared/languages';
import { useAppServices } from '../../app/AppContext';
import { CaseNumberInput } from '../case-lookup/CaseNumberInput';
import { ReferralSources } from '../referral/ReferralSources';

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
  const { t, i18n } = useTranslation();
  const { storage } = useAppServices();
  const [found, setFound] = useState<{ caseNumber: string; records: StoredRecord[]; withdrawnAt: string | undefined } | null>(null);
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const consent = found?.records.find((r) => r.envelope?.kind === 'consent')?.envelope;

  return (
    <section className="card" aria-labelledby="find-case-title">
      <h1 id="find-case-title">{t('consent.findTitle')}</h1>
      <CaseNumberInput
        onFound={(caseNumber) => {
          void Promise.all([storage.records.recordsForCase(caseNumber), storage.records.withdrawnAt(caseNumber)]).then(
            ([records, withdrawnAt]) => {
              // The withdrawal itself is no entry about the family.
              setFound({ caseNumber, records: records.filter((r) => r.kind !== 'consentWithdrawal'), withdrawnAt });
            },
          );
        }}
      />
      {found && (
        <div className="case-view" data-testid="case-view">
          <h2>
            <bdi dir="ltr" className="case-number-text">
              {found.caseNumber}
            </bdi>
          </h2>
          {found.withdrawnAt !== undefined ? (
            <div data-testid="case-withdrawn">
              <p className="notice">
                {t('consent.withdrawnOn', {
                  date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long' }).format(new Date(found.withdrawnAt)),
                })}
              </p>
              <p className="hint">{t('consent.withdrawnOnHint')}</p>
            </div>
          ) : found.records.length === 0 ? (
            <p className="notice">{t('consent.nothingForCase')}</p>
          ) : (
            <>
              {consent?.kind === 'consent' && (
                <dl className="case-facts">
                  <dt>{t('consent.kinds.consent')}</dt>
                  <dd>{dateFormat.format(new Date(consent.content.givenAt))}</dd>
                  <dt>{t('consent.familyLanguage')}</dt>
                  <dd lang={consent.content.language}>{LANGUAGE_AUTONYMS[consent.content.language]}</dd>
                  <dt>{t('consent.scopesGiven')}</dt>
                  <dd>{consent.content.scopes.map((scope) => t(`consent.scopeNames.${scope}`)).join(', ')}</dd>
                </dl>
              )}
              <p>{t('consent.recordsForCase', { count: found.records.length })}</p>
              {onRefer && (
                <ReferralSources
                  records={found.records}
                  onRefer={(sourceRecordId) => {
                    onRefer(found.caseNumber, sourceRecordId);
                  }}
                />
              )}
            </>
          )}
        </div>
      )}
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
