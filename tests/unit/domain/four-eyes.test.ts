// The four-eyes verdict (src/domain/four-eyes.ts) that tablet and server both
// compute, and which records need the second check. Each rule is exercised
// alone: the test fails if the rule is removed.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOUR_EYES_POLICY, needsSecondCheck, subjectOf, verifyReview, type ReviewFacts, type SignerFacts } from '@domain/four-eyes';
import { newSigner, review, screeningContent, screeningRecord, signAsAuthor, type TestSigner } from '../../fixtures/four-eyes';
import { homeContactRecord } from '../../fixtures/home-contacts';
import { referralRecord } from '../../fixtures/referral-records';
import type { ReviewSubmission } from '@shared/four-eyes';
import type { SyncRecord } from '@shared/records/sync-record';

const DEVICE = '0193a4d0-0000-7000-8000-000000000001';
const CASE = 'MO-ABCD-EFGH-JKMN-P';

function signer(key: TestSigner, overrides: Partial<SignerFacts> = {}): SignerFacts {
  return {
    accountId: key.accountId,
    personId: key.accountId,
    organisationId: 'klinik',
    roles: ['fieldworker', 'approver'],
    active: true,
    key: { publicKey: key.publicKey, revoked: false },
    ...overrides,
  };
}

async function scenario() {
  const author = await newSigner('anna');
  const reviewer = await newSigner('berta');
  const record = await signAsAuthor(await screeningRecord(DEVICE, CASE), author);
  const submission = await review(record, reviewer);
  const stored = { ...subjectOf(record), authorId: 'anna', latestRevision: 1 };
  const facts: ReviewFacts = {
    record: stored,
    author: signer(author),
    reviewer: signer(reviewer),
    reviewIdUsed: false,
    alreadyDecided: false,
  };
  return { author, reviewer, record, submission, facts, stored };
}

const reasonOf = async (submission: ReviewSubmission, facts: ReviewFacts) => {
  const verdict = await verifyReview(submission, facts);
  return verdict.ok ? 'ok' : verdict.reason;
};

describe('verifyReview', () => {
  it('accepts a second check by a different approver of the same organisation', async () => {
    const { submission, facts } = await scenario();
    expect(await reasonOf(submission, facts)).toBe('ok');
  });

  it('refuses the author approving with their own key', async () => {
    const { author, record, facts } = await scenario();
    expect(await reasonOf(await review(record, author), { ...facts, reviewer: signer(author) })).toBe('selfApproval');
  });

  it('refuses a second key of the same account, and a second account of the same person', async () => {
    const { record, facts } = await scenario();
    const secondKey = await newSigner('anna');
    expect(await reasonOf(await review(record, secondKey), { ...facts, reviewer: signer(secondKey) })).toBe('selfApproval');
    const otherAccount = await newSigner('anna-2');
    const linked = { ...facts, reviewer: signer(otherAccount, { personId: 'anna' }) };
    expect(await reasonOf(await review(record, otherAccount), linked)).toBe('selfApproval');
    // Not linked: the same signed review is fine.
    expect(await reasonOf(await review(record, otherAccount), { ...facts, reviewer: signer(otherAccount) })).toBe('ok');
  });

  it('refuses a reviewer without the approver role, of another organisation, or deactivated', async () => {
    const { submission, facts, reviewer } = await scenario();
    expect(await reasonOf(submission, { ...facts, reviewer: signer(reviewer, { roles: ['fieldworker'] }) })).toBe('notApprover');
    expect(await reasonOf(submission, { ...facts, reviewer: signer(reviewer, { organisationId: 'jugendamt' }) })).toBe('notApprover');
    expect(await reasonOf(submission, { ...facts, reviewer: signer(reviewer, { active: false }) })).toBe('notApprover');
  });

  it('refuses revoked and unknown keys', async () => {
    const { submission, facts, reviewer, author } = await scenario();
    expect(
      await reasonOf(submission, { ...facts, reviewer: signer(reviewer, { key: { publicKey: reviewer.publicKey, revoked: true } }) }),
    ).toBe('keyRevoked');
    expect(await reasonOf(submission, { ...facts, author: signer(author, { key: undefined }) })).toBe('unknownKey');
  });

  it('refuses any flipped detail of what was signed', async () => {
    const { submission, facts, record, stored } = await scenario();
    const changedContent = await screeningRecord(DEVICE, CASE, { id: record.id, content: screeningContent({ score: 9 }) });
    // The stored revision has other content than what was signed.
    expect(await reasonOf(submission, { ...facts, record: { ...stored, contentHash: changedContent.contentHash } })).toBe('hashMismatch');
    expect(await reasonOf({ ...submission, decision: 'sentBack', comment: 'x' }, facts)).toBe('invalidSignature');
    expect(await reasonOf({ ...submission, reviewer: { ...submission.reviewer, signature: submission.author.signature } }, facts)).toBe(
      'invalidSignature',
    );
    expect(await reasonOf({ ...submission, author: { ...submission.author, signature: submission.reviewer.signature } }, facts)).toBe(
      'invalidSignature',
    );
  });

  it('refuses a stale revision, a used review id and a second decision', async () => {
    const { submission, facts, stored } = await scenario();
    expect(await reasonOf(submission, { ...facts, record: { ...stored, latestRevision: 2 } })).toBe('staleRevision');
    expect(await reasonOf(submission, { ...facts, reviewIdUsed: true })).toBe('reviewIdUsed');
    expect(await reasonOf(submission, { ...facts, alreadyDecided: true })).toBe('alreadyReviewed');
    expect(await reasonOf(submission, { ...facts, record: undefined })).toBe('notFound');
  });

  it('refuses an author signature by someone other than the record’s author', async () => {
    const { submission, facts, stored } = await scenario();
    expect(await reasonOf(submission, { ...facts, record: { ...stored, authorId: 'carla' } })).toBe('invalidSignature');
  });
});

describe('needsSecondCheck', () => {
  const withOffers = async (offers: string[]): Promise<SyncRecord> =>
    screeningRecord(DEVICE, CASE, { content: screeningContent({ suggestedOffers: offers }) });

  it('checks screenings by default, and records that create a referral', async () => {
    expect(needsSecondCheck(await withOffers([]), DEFAULT_FOUR_EYES_POLICY)).toBe(true);
    expect(needsSecondCheck(await withOffers(['familienhebamme-demo']), { kinds: [], forReferrals: true })).toBe(true);
    expect(needsSecondCheck(await withOffers([]), { kinds: [], forReferrals: true })).toBe(false);
    expect(needsSecondCheck(await withOffers(['familienhebamme-demo']), { kinds: [], forReferrals: false })).toBe(false);
  });

  it('checks the referral record itself while the municipality requires the check for referrals (M2)', async () => {
    const referral = await referralRecord(DEVICE, CASE);
    expect(needsSecondCheck(referral, DEFAULT_FOUR_EYES_POLICY)).toBe(true);
    expect(needsSecondCheck(referral, { kinds: [], forReferrals: true })).toBe(true);
    expect(needsSecondCheck(referral, { kinds: ['screening'], forReferrals: false })).toBe(false);
  });

  it('never checks an anonymous HOME tally, whatever the configuration', async () => {
    const tally = await homeContactRecord();
    expect(needsSecondCheck(tally, { kinds: ['homeContact'], forReferrals: true })).toBe(false);
    expect(needsSecondCheck({ ...tally, caseNumber: CASE }, { kinds: ['homeContact'], forReferrals: true })).toBe(true);
  });
});
