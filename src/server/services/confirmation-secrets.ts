// How the two secrets of a confirmation without an account are stored: only
// SHA-256 digests, domain-separated. A partner key has 60 random bits and a
// slip code 40, both behind the throttle of services/confirmation-limits.ts;
// what a copy of the database would allow is in docs/THREAT-MODEL.md.
import { createHash } from 'node:crypto';

/** SHA-256 of a partner key (canonical form), as stored with the offer. */
export function partnerKeyHash(canonicalKey: string): string {
  return createHash('sha256').update(`lotse-partner-key/v1\u0000${canonicalKey}`).digest('hex');
}

/** SHA-256 of a slip code (canonical form), bound to its municipality and offer, as stored with the referral. */
export function slipCodeHash(municipalityId: string, offerId: string, canonicalCode: string): string {
  return createHash('sha256').update(`lotse-slip-code/v1\u0000${municipalityId}\u0000${offerId}\u0000${canonicalCode}`).digest('hex');
}
