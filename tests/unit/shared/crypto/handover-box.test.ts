import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@shared/crypto/bytes';
import {
  HandoverBoxError,
  createHandoverKey,
  importHandoverPublicKey,
  openHandover,
  sealHandover,
  unwrapHandoverKey,
} from '@shared/crypto/handover-box';
import { MIN_PBKDF2_ITERATIONS } from '@shared/crypto/key-derivation';
import { callbackPhoneSchema, handoverKeyEnrollmentSchema, warmHandoverSchema } from '@shared/handover-api';
import { generateCaseNumber } from '@domain/case-number';
import { referralRecordSchema } from '@shared/records/sync-record';

const binding = { recordId: '01890000-0000-7000-8000-000000000001', offerId: 'familienhebamme-nord' };
const KEY_A = '01890000-0000-7000-8000-00000000000a';
const KEY_B = '01890000-0000-7000-8000-00000000000b';

function flipByte(text: string, index: number): string {
  const bytes = fromBase64Url(text);
  bytes[index % bytes.length] = (bytes[index % bytes.length] ?? 0) ^ 0x01;
  return toBase64Url(bytes);
}

async function partnerKey(passphrase = 'lange-passphrase-partner') {
  return createHandoverKey(passphrase, MIN_PBKDF2_ITERATIONS);
}

describe('warm handover boxes', () => {
  it('each recipient opens its own box; the boxes never contain the number', async () => {
    const [a, b] = await Promise.all([partnerKey(), partnerKey()]);
    const boxes = await sealHandover({ phone: '0151 2345678' }, binding, [
      { keyId: KEY_A, publicKey: a.publicKey },
      { keyId: KEY_B, publicKey: b.publicKey },
    ]);
    expect(JSON.stringify(boxes)).not.toMatch(/2345678|0151/);
    const [boxA, boxB] = boxes;
    if (!boxA || !boxB) throw new Error('two boxes expected');
    expect(await openHandover(a.privateKey, boxA, binding)).toEqual({ phone: '0151 2345678' });
    expect(await openHandover(b.privateKey, boxB, binding)).toEqual({ phone: '0151 2345678' });
    // Another recipient's box does not open with this key.
    await expect(openHandover(a.privateKey, { ...boxB, keyId: KEY_A }, binding)).rejects.toBeInstanceOf(HandoverBoxError);
  });

  it('a box moved to another referral, offer or key id, or with one changed byte, does not open', async () => {
    const a = await partnerKey();
    const [box] = await sealHandover({ phone: '0151 2345678' }, binding, [{ keyId: KEY_A, publicKey: a.publicKey }]);
    if (!box) throw new Error('box expected');
    const refused = [
      () => openHandover(a.privateKey, box, { ...binding, recordId: '01890000-0000-7000-8000-000000000002' }),
      () => openHandover(a.privateKey, box, { ...binding, offerId: 'elterncafe' }),
      () => openHandover(a.privateKey, { ...box, keyId: KEY_B }, binding),
      () => openHandover(a.privateKey, { ...box, ct: flipByte(box.ct, 3) }, binding),
      () => openHandover(a.privateKey, { ...box, iv: flipByte(box.iv, 0) }, binding),
      () => openHandover(a.privateKey, { ...box, epk: flipByte(box.epk, 70) }, binding),
    ];
    for (const attempt of refused) await expect(attempt()).rejects.toBeInstanceOf(HandoverBoxError);
  });

  it('the wrapped private key opens only with its passphrase, and unwrapped it cannot be exported', async () => {
    const a = await partnerKey('richtige-passphrase-1');
    const [box] = await sealHandover({ phone: '+49 2841 123456' }, binding, [{ keyId: KEY_A, publicKey: a.publicKey }]);
    if (!box) throw new Error('box expected');
    await expect(unwrapHandoverKey('falsche-passphrase-1', a.wrapped)).rejects.toBeInstanceOf(HandoverBoxError);
    await expect(unwrapHandoverKey('richtige-passphrase-1', { ...a.wrapped, ct: flipByte(a.wrapped.ct, 9) })).rejects.toBeInstanceOf(
      HandoverBoxError,
    );
    const unwrapped = await unwrapHandoverKey('richtige-passphrase-1', a.wrapped);
    expect(unwrapped.extractable).toBe(false);
    expect(await openHandover(unwrapped, box, binding)).toEqual({ phone: '+49 2841 123456' });
    // The enrolment the browser sends passes the shared schema (and so the server's validation).
    expect(
      handoverKeyEnrollmentSchema.safeParse({ keyId: KEY_A, publicKey: a.publicKey, wrapped: a.wrapped, password: 'kennwort' }).success,
    ).toBe(true);
  });

  it('refuses to seal to no key or to a key that is not ECDH P-256', async () => {
    await expect(sealHandover({ phone: '0151 2345678' }, binding, [])).rejects.toBeInstanceOf(HandoverBoxError);
    await expect(importHandoverPublicKey('AAAA')).rejects.toBeInstanceOf(HandoverBoxError);
  });
});

describe('call-back numbers and the referral record', () => {
  it.each(['0151 2345678', '+49 (2841) 12 34 56', '02841/123456', '0049-209-123456'])('accepts %s', (phone) => {
    expect(callbackPhoneSchema.safeParse(phone).success).toBe(true);
  });

  it.each(['', '12345', 'Frau Yilmaz 0151', '0151 2345678 ab 18 Uhr', '+49 1234567890123456', 'mail@example.org'])(
    'refuses %j',
    (phone) => {
      expect(callbackPhoneSchema.safeParse(phone).success).toBe(false);
    },
  );

  it('a record carries boxes only for the offer the family agreed to a call-back from', async () => {
    const a = await partnerKey();
    const boxes = await sealHandover({ phone: '0151 2345678' }, binding, [{ keyId: KEY_A, publicKey: a.publicKey }]);
    const record = {
      id: binding.recordId,
      revision: 1,
      formVersion: 'referral-1',
      deviceId: '01890000-0000-7000-8000-0000000000dd',
      createdAt: '2026-11-23T08:00:00.000Z',
      contentHash: 'a'.repeat(64),
      kind: 'referral',
      schemaVersion: 1,
      caseNumber: generateCaseNumber('MO'),
      content: {
        sourceRecordId: '01890000-0000-7000-8000-000000000003',
        offerIds: ['familienhebamme-nord', 'elterncafe'],
        language: 'de',
        slipHandedOver: true,
        callbackOfferId: 'familienhebamme-nord',
      },
      warmHandover: { offerId: 'familienhebamme-nord', boxes },
    };
    expect(warmHandoverSchema.safeParse(record.warmHandover).success).toBe(true);
    const accepted = referralRecordSchema.safeParse(record);
    expect(accepted.error?.issues ?? []).toEqual([]);
    // Boxes for another offer than the consented one, or without any consent: refused.
    expect(referralRecordSchema.safeParse({ ...record, warmHandover: { offerId: 'elterncafe', boxes } }).success).toBe(false);
    const { callbackOfferId: _omitted, ...withoutConsent } = record.content;
    expect(referralRecordSchema.safeParse({ ...record, content: withoutConsent }).success).toBe(false);
    // A call-back from an offer the family was not referred to: refused.
    expect(
      referralRecordSchema.safeParse({ ...record, content: { ...record.content, callbackOfferId: 'asd' }, warmHandover: undefined })
        .success,
    ).toBe(false);
  });
});
