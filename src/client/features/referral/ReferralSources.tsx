// In the case view: the records of the case a referral may start from
// (screening, welcome visit), each with "Refer" — or why not yet.
import './referral.css';
import { useTranslation } from 'react-i18next';
import type { StoredRecord } from '../../storage';
import { referralBlocker } from './eligibility';

export function ReferralSources({ records, onRefer }: { records: readonly StoredRecord[]; onRefer: (sourceRecordId: string) => void }) {
  const { t, i18n } = useTranslation('referral');
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const consent = records.find((record) => record.envelope?.kind === 'consent')?.envelope;
  const scopes = consent?.kind === 'consent' ? consent.content.scopes : undefined;
  const sources = records.filter((record) => referralBlocker(record, scopes) !== 'notReferable');
  if (sources.length === 0) return null;
  return (
    <ul className="referral-sources" aria-label={t('tablet.referFrom')}>
      {sources.map((record) => {
        const blocker = referralBlocker(record, scopes);
        return (
          <li key={record.id} data-record-id={record.id}>
            {/* The kind and the day (walkthrough finding 14: a date alone does not say which record). */}
            <span>
              {record.kind === 'screening' || record.kind === 'welcomeVisit'
                ? t(`tablet.source.${record.kind}`, { date: dateFormat.format(new Date(record.createdAt)) })
                : dateFormat.format(new Date(record.createdAt))}
            </span>{' '}
            {blocker === null ? (
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  onRefer(record.id);
                }}
              >
                {t('tablet.refer')}
              </button>
            ) : (
              <span className="hint">{t(`tablet.blocked.${blocker}`)}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
