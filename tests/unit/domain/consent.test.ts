import { describe, expect, it } from 'vitest';
import { consentCovers, requiredScope } from '@domain/consent';
import { RECORD_KINDS } from '@shared/records/sync-record';

const CASE = 'MO-7KQ3-M9XD-2FTR-AR';

describe('consent rules', () => {
  it('lets anonymous records through without any consent', () => {
    expect(consentCovers('homeContact', null, undefined, false)).toEqual({ ok: true });
  });

  it('refuses a record for a case without a consent, or whose consent lacks the scope', () => {
    expect(consentCovers('homeContact', CASE, undefined, false)).toEqual({ ok: false, reason: 'consentMissing' });
    expect(consentCovers('homeContact', CASE, { scopes: ['statistics', 'referral'] }, false)).toEqual({
      ok: false,
      reason: 'consentMissing',
    });
    expect(consentCovers('homeContact', CASE, { scopes: ['documentation'] }, false)).toEqual({ ok: true });
  });

  it('refuses everything for a withdrawn case, even with a consent at hand', () => {
    expect(consentCovers('homeContact', CASE, { scopes: ['documentation'] }, true)).toEqual({ ok: false, reason: 'caseWithdrawn' });
    expect(consentCovers('consent', CASE, undefined, true)).toEqual({ ok: false, reason: 'caseWithdrawn' });
  });

  it('names a required scope for every record kind that documents a case', () => {
    // Consent records themselves, and anonymous counts (never a case), need none.
    const exempt = new Set(['consent', 'consentWithdrawal', 'consentRefusal', 'welcomeVisitAttempt']);
    for (const kind of RECORD_KINDS) {
      const scope = requiredScope(kind);
      if (exempt.has(kind)) expect(scope, kind).toBeNull();
      else if (kind === 'referral') expect(scope, kind).toBe('referral');
      else expect(scope, kind).toBe('documentation');
    }
  });
});
