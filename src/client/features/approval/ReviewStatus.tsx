// A record's place in the second check, for the record list: awaiting it,
// approved (by whom), or sent back with the reviewer's comment — and, while
// it awaits, the way to have a colleague check it on this tablet, offered only
// when an approver other than the author is set up here; otherwise the record
// says it will be checked remotely.
import { useTranslation } from 'react-i18next';
import type { StoredRecord } from '../../storage';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { localApprovers } from './local-approvers';

export function ReviewStatus({
  record,
  onSecondCheck,
}: {
  record: StoredRecord;
  onSecondCheck?: ((recordId: string) => void) | undefined;
}) {
  const { t } = useTranslation(['approval', 'common']);
  const { storage } = useAppServices();
  const awaiting = record.reviewState === 'awaiting' && record.envelope !== null && onSecondCheck !== undefined;
  const approversHere = useStoredValue(
    storage,
    (s) => (awaiting ? localApprovers(s, record.ownerId) : Promise.resolve([])),
    record.ownerId,
  );
  if (record.reviewState === 'notRequired') return null;
  const review = record.review;
  return (
    <div className="record__review" data-review-state={record.reviewState}>
      <span className={`badge badge--review-${record.reviewState}`}>{t(`state.${record.reviewState}`)}</span>
      {review?.decision === 'approved' && record.reviewState === 'approved' && (
        <span className="record__meta">{t('approvedBy', { name: review.reviewerName })}</span>
      )}
      {review?.decision === 'sentBack' && record.reviewState === 'sentBack' && (
        <p className="record__comment">
          {t('sentBackBy', { name: review.reviewerName })} <q>{review.comment}</q>
        </p>
      )}
      {review?.syncState === 'pending' && <span className="record__meta">{t('reviewPending')}</span>}
      {review?.syncState === 'rejected' && review.rejection && (
        <p className="record__rejection">{t('reviewRejected', { reason: t(`common:errorReason.${review.rejection.reason}`) })}</p>
      )}
      {awaiting && approversHere !== undefined && approversHere.length === 0 && (
        <span className="record__meta" data-testid="checked-remotely">
          {t('checkedRemotely')}
        </span>
      )}
      {awaiting && approversHere !== undefined && approversHere.length > 0 && (
        <button
          type="button"
          className="button"
          onClick={() => {
            onSecondCheck(record.id);
          }}
        >
          {t('checkHere')}
        </button>
      )}
    </div>
  );
}
