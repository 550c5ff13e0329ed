// The home's "what needs me" (issue 17): sent back to me, waiting for a second
// check on this tablet, referrals to follow up, drafts — each a section with
// its count, urgent first (domain/home-work.ts); an empty section is not shown,
// and with nothing to do there is nothing here at all. Each entry offers the
// one step it waits for, and its case.
import { useTranslation } from 'react-i18next';
import { homeSections, type HomeSection } from '@domain/home-work';
import { DEFAULT_NO_RESPONSE_WEEKS } from '@domain/referral-state';
import type { StoredRecord } from '../../storage';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { useWorkNavigation } from '../../app/WorkNavigation';
import { localApprovers } from '../approval/local-approvers';
import { RecordSummary, caseFacts } from '../records/RecordList';
import { canCorrect, parseDraftId, type DraftItem } from '../records/work-items';
import { workItems, type ReferralStateEntry, type WorkItem } from './home-work-items';

function UrgencyBadge({ urgency }: { urgency: WorkItem['facts']['urgency'] }) {
  const { t } = useTranslation('records');
  if (urgency === 'routine') return null;
  return <span className={`badge badge--urgency badge--${urgency}`}>{t(`home.urgency.${urgency}`)}</span>;
}

function CaseButton({ caseNumber }: { caseNumber: string | null | undefined }) {
  const { t } = useTranslation('records');
  const navigation = useWorkNavigation();
  if (!navigation || typeof caseNumber !== 'string') return null;
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        navigation.openCase(caseNumber);
      }}
    >
      {t('caseView.open')}
    </button>
  );
}

function RecordWork({
  record,
  section,
  userId,
  onSecondCheck,
  time,
}: {
  record: StoredRecord;
  section: HomeSection;
  userId: string | undefined;
  onSecondCheck: ((recordId: string) => void) | undefined;
  time: Intl.DateTimeFormat;
}) {
  const { t } = useTranslation(['records', 'approval', 'referral', 'common']);
  const navigation = useWorkNavigation();
  const caseNumber = record.envelope?.caseNumber ?? null;
  return (
    <>
      <div className="record__main">
        <RecordSummary row={record} />
        <span className="record__meta">{t('common:record.savedAt', { time: time.format(new Date(record.createdAt)) })}</span>
        {section === 'sentBack' && record.review?.decision === 'sentBack' && (
          <p className="record__comment">
            {t('approval:sentBackBy', { name: record.review.reviewerName })} <q>{record.review.comment}</q>
          </p>
        )}
        {section === 'referralFollowUp' && <span className="record__meta">{t('records:home.readyToRefer')}</span>}
      </div>
      <div className="record__actions">
        {section === 'sentBack' && navigation && canCorrect(record, userId) && (
          <button type="button" className="button button--primary" onClick={() => void navigation.openCorrection(record.id)}>
            {t('records:actions.correct')}
          </button>
        )}
        {section === 'secondCheckHere' && onSecondCheck && (
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              onSecondCheck(record.id);
            }}
          >
            {t('approval:checkHere')}
          </button>
        )}
        {section === 'referralFollowUp' && navigation && caseNumber !== null && (
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              navigation.openReferral(caseNumber, record.id);
            }}
          >
            {t('referral:tablet.refer')}
          </button>
        )}
        <CaseButton caseNumber={caseNumber} />
      </div>
    </>
  );
}

function ReferralWork({ referral, offerName, date }: { referral: ReferralStateEntry; offerName: string; date: Intl.DateTimeFormat }) {
  const { t } = useTranslation(['records', 'referral']);
  return (
    <>
      <div className="record__main">
        <span className="record__title">{t('records:home.referralWaiting', { offer: offerName })}</span>
        <span className="record__meta">
          {t('records:home.referralState', {
            state: t(`referral:states.${referral.state}`),
            date: date.format(new Date(referral.stateChangedAt)),
          })}
        </span>
        <bdi dir="ltr" className="case-number-text record__meta">
          {referral.caseNumber}
        </bdi>
      </div>
      <div className="record__actions">
        <CaseButton caseNumber={referral.caseNumber} />
      </div>
    </>
  );
}

function DraftWork({ draft, time }: { draft: DraftItem; time: Intl.DateTimeFormat }) {
  const { t } = useTranslation('records');
  const navigation = useWorkNavigation();
  const form = t(`forms.${draft.type === 'new' ? draft.form : draft.kind}`);
  return (
    <>
      <div className="record__main">
        <span className="record__title">{draft.type === 'new' ? t('draft.new', { form }) : t('draft.correction', { form })}</span>
        <span className="record__meta">{t('draft.changedAt', { time: time.format(new Date(draft.updatedAt)) })}</span>
      </div>
      {navigation && (
        <div className="record__actions">
          <button type="button" className="button button--primary" onClick={() => void navigation.continueDraft(draft.draftId)}>
            {t('actions.continue')}
          </button>
        </div>
      )}
    </>
  );
}

export function HomeWork({ onSecondCheck }: { onSecondCheck?: ((recordId: string) => void) | undefined }) {
  const { t, i18n } = useTranslation('records');
  const { storage } = useAppServices();
  const userId = storage.vault.unlockedUser?.userId;
  const stored = useStoredValue(storage, async (s) => {
    const [records, drafts, referrals, catalog, config] = await Promise.all([
      s.records.listRecords(),
      s.drafts.list(),
      s.device.referralStates(),
      s.device.offers(),
      s.device.config(),
    ]);
    const checkableOwners = new Set<string>();
    for (const owner of new Set(records.filter((record) => record.reviewState === 'awaiting').map((record) => record.ownerId))) {
      if ((await localApprovers(s, owner)).length > 0) checkableOwners.add(owner);
    }
    // The municipality's follow-up weeks; the default until a configuration that carries them was pulled.
    const noResponseWeeks = config?.referralNoResponseWeeks ?? DEFAULT_NO_RESPONSE_WEEKS;
    return { records, drafts, referrals, offers: catalog?.offers ?? [], checkableOwners, noResponseWeeks };
  });
  if (stored === undefined) return null;
  // A correction draft counts only while its record can still be corrected here (as in the record list).
  const correctable = new Set(stored.records.filter((row) => canCorrect(row, userId)).map((row) => row.id));
  const drafts = stored.drafts
    .map((entry) => parseDraftId(entry.draftId, entry.updatedAt))
    .filter((draft): draft is DraftItem => draft !== undefined && (draft.type === 'new' || correctable.has(draft.recordId)));
  const sections = homeSections(
    workItems({
      records: stored.records,
      drafts,
      referrals: stored.referrals,
      userId,
      checkableOwners: stored.checkableOwners,
      consentScopes: caseFacts(stored.records).consentScopes,
      noResponseWeeks: stored.noResponseWeeks,
      now: new Date(),
    }),
    (item) => item.facts,
  );
  if (sections.length === 0) return null;
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const offerName = (offerId: string): string => stored.offers.find((offer) => offer.id === offerId)?.name ?? offerId;
  return (
    <section className="card home-work" aria-labelledby="home-work-title" data-testid="home-work">
      <h2 id="home-work-title">{t('home.workTitle')}</h2>
      {sections.map(({ section, items, urgent }) => (
        <section key={section} className="home-work__section" aria-labelledby={`home-work-${section}`} data-home-section={section}>
          <h3 id={`home-work-${section}`} className="home-work__heading">
            {t(`home.sections.${section}`)} <span className="badge badge--count">{t('home.count', { count: items.length })}</span>
            {urgent > 0 && <span className="badge badge--urgent">{t('home.urgentCount', { count: urgent })}</span>}
          </h3>
          <ul className="record-list home-work__list">
            {items.map((item) => (
              <li
                key={item.facts.id}
                className={`record home-work__item home-work__item--${item.facts.urgency}`}
                data-work-item={item.facts.id}
                data-urgency={item.facts.urgency}
              >
                <UrgencyBadge urgency={item.facts.urgency} />
                {item.type === 'record' && (
                  <RecordWork record={item.record} section={section} userId={userId} onSecondCheck={onSecondCheck} time={time} />
                )}
                {item.type === 'draft' && <DraftWork draft={item.draft} time={time} />}
                {item.type === 'referral' && (
                  <ReferralWork referral={item.referral} offerName={offerName(item.referral.offerId)} date={date} />
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
