// The second check on the same tablet: the author hands the tablet to a
// colleague who may approve. The colleague sees exactly what is signed
// (RecordDetail), enters THEIR passphrase — which opens only their signing key,
// for this one signature, counted and throttled like an unlock — and approves
// or sends the record back with a comment. The tablet runs the server's own
// verdict before it shows anything as approved; the author's session stays.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import type { StoredRecord } from '../../storage';
import { keyFingerprint, type ReviewDecision } from '@shared/four-eyes';
import { CorrectionComment } from './CorrectionComment';
import { RecordDetail } from './RecordDetail';
import { statementFor, submissionFor } from './review-signing';

const DEFAULT_MAX_ATTEMPTS = 10;

interface Colleague {
  userId: string;
  displayName: string;
  enrolled: boolean;
}

type Outcome = { kind: 'approved' | 'sentBack'; name: string } | null;

export function SecondCheckFlow({ recordId, onDone }: { recordId: string; onDone: () => void }) {
  const { t, i18n } = useTranslation(['approval', 'common']);
  const { storage, sync } = useAppServices();
  const config = useStoredValue(storage, (s) => s.device.config());
  const [record, setRecord] = useState<StoredRecord | null | undefined>(undefined);
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const [reviewerId, setReviewerId] = useState<string>('');
  const [passphrase, setPassphrase] = useState('');
  const [comment, setComment] = useState('');
  /** The reviewer chose "send back": only then is the correction comment asked for. */
  const [sendingBack, setSendingBack] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  useEffect(() => {
    const screen = { open: true };
    void (async () => {
      const found = (await storage.records.getRecord(recordId)) ?? null;
      const author = storage.vault.unlockedUser;
      const authorSlot = author ? await storage.vault.slot(author.userId) : undefined;
      const people: Colleague[] = [];
      for (const summary of await storage.vault.listSlots()) {
        const slot = await storage.vault.slot(summary.userId);
        if (!slot || !authorSlot || slot.userId === authorSlot.userId) continue;
        // Only approvers of the author's organisation are offered (the verdict checks it again).
        if (!slot.roles.includes('approver') || slot.organisationId !== authorSlot.organisationId) continue;
        people.push({ userId: slot.userId, displayName: slot.displayName, enrolled: slot.signingKeyEnrolled });
      }
      if (!screen.open) return;
      setRecord(found);
      setColleagues(people);
      setReviewerId((current) => current || (people.find((p) => p.enrolled)?.userId ?? ''));
    })();
    return () => {
      screen.open = false;
    };
  }, [storage, recordId]);

  const decide = async (decision: ReviewDecision) => {
    const envelope = record?.envelope;
    const reviewer = colleagues.find((c) => c.userId === reviewerId);
    if (!envelope || !reviewer) return;
    const trimmed = comment.trim();
    if (decision === 'sentBack' && trimmed.length === 0) {
      setProblem(t('flow.commentRequired'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const slot = await storage.vault.slot(reviewer.userId);
      if (!slot) throw new Error('slot gone');
      const intent = {
        record: envelope,
        decision,
        comment: decision === 'sentBack' ? trimmed : null,
        reviewerId: reviewer.userId,
        reviewerFingerprint: await keyFingerprint(slot.signingPublicKey),
      };
      const signed = await storage.vault.signWithPassphrase(
        reviewer.userId,
        passphrase,
        config?.security.maxUnlockAttempts ?? DEFAULT_MAX_ATTEMPTS,
        await statementFor(intent),
      );
      setPassphrase('');
      if (signed.kind === 'wrong') {
        setProblem(t('flow.wrongPassphrase', { count: signed.remaining }));
        return;
      }
      if (signed.kind === 'throttled') {
        setProblem(t('flow.throttled', { time: new Date(signed.retryAt).toLocaleTimeString(i18n.language) }));
        return;
      }
      if (signed.kind === 'wiped' || signed.kind === 'noSlot') {
        setProblem(t('flow.wiped'));
        return;
      }
      const submission = submissionFor(intent, signed.signature, new Date());
      const verdict = await storage.reviews.verifyOnTablet(submission);
      if (!verdict.ok) {
        setProblem(t('flow.refused', { reason: t(`common:errorReason.${verdict.reason}`) }));
        return;
      }
      await storage.reviews.saveLocalReview(submission, reviewer.displayName);
      sync.trigger();
      setOutcome({ kind: decision, name: reviewer.displayName });
    } finally {
      setBusy(false);
    }
  };

  if (record === undefined) return null;
  if (outcome) {
    return (
      <section className="card" aria-labelledby="second-check-title">
        <h1 id="second-check-title">{t('flow.title')}</h1>
        <p className="notice" role="status" data-testid="second-check-outcome">
          {outcome.kind === 'approved' ? t('flow.approvedDone', { name: outcome.name }) : t('flow.sentBackDone')}
        </p>
        <div className="actions">
          <button type="button" className="button button--primary button--large" onClick={onDone}>
            {t('flow.done')}
          </button>
        </div>
      </section>
    );
  }
  const envelope = record?.envelope;
  const chosen = colleagues.find((c) => c.userId === reviewerId);
  return (
    <section className="card" aria-labelledby="second-check-title">
      <h1 id="second-check-title">{t('flow.title')}</h1>
      {!envelope ? (
        <p className="form-error" role="alert">
          {t('flow.notFound')}
        </p>
      ) : (
        <>
          <p className="hint">{t('flow.handOver')}</p>
          <RecordDetail record={envelope} authorName={storage.vault.unlockedUser?.displayName} />
          {colleagues.length === 0 ? (
            <p className="notice" role="status">
              {t('flow.noReviewer')}
            </p>
          ) : (
            <form
              className="second-check-form"
              onSubmit={(event) => {
                event.preventDefault();
                void decide(sendingBack ? 'sentBack' : 'approved');
              }}
            >
              <fieldset className="choice-group">
                <legend>{t('flow.reviewer')}</legend>
                {colleagues.map((person) => (
                  <label key={person.userId} className="choice">
                    <input
                      type="radio"
                      name="reviewer"
                      value={person.userId}
                      checked={reviewerId === person.userId}
                      disabled={!person.enrolled}
                      onChange={() => {
                        setReviewerId(person.userId);
                      }}
                    />
                    <span>
                      {person.displayName} {!person.enrolled && t('flow.keyNotEnrolled')}
                    </span>
                  </label>
                ))}
              </fieldset>
              {chosen && (
                <div className="field">
                  <label htmlFor="reviewer-passphrase">{t('flow.passphrase', { name: chosen.displayName })}</label>
                  <input
                    id="reviewer-passphrase"
                    type="password"
                    autoComplete="off"
                    value={passphrase}
                    onChange={(e) => {
                      setPassphrase(e.target.value);
                    }}
                  />
                </div>
              )}
              {sendingBack && <CorrectionComment id="review-comment" value={comment} onChange={setComment} />}
              {problem !== null && (
                <p className="form-error" role="alert">
                  {problem}
                </p>
              )}
              <div className="actions">
                {sendingBack ? (
                  <>
                    <button
                      type="button"
                      className="button button--large"
                      onClick={() => {
                        setSendingBack(false);
                        setComment('');
                        setProblem(null);
                      }}
                    >
                      {t('flow.notSendBack')}
                    </button>
                    <button
                      type="button"
                      className="button button--primary button--large"
                      disabled={busy || !chosen || passphrase.length === 0}
                      onClick={() => void decide('sentBack')}
                    >
                      {t('flow.sendBackSign')}
                    </button>
                  </>
                ) : (
                  <>
                    <button type="button" className="button button--large" onClick={onDone}>
                      {t('flow.cancel')}
                    </button>
                    <button
                      type="button"
                      className="button button--large"
                      onClick={() => {
                        setSendingBack(true);
                        setProblem(null);
                      }}
                    >
                      {t('flow.sendBack')}
                    </button>
                    <button
                      type="submit"
                      className="button button--primary button--large"
                      disabled={busy || !chosen || passphrase.length === 0}
                    >
                      {t('flow.approve')}
                    </button>
                  </>
                )}
              </div>
            </form>
          )}
        </>
      )}
    </section>
  );
}
