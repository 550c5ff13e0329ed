// Everything recorded on this tablet with its state: not yet sent, sent, or
// rejected with the server's reason (never silently dropped). Content-free
// stubs (content removed after sending) are listed without content.
import { useTranslation } from 'react-i18next';
import type { StoredRecord } from '../../storage';
import type { SyncRecord } from '../../../shared/records/sync-record';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { HomeContactSummary } from '../home-contact/HomeContactSummary';
import { MediationSummary } from '../mediation/MediationSummary';
import { ScreeningSummary } from '../screening/ScreeningSummary';
import { ReferralSummary } from '../referral/ReferralSummary';
import { WelcomeVisitAttemptSummary, WelcomeVisitSummary } from '../welcome-visit/WelcomeVisitSummary';

function Summary({ envelope }: { envelope: SyncRecord }) {
  const { t } = useTranslation();
  switch (envelope.kind) {
    case 'homeContact':
      return <HomeContactSummary content={envelope.content} />;
    case 'consent':
    case 'consentWithdrawal':
      return (
        <span className="record__title">
          {t(`consent.kinds.${envelope.kind}`)} ·{' '}
          <bdi dir="ltr" className="case-number-text">
            {t('consent.caseNumberLabel', { caseNumber: envelope.caseNumber })}
          </bdi>
        </span>
      );
    case 'consentRefusal':
      return <span className="record__title">{t('consent.kinds.consentRefusal')}</span>;
    case 'mediation':
      return <MediationSummary content={envelope.content} />;
    case 'welcomeVisit':
      return (
        <>
          <WelcomeVisitSummary content={envelope.content} />
          <bdi dir="ltr" className="case-number-text record__meta">
            {t('consent.caseNumberLabel', { caseNumber: envelope.caseNumber })}
          </bdi>
        </>
      );
    case 'welcomeVisitAttempt':
      return <WelcomeVisitAttemptSummary content={envelope.content} />;
    case 'screening':
      return (
        <>
          <ScreeningSummary content={envelope.content} />
          <bdi dir="ltr" className="case-number-text record__meta">
            {t('consent.caseNumberLabel', { caseNumber: envelope.caseNumber })}
          </bdi>
        </>
      );
    case 'referral':
      return <ReferralSummary recordId={envelope.id} content={envelope.content} caseNumber={envelope.caseNumber} />;
  }
}

function RecordItem({ row, timeFormat }: { row: StoredRecord; timeFormat: Intl.DateTimeFormat }) {
  const { t } = useTranslation();
  return (
    <li className={`record record--${row.syncState}`} data-record-id={row.id} data-record-kind={row.kind} data-sync-state={row.syncState}>
      <div className="record__main">
        {row.envelope ? <Summary envelope={row.envelope} /> : <span className="record__title">{t('record.contentRemoved')}</span>}
        <span className="record__meta">{t('record.savedAt', { time: timeFormat.format(new Date(row.createdAt)) })}</span>
      </div>
      <span className={`badge badge--${row.syncState}`}>{t(`record.state.${row.syncState}`)}</span>
      {row.syncState === 'rejected' && row.rejection && (
        <p className="record__rejection">{t('record.rejectedReason', { reason: t(`errorReason.${row.rejection.reason}`) })}</p>
      )}
    </li>
  );
}

export function RecordList() {
  const { t, i18n } = useTranslation();
  const { storage } = useAppServices();
  const records = useStoredValue(storage, (s) => s.records.listRecords());
  const timeFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section className="card" aria-labelledby="records-title">
      <h2 id="records-title">{t('records.title')}</h2>
      {records !== undefined && records.length === 0 && <p className="hint">{t('records.empty')}</p>}
      <ul className="record-list" data-testid="record-list">
        {(records ?? []).map((row) => (
          <RecordItem key={row.id} row={row} timeFormat={timeFormat} />
        ))}
      </ul>
    </section>
  );
}
