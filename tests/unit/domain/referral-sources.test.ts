// Which records a referral can start from: one list, asked by the tablet's
// referral screen, the four-eyes rule and the server's source linking.
import { describe, expect, it } from 'vitest';
import { isReferralSourceKind, recommendedOffers, REFERRAL_SOURCE_KINDS } from '@domain/referral-sources';
import { createsReferral } from '@domain/four-eyes';
import { RECORD_KINDS } from '@shared/records/sync-record';
import { screeningContent, screeningRecord } from '../../fixtures/four-eyes';
import { welcomeVisitRecord } from '../../fixtures/referral-records';
import { homeContactRecord, TEST_DEVICE_ID } from '../../fixtures/home-contacts';

describe('referral source kinds', () => {
  it('are screenings and welcome visits, and nothing else', () => {
    expect([...REFERRAL_SOURCE_KINDS].sort()).toEqual(['screening', 'welcomeVisit']);
    expect(RECORD_KINDS.filter(isReferralSourceKind).sort()).toEqual(['screening', 'welcomeVisit']);
    expect(isReferralSourceKind(undefined)).toBe(false);
    expect(isReferralSourceKind('welcomeVisitAttempt')).toBe(false);
  });

  it('start a referral only when they recommend offers', async () => {
    const screening = await screeningRecord(TEST_DEVICE_ID, 'C', { content: screeningContent({ suggestedOffers: ['hebamme'] }) });
    expect(recommendedOffers(screening)).toEqual(['hebamme']);
    expect(createsReferral(screening)).toBe(true);
    expect(createsReferral(await screeningRecord(TEST_DEVICE_ID, 'C'))).toBe(false);
    const visit = await welcomeVisitRecord(TEST_DEVICE_ID, 'C', { offersRecommended: ['elterncafe'] });
    expect(recommendedOffers(visit)).toEqual(['elterncafe']);
    expect(createsReferral(visit)).toBe(true);
    const contact = await homeContactRecord();
    expect(recommendedOffers(contact)).toEqual([]);
    expect(createsReferral(contact)).toBe(false);
  });
});
