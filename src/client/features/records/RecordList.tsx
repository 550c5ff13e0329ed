// Everything recorded on this tablet with its state: unfinished drafts (to
// continue), not yet sent, sent, or rejected with the server's reason (never
// silently dropped). Content-free stubs (content removed after sending) are
// listed without content. A person's own records with content offer "Correct";
// an approved record a referral can start from offers "Vermitteln" (or says why not yet).
//
// Each item: main text, then its badges (state; more states go next to it),
// then its actions (RecordActions; more actions go next to "Correct").
import { useTranslation } from 'react-i18next';
import type { StoredRecord } from '../../storage';
import type { SyncRecord } from '@shared/records/sync-record';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { useWorkNavigation } from '../../app/WorkNavigation';
import { canCorrect, parseDraftId, type DraftItem } from './work-items';
import { returnedFields, type ReturnedFieldIssue } from './returned-record';
import { ReferralSummary } from '../referral/ReferralSummary';
import { WelcomeVisitAttemptSummary } from '../welcome-visit/WelcomeVisitSummary';
import { WORKFLOWS, isWorkflowKind, type WorkflowRecord } from '../workflows/registry';
import type { ComponentType } from 'react';
import { ReviewStatus } from '../approval/ReviewStatus';
import { referralBlocker } from '../referral/eligibility';
import type { ConsentScope } from '@shared/records/consent';

/** A workflow's record by its registry summary, with the case it names (required, or linked to an optional one). */
function WorkflowSummary({ record }: { record: WorkflowRecord }) {
  const { t } = useTranslation();
  const workflow = WORKFLOWS[record.kind];
  // The registry pairs each kind with the summary of its own content.
  const Summary = workflow.Summary as ComponentType<{ content: WorkflowRecord['content'] }>;
  return (
    <>
      <Summary content={record.content} />
      {/* A record that may be anonymous says so by naming no case; a linked one shows its case (walkthrough finding 18). */}
      {record.caseNumber !== null && (
        <bdi dir="ltr" className="case-number-text record__meta">
          {t('consent.caseNumberLabel', { caseNumber: record.caseNumber })}
        </bdi>
      )}
    </>
  );
}

function Summary({ envelope }: { envelope: SyncRecord }) {
  const { t } = useTranslation();
  switch (envelope.kind) {
    case 'homeContact':
    case 'mediation':
    case 'welcomeVisit':
    case 'screening':
      return <WorkflowSummary record={envelope} />;
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
    case 'welcomeVisitAttempt':
      return <WelcomeVisitAttemptSummary content={envelope.content} />;
    case 'referral':
      return <ReferralSummary recordId={envelope.id} content={envelope.content} caseNumber={envelope.caseNumber} />;
  }
}

/** A record whose content left the tablet after sending: its kind, and its case where it named one (date: the meta line). */
function StubSummary({ row }: { row: StoredRecord }) {
  const { t } = useTranslation();
  return (
    <>
      <span className="record__title">
        {t(`kinds.${row.kind}`, { ns: 'records' })}
        {typeof row.caseNumber === 'string' && (
          <>
            {' · '}
            <bdi dir="ltr" className="case-number-text">
              {t('consent.caseNumberLabel', { caseNumber: row.caseNumber })}
            </bdi>
          </>
        )}
      </span>
      <span className="record__meta">{t('record.contentRemoved')}</span>
    </>
  );
}

/** One stored record's lines: its kind's summary, or — once its content left the tablet — kind and case. */
export function RecordSummary({ row }: { row: StoredRecord }) {
  return row.envelope ? <Summary envelope={row.envelope} /> : <StubSummary row={row} />;
}

/** The case a record names (from its content, or the stub's sealed case number); null: anonymous or unknown. */
export function caseOf(row: StoredRecord): string | null {
  if (row.kind === 'consentWithdrawal') return null; // a withdrawn case has nothing left to view
  const caseNumber = row.envelope ? row.envelope.caseNumber : row.caseNumber;
  return typeof caseNumber === 'string' ? caseNumber : null;
}

/** What the list knows about each case on this tablet: its consent's scopes. */
export interface CaseFacts {
  consentScopes: ReadonlyMap<string, readonly ConsentScope[]>;
}

export function caseFacts(records: readonly StoredRecord[]): CaseFacts {
  const consentScopes = new Map<string, readonly ConsentScope[]>();
  for (const row of records) {
    const envelope = row.envelope;
    if (envelope?.kind === 'consent') consentScopes.set(envelope.caseNumber, envelope.content.scopes);
  }
  // A withdrawn case refers nowhere, whatever this tablet still holds of it.
  for (const row of records)
    if (row.kind === 'consentWithdrawal' && typeof row.caseNumber === 'string') consentScopes.delete(row.caseNumber);
  return { consentScopes };
}

/** "Vermitteln" from a record of a referral source workflow (registry): once approved, or why not yet. */
function ReferralAction({ row, facts }: { row: StoredRecord; facts: CaseFacts }) {
  const { t } = useTranslation('referral');
  const navigation = useWorkNavigation();
  const envelope = row.envelope;
  if (!navigation || envelope === null || !isWorkflowKind(envelope.kind) || !WORKFLOWS[envelope.kind].referralSource) return null;
  const caseNumber = envelope.caseNumber;
  if (caseNumber === null) return null;
  const blocker = referralBlocker(row, facts.consentScopes.get(caseNumber));
  if (blocker === 'notReferable') return null;
  if (blocker !== null) {
    return (
      <span className="hint record__referral-blocked" data-testid="referral-blocked">
        {t(`tablet.blocked.${blocker}`)}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="button button--primary"
      onClick={() => {
        navigation.openReferral(caseNumber, row.id);
      }}
    >
      {t('tablet.refer')}
    </button>
  );
}

/** What can be done with a saved record here: correct it (the author, content still on the tablet), refer from it. */
function RecordActions({ row, userId, facts }: { row: StoredRecord; userId: string | undefined; facts: CaseFacts }) {
  const { t } = useTranslation('records');
  const navigation = useWorkNavigation();
  if (!navigation) return null;
  const correctable = canCorrect(row, userId);
  const referral = <ReferralAction row={row} facts={facts} />;
  const caseNumber = caseOf(row);
  return (
    <div className="record__actions">
      {correctable && (
        <button type="button" className="button" onClick={() => void navigation.openCorrection(row.id)}>
          {t('actions.correct')}
        </button>
      )}
      {referral}
      {caseNumber !== null && (
        <button
          type="button"
          className="button"
          onClick={() => {
            navigation.openCase(caseNumber);
          }}
        >
          {t('caseView.open')}
        </button>
      )}
    </div>
  );
}

function RecordItem({
  row,
  userId,
  facts,
  timeFormat,
  onSecondCheck,
}: {
  row: StoredRecord;
  userId: string | undefined;
  facts: CaseFacts;
  timeFormat: Intl.DateTimeFormat;
  onSecondCheck?: ((recordId: string) => void) | undefined;
}) {
  const { t } = useTranslation();
  const returned = row.syncState === 'rejected' ? returnedFields(row.rejection) : [];
  return (
    <li
      className={`record record--${row.syncState}`}
      data-returned={returned.length > 0 ? 'personalData' : undefined}
      data-record-id={row.id}
      data-record-kind={row.kind}
      data-sync-state={row.syncState}
      data-revision={row.revision}
    >
      <div className="record__main">
        <RecordSummary row={row} />
        <span className="record__meta">
          {t('record.savedAt', { time: timeFormat.format(new Date(row.createdAt)) })}
          {row.revision > 1 && <> · {t('revision', { ns: 'records', revision: row.revision })}</>}
        </span>
      </div>
      <div className="record__badges">
        <span className={`badge badge--${row.syncState}`}>
          {t(returned.length > 0 ? 'record.state.returned' : `record.state.${row.syncState}`)}
        </span>
      </div>
      <RecordActions row={row} userId={userId} facts={facts} />
      {row.syncState === 'rejected' && returned.length > 0 && <ReturnedNotice fields={returned} correctable={canCorrect(row, userId)} />}
      {row.syncState === 'rejected' && row.rejection && returned.length === 0 && (
        <p className="record__rejection">{t('record.rejectedReason', { reason: t(`errorReason.${row.rejection.reason}`) })}</p>
      )}
      <ReviewStatus record={row} onSecondCheck={onSecondCheck} />
    </li>
  );
}

/**
 * A record the server returned for personal data: which field to clean, what was
 * seen there, and how to resend it. Its content stays on the tablet meanwhile.
 */
function ReturnedNotice({ fields, correctable }: { fields: readonly ReturnedFieldIssue[]; correctable: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="record__rejection record__returned" role="note">
      {fields.map(({ field, kinds }) => (
        <p key={field}>
          {t('record.returned.removePersonalData', {
            field: t(`record.returned.field.${field}`),
            kinds: kinds.map((kind) => t(`personalData.kind.${kind}`, { ns: 'cases' })).join(', '),
          })}
        </p>
      ))}
      <p>{t(correctable ? 'record.returned.resendByCorrecting' : 'record.returned.keptOnTablet')}</p>
    </div>
  );
}

/** An unfinished form: listed as "draft" until it is saved or cancelled. */
export function DraftListItem({ draft, timeFormat }: { draft: DraftItem; timeFormat: Intl.DateTimeFormat }) {
  const { t } = useTranslation('records');
  const navigation = useWorkNavigation();
  const form = t(`forms.${draft.type === 'new' ? draft.form : draft.kind}`);
  return (
    <li className="record record--draft" data-draft-id={draft.draftId} data-sync-state="draft">
      <div className="record__main">
        <span className="record__title">{draft.type === 'new' ? t('draft.new', { form }) : t('draft.correction', { form })}</span>
        <span className="record__meta">{t('draft.changedAt', { time: timeFormat.format(new Date(draft.updatedAt)) })}</span>
      </div>
      <div className="record__badges">
        <span className="badge badge--draft">{t('draft.state')}</span>
      </div>
      {navigation && (
        <div className="record__actions">
          <button type="button" className="button button--primary" onClick={() => void navigation.continueDraft(draft.draftId)}>
            {t('actions.continue')}
          </button>
        </div>
      )}
    </li>
  );
}

export function RecordList({ onSecondCheck }: { onSecondCheck?: ((recordId: string) => void) | undefined } = {}) {
  const { t, i18n } = useTranslation();
  const { storage } = useAppServices();
  const records = useStoredValue(storage, (s) => s.records.listRecords());
  const storedDrafts = useStoredValue(storage, (s) => s.drafts.list());
  const userId = storage.vault.unlockedUser?.userId;
  const timeFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  // A correction draft is listed only while its record can still be corrected here.
  const correctable = new Set((records ?? []).filter((row) => canCorrect(row, userId)).map((row) => row.id));
  const drafts = (storedDrafts ?? [])
    .map((entry) => parseDraftId(entry.draftId, entry.updatedAt))
    .filter((draft): draft is DraftItem => draft !== undefined && (draft.type === 'new' || correctable.has(draft.recordId)));
  const facts = caseFacts(records ?? []);
  const empty = records !== undefined && records.length === 0 && drafts.length === 0;
  return (
    <section className="card" aria-labelledby="records-title">
      <h2 id="records-title">{t('records.title')}</h2>
      {empty && <p className="hint">{t('records.empty')}</p>}
      <ul className="record-list" data-testid="record-list">
        {drafts.map((draft) => (
          <DraftListItem key={draft.draftId} draft={draft} timeFormat={timeFormat} />
        ))}
        {(records ?? []).map((row) => (
          <RecordItem key={row.id} row={row} userId={userId} facts={facts} timeFormat={timeFormat} onSecondCheck={onSecondCheck} />
        ))}
      </ul>
    </section>
  );
}
