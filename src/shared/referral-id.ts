// The id of one referral (one case to one offer): derived from the referral
// record's id and the offer, so a retried or revised record maps onto the same
// rows. A name-based UUID (version 8 layout) from SHA-256. The server derives
// it when projecting a referral record; the partner's browser derives it again
// to check that a call-back box it was handed belongs to the referral it opened.
import { utf8 } from './crypto/bytes';

export function referralIdName(recordId: string, offerId: string): string {
  return `lotse-referral/${recordId}/${offerId}`;
}

/** The UUID layout over the SHA-256 of `referralIdName` (hex). */
export function referralIdFromDigest(hex: string): string {
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The same id with WebCrypto (browser and Node). */
export async function referralIdFor(recordId: string, offerId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(referralIdName(recordId, offerId))));
  return referralIdFromDigest(Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join(''));
}
