// Who wrote a pushed record on a shared tablet: the pusher, unless the record
// is signed by someone else — then that colleague, only with a verifying
// signature by their key enrolled for the pushing tablet, while they may record.
import { describe, expect, it } from 'vitest';
import { judgeAuthorship, type AuthorAccountFacts } from '@domain/record-authorship';
import { newSigner, screeningRecord, signAsAuthor, type TestSigner } from '../../fixtures/four-eyes';

const TABLET = '0192a5b0-0000-7000-8000-000000000001';
const OTHER_TABLET = '0192a5b0-0000-7000-8000-000000000002';
const CASE = 'K7QM-4TXP-2WH9-RL';

function factsOf(signer: TestSigner, overrides: Partial<AuthorAccountFacts> = {}): AuthorAccountFacts {
  return {
    accountId: signer.accountId,
    active: true,
    mayRecord: true,
    key: { publicKey: signer.publicKey, deviceId: TABLET, revoked: false },
    ...overrides,
  };
}

describe('judgeAuthorship', () => {
  it('takes the pusher as author of an unsigned record or of one the pusher signed (the old path)', async () => {
    const record = await screeningRecord(TABLET, CASE);
    expect(await judgeAuthorship(record, { accountId: 'b', deviceId: TABLET }, undefined)).toEqual({
      ok: true,
      authorId: 'b',
      onBehalf: false,
    });
    const own = await signAsAuthor(record, await newSigner('b'));
    expect(await judgeAuthorship(own, { accountId: 'b', deviceId: TABLET }, undefined)).toMatchObject({ ok: true, authorId: 'b' });
  });

  it("takes the signer as author of a colleague's record whose signature verifies with the key enrolled for this tablet", async () => {
    const a = await newSigner('a');
    const record = await signAsAuthor(await screeningRecord(TABLET, CASE), a);
    expect(await judgeAuthorship(record, { accountId: 'b', deviceId: TABLET }, factsOf(a))).toEqual({
      ok: true,
      authorId: 'a',
      onBehalf: true,
    });
  });

  it('refuses an unknown author, a key of another tablet, a revoked key, a deactivated author and a changed record', async () => {
    const a = await newSigner('a');
    const record = await signAsAuthor(await screeningRecord(TABLET, CASE), a);
    const pusher = { accountId: 'b', deviceId: TABLET };
    const reasonOf = async (facts: AuthorAccountFacts | undefined, r = record) => {
      const verdict = await judgeAuthorship(r, pusher, facts);
      return verdict.ok ? 'accepted' : `${verdict.reason}:${verdict.issue.message}`;
    };
    expect(await reasonOf(undefined)).toBe('unknownKey:unknownAuthor');
    expect(await reasonOf(factsOf(a, { key: undefined }))).toBe('unknownKey:keyNotEnrolledOnThisTablet');
    expect(await reasonOf(factsOf(a, { key: { publicKey: a.publicKey, deviceId: OTHER_TABLET, revoked: false } }))).toBe(
      'unknownKey:keyNotEnrolledOnThisTablet',
    );
    expect(await reasonOf(factsOf(a, { key: { publicKey: a.publicKey, deviceId: TABLET, revoked: true } }))).toBe('keyRevoked:keyRevoked');
    expect(await reasonOf(factsOf(a, { active: false }))).toBe('authorNotAllowed:authorNotAllowed');
    expect(await reasonOf(factsOf(a, { mayRecord: false }))).toBe('authorNotAllowed:authorNotAllowed');
    // Signed for revision 1, sent as revision 2: the signature covers exactly what was saved.
    expect(await reasonOf(factsOf(a), { ...record, revision: 2 })).toBe('invalidSignature:signatureDoesNotVerify');
    // Another person's key under A's name.
    const impostor = await newSigner('a');
    expect(await reasonOf(factsOf(impostor), record)).toBe('invalidSignature:signatureDoesNotVerify');
  });
});
