// Everything this tablet holds for one case number, in the order it happened
// (issue 17): the consent (with its scopes and language), then each record —
// screening, visit, referral with the uptake states the tablet pulled — with
// its state (not yet sent, sent, rejected; awaiting the second check, approved,
// sent back), and the records a referral may start from. A case withdrawn on
// this tablet says so and when. Shown by "Fall suchen" and by the case screen.
import { useTranslation } from 'react-i18next';
import { caseTimeline } from '@domain/home-work';
import { LANGUAGE_AUTONYMS } from '@shared/languages';
import type { StoredRecord } from '../../storage';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { RecordSummary } from '../records/RecordList';
import { ReferralSources } from '../referral/ReferralSources';
import { recordUrgency } from '../home/home-work-items';

function CaseEntry({ record, time }: { record: StoredRecord; time: Intl.DateTimeFormat }) {
  const { t } = useTranslation(['records', 'common', 'approval']);
  const urgency = recordUrgency(record);
  return (
    <li
      className="record case-entry"
      data-case-entry={record.kind}
      data-sync-state={record.syncState}
      data-review-state={record.reviewState}
    >
      <time className="case-entry__time" dateTime={record.createdAt}>
        {time.format(new Date(record.createdAt))}
      </time>
      <div className="record__main">
        <span className="case-entry__kind">{t(`records:kinds.${record.kind}`)}</span>
        {/* A consent's scopes and language are the case facts above; other entries say what they hold. */}
        {record.kind !== 'consent' && <RecordSummary row={record} />}
        {record.revision > 1 && <span className="record__meta">{t('records:revision', { revision: record.revision })}</span>}
      </div>
      <div className="record__badges">
        {urgency !== 'routine' && <span className={`badge badge--urgency badge--${urgency}`}>{t(`records:home.urgency.${urgency}`)}</span>}
        <span className={`badge badge--${record.syncState}`}>{t(`common:record.state.${record.syncState}`)}</span>
        {record.reviewState !== 'notRequired' && (
          <span className={`badge badge--review-${record.reviewState}`}>{t(`approval:state.${record.reviewState}`)}</span>
        )}
      </div>
      {record.review?.decision === 'sentBack' && record.reviewState === 'sentBack' && (
        <p className="record__comment">
          {t('approval:sentBackBy', { name: record.review.reviewerName })} <q>{record.review.comment}</q>
        </p>
      )}
      {record.review?.decision === 'approved' && record.reviewState === 'approved' && (
        <span className="record__meta">{t('approval:approvedBy', { name: record.review.reviewerName })}</span>
      )}
      {record.syncState === 'rejected' && record.rejection && (
        <p className="record__rejection">
          {t('common:record.rejectedReason', { reason: t(`common:errorReason.${record.rejection.reason}`) })}
        </p>
      )}
    </li>
  );
}

export function CaseView({
  caseNumber,
  onRefer,
}: {
  caseNumber: string;
  /** Opens the referral flow from an approved record of the case (src/client/features/referral). */
  onRefer?: ((caseNumber: string, sourceRecordId: string) => void) | undefined;
}) {
  const { t, i18n } = useTranslation(['common', 'records']);
  const { storage } = useAppServices();
  const found = useStoredValue(
    storage,
    async (s) => {
      const [records, withdrawnAt] = await Promise.all([s.records.recordsForCase(caseNumber), s.records.withdrawnAt(caseNumber)]);
      // The withdrawal itself is no entry about the family.
      return { records: records.filter((record) => record.kind !== 'consentWithdrawal'), withdrawnAt };
    },
    caseNumber,
  );
  if (found === undefined) return null;
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const consent = found.records.find((record) => record.envelope?.kind === 'consent')?.envelope;
  const timeline = caseTimeline(found.records, (record) => ({ id: record.id, at: record.createdAt }));
  return (
    <div className="case-view" data-testid="case-view">
      <h2>
        <bdi dir="ltr" className="case-number-text">
          {caseNumber}
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
              <dd>{time.format(new Date(consent.content.givenAt))}</dd>
              <dt>{t('consent.familyLanguage')}</dt>
              <dd lang={consent.content.language}>{LANGUAGE_AUTONYMS[consent.content.language]}</dd>
              <dt>{t('consent.scopesGiven')}</dt>
              <dd>{consent.content.scopes.map((scope) => t(`consent.scopeNames.${scope}`)).join(', ')}</dd>
            </dl>
          )}
          <h3 id="case-timeline-title">{t('consent.recordsForCase', { count: found.records.length })}</h3>
          <ol className="record-list case-timeline" aria-labelledby="case-timeline-title" data-testid="case-timeline">
            {timeline.map((record) => (
              <CaseEntry key={record.id} record={record} time={time} />
            ))}
          </ol>
          {onRefer && (
            <ReferralSources
              records={found.records}
              onRefer={(sourceRecordId) => {
                onRefer(caseNumber, sourceRecordId);
              }}
            />
          )}
        </>
      )}
    </div>
  );
}
