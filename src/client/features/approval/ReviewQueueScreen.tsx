// The approval queue of my organisation (approvers, online only): records of
// colleagues that reached the server and wait for a second check, danger
// first (acute danger, then "Dringend", then the oldest — domain/review-queue),
// each with its need level and case number. Nothing of it is stored on this
// tablet — it lives in this screen's state and is gone when the screen closes
// or the tablet locks. Opening one shows the same detail as the second check on
// the same tablet. Before the approve button is offered, the tablet checks the
// content against its hash and the author's signature; after signing, the full
// verdict runs here before it is sent.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppServices } from '../../app/AppContext';
import { personOf } from '../../storage';
import { useStoredValue } from '../../app/useStoredValue';
import { fetchReviewQueue, submitReviews } from '../../sync/backend-api';
import { authorStatement, keyFingerprint, verifyStatement, type ReviewDecision, type ReviewQueueItem } from '@shared/four-eyes';
import { syncRecordSchema, type SyncRecord } from '@shared/records/sync-record';
import { screeningContentSchema, type ScreeningContent } from '@shared/records/screening';
import { contentHash } from '@shared/content-hash';
import { subjectOf } from '@domain/four-eyes';
import { effectiveSupportNeed } from '@domain/questionnaire';
import { orderReviewQueue, urgencyOf, type QueueEntry } from '@domain/review-queue';
import { CorrectionComment } from './CorrectionComment';
import { RecordDetail } from './RecordDetail';
import { statementFor, submissionFor } from './review-signing';

/** A queue item's screening content, if it is one (for the list: level and danger; checked again when opened). */
function screeningOf(item: ReviewQueueItem): ScreeningContent | null {
  if (item.record['kind'] !== 'screening') return null;
  const parsed = screeningContentSchema.safeParse(item.record['content']);
  return parsed.success ? parsed.data : null;
}

function queueEntry(item: ReviewQueueItem): QueueEntry {
  return { id: String(item.record['id']), urgency: urgencyOf(screeningOf(item) ?? {}), receivedAt: item.receivedAt };
}

type Loaded = { kind: 'loading' } | { kind: 'offline' } | { kind: 'failed' } | { kind: 'ready'; items: ReviewQueueItem[] };

/** The record of a queue item, if its content matches its hash and its author's signature verifies. */
async function verifiedRecord(item: ReviewQueueItem): Promise<SyncRecord | null> {
  const parsed = syncRecordSchema.safeParse(item.record);
  if (!parsed.success) return null;
  const record = parsed.data;
  const signature = record.authorSignature;
  if (!signature || (await contentHash(record.content)) !== record.contentHash) return null;
  if ((await keyFingerprint(item.author.publicKey)) !== signature.keyFingerprint || signature.signerId !== item.author.accountId)
    return null;
  const ok = await verifyStatement(
    item.author.publicKey,
    authorStatement(subjectOf(record), signature.reviewId, signature.signerId, signature.keyFingerprint),
    signature.signature,
  );
  return ok ? record : null;
}

function ReviewItem({ item, onDecided }: { item: ReviewQueueItem; onDecided: () => void }) {
  const { t } = useTranslation(['approval', 'common']);
  const { storage } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const [record, setRecord] = useState<SyncRecord | null | undefined>(undefined);
  const [comment, setComment] = useState('');
  /** The reviewer chose "send back": only then is the correction comment asked for. */
  const [sendingBack, setSendingBack] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let active = true;
    void verifiedRecord(item).then((verified) => {
      if (active) setRecord(verified);
    });
    return () => {
      active = false;
    };
  }, [item]);

  const decide = async (decision: ReviewDecision) => {
    const me = storage.vault.unlockedUser;
    const session = await storage.device.session();
    if (!record || !me || !session) return;
    const trimmed = comment.trim();
    if (decision === 'sentBack' && trimmed.length === 0) {
      setMessage({ ok: false, text: t('flow.commentRequired') });
      return;
    }
    setBusy(true);
    try {
      const slot = await storage.vault.slot(me.userId);
      if (!slot) return;
      const fingerprint = await keyFingerprint(slot.signingPublicKey);
      const intent = {
        record,
        decision,
        comment: decision === 'sentBack' ? trimmed : null,
        reviewerId: me.userId,
        reviewerFingerprint: fingerprint,
      };
      const submission = submissionFor(intent, await storage.vault.signAsUnlockedUser(await statementFor(intent)), new Date());
      const personId = personOf(me.userId, config);
      const verdict = await storage.reviews.verifyRemote(submission, record, item.author.accountId, item.author, {
        accountId: me.userId,
        personId,
        displayName: me.displayName,
        publicKey: slot.signingPublicKey,
        keyFingerprint: fingerprint,
        organisationId: me.organisationId,
      });
      if (!verdict.ok) {
        setMessage({ ok: false, text: t('flow.refused', { reason: t(`common:errorReason.${verdict.reason}`) }) });
        return;
      }
      const answer = await submitReviews(session.token, await storage.device.deviceId(), [submission]);
      const result = answer.results[0];
      if (result?.outcome === 'accepted') {
        setMessage({ ok: true, text: t('queue.submitted') });
        onDecided();
      } else {
        setMessage({ ok: false, text: t('queue.refused', { reason: t(`common:errorReason.${result?.reason ?? 'internal'}`) }) });
      }
    } catch {
      setMessage({ ok: false, text: t('queue.loadFailed') });
    } finally {
      setBusy(false);
    }
  };

  if (record === undefined) return null;
  if (record === null) {
    return (
      <p className="form-error" role="alert">
        {t('queue.cannotVerify')}
      </p>
    );
  }
  return (
    <div className="review-item">
      <RecordDetail record={record} authorName={item.author.displayName} />
      {sendingBack && !message?.ok && <CorrectionComment id={`comment-${record.id}`} value={comment} onChange={setComment} />}
      {message && (
        <p className={message.ok ? 'notice' : 'form-error'} role={message.ok ? 'status' : 'alert'} data-testid="review-message">
          {message.text}
        </p>
      )}
      {!message?.ok && (
        <div className="actions">
          {sendingBack ? (
            <>
              <button
                type="button"
                className="button button--large"
                disabled={busy}
                onClick={() => {
                  setSendingBack(false);
                  setComment('');
                  setMessage(null);
                }}
              >
                {t('flow.notSendBack')}
              </button>
              <button
                type="button"
                className="button button--primary button--large"
                disabled={busy}
                onClick={() => void decide('sentBack')}
              >
                {t('flow.sendBackSign')}
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                className="button button--large"
                disabled={busy}
                onClick={() => {
                  setSendingBack(true);
                  setMessage(null);
                }}
              >
                {t('flow.sendBack')}
              </button>
              <button
                type="button"
                className="button button--primary button--large"
                disabled={busy}
                onClick={() => void decide('approved')}
              >
                {t('flow.approve')}
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}

export function ReviewQueueScreen({ onDone }: { onDone: () => void }) {
  const { t, i18n } = useTranslation(['approval', 'screening']);
  const { storage } = useAppServices();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [open, setOpen] = useState<string | null>(null);
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  useEffect(() => {
    const screen = { open: true };
    void (async () => {
      const session = await storage.device.session();
      let next: Loaded;
      if (!session || !navigator.onLine) next = { kind: 'offline' };
      else {
        try {
          next = { kind: 'ready', items: (await fetchReviewQueue(session.token)).items };
        } catch {
          next = { kind: 'failed' };
        }
      }
      if (screen.open) setLoaded(next);
    })();
    return () => {
      screen.open = false;
    };
  }, [storage]);

  return (
    <section className="card" aria-labelledby="review-queue-title">
      <h1 id="review-queue-title">{t('queue.title')}</h1>
      <p className="hint">{t('queue.intro')}</p>
      {loaded.kind === 'offline' && (
        <p className="notice" role="status">
          {t('queue.offline')}
        </p>
      )}
      {loaded.kind === 'failed' && (
        <p className="form-error" role="alert">
          {t('queue.loadFailed')}
        </p>
      )}
      {loaded.kind === 'ready' && loaded.items.length === 0 && <p className="hint">{t('queue.empty')}</p>}
      {loaded.kind === 'ready' && loaded.items.length > 0 && (
        <ul className="record-list" data-testid="review-queue">
          {orderReviewQueue(loaded.items, queueEntry).map((item) => {
            const id = String(item.record['id']);
            const kind = String(item.record['kind']);
            const caseNumber = item.record['caseNumber'];
            const screening = screeningOf(item);
            const urgency = queueEntry(item).urgency;
            return (
              <li key={id} className="record review-queue__item" data-record-id={id} data-urgency={urgency}>
                <div className="record__main">
                  <span className="record__title">{t(`kinds.${kind as 'screening'}`)}</span>
                  {screening && (
                    <span className="record__badges">
                      {urgency === 'acuteDanger' && <span className="badge badge--danger">{t('queue.acuteDanger')}</span>}
                      <span
                        className={`badge${effectiveSupportNeed(screening) === 'urgent' ? ' badge--urgent' : ''}`}
                        data-testid="queue-need"
                      >
                        {t(`screening:supportNeed.${effectiveSupportNeed(screening)}`)}
                      </span>
                    </span>
                  )}
                  {typeof caseNumber === 'string' && (
                    <span className="record__meta">
                      {t('queue.caseNumber')}{' '}
                      <bdi dir="ltr" className="case-number-text">
                        {caseNumber}
                      </bdi>
                    </span>
                  )}
                  <span className="record__meta">
                    {t('queue.by', { name: item.author.displayName, time: time.format(new Date(item.receivedAt)) })}
                  </span>
                </div>
                {open === id ? (
                  <ReviewItem item={item} onDecided={() => undefined} />
                ) : (
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      setOpen(id);
                    }}
                  >
                    {t('queue.review')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div className="actions">
        <button type="button" className="button button--large" onClick={onDone}>
          {t('queue.back')}
        </button>
      </div>
    </section>
  );
}
