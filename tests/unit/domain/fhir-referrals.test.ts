// Referrals as FHIR R4 ServiceRequest + Task: the status table of
// docs/REFERRALS.md, the case number as the only identifier, and a Bundle of
// every state and reason that the official R4 JSON schema accepts.
import { describe, expect, it } from 'vitest';
import { REASONS_BY_STATE, REFERRAL_STATES, type ReferralReason, type ReferralState } from '@domain/referral-state';
import { referralsBundle, taskStatusOf, REFERRAL_REASON_SYSTEM, type ReferralExportRow, type TaskResource } from '@domain/fhir-referrals';
import { CASE_NUMBER_SYSTEM, monthOf } from '@domain/fhir-types';
import { fhirSchemaErrors } from '../../fixtures/fhir-schema';

/** Every pair docs/REFERRALS.md lists, with the Task.status it names. */
const DOCUMENTED: [ReferralState, ReferralReason | null, string][] = [
  ['suggested', null, 'draft'],
  ['handedOver', null, 'requested'],
  ['contacted', null, 'accepted'],
  ['contacted', 'appointmentMade', 'accepted'],
  ['started', null, 'in-progress'],
  ['completed', null, 'completed'],
  ['completed', 'gotHelp', 'completed'],
  ['completed', 'referredElsewhere', 'completed'],
  ['completed', 'other', 'completed'],
  ['declined', 'notEligible', 'rejected'],
  ['declined', 'noCapacity', 'rejected'],
  ['declined', 'referredElsewhere', 'rejected'],
  ['declined', 'couldNotContact', 'failed'],
  ['declined', 'noLongerInterested', 'cancelled'],
  ['declined', 'other', 'cancelled'],
  ['noResponse', null, 'on-hold'],
  ['noResponse', 'couldNotContact', 'on-hold'],
  ['noResponse', 'noLongerInterested', 'on-hold'],
  ['noResponse', 'other', 'on-hold'],
];

/** Every state with each reason it may carry, and without one where that is allowed. */
function allowedPairs(): [ReferralState, ReferralReason | null][] {
  return REFERRAL_STATES.flatMap((state) => {
    const rule = REASONS_BY_STATE[state];
    const reasons: (ReferralReason | null)[] = [...(rule?.reasons ?? [])];
    if (!rule?.required) reasons.unshift(null);
    return reasons.map((reason): [ReferralState, ReferralReason | null] => [state, reason]);
  });
}

function row(state: ReferralState, reason: ReferralReason | null, caseNumber = 'DEMO-7K3Q-M9XD-2FDA-7HNP'): ReferralExportRow {
  return {
    caseNumber,
    offerName: 'Familienhebamme Nord',
    offerOrganisation: 'Gesundheitsamt Demo-Stadt',
    offerType: 'familienhebamme',
    state,
    reason,
    createdAt: new Date('2026-03-12T09:00:00+01:00'),
  };
}

let counter = 0;
const options = {
  newId: () => `0190a0a0-0000-7000-8000-${String(++counter).padStart(12, '0')}`,
  month: (d: Date) => monthOf(d),
  now: new Date('2026-12-07T12:00:00Z'),
};

describe('FHIR Task.status of a referral', () => {
  it('follows the table in docs/REFERRALS.md for every state and reason', () => {
    for (const [state, reason, status] of DOCUMENTED) expect(taskStatusOf(state, reason), `${state}/${reason ?? '—'}`).toBe(status);
  });

  it('covers every state and reason the state machine allows, and the table lists them all', () => {
    const documented = new Set(DOCUMENTED.map(([s, r]) => `${s}/${r ?? ''}`));
    for (const [state, reason] of allowedPairs())
      expect(documented.has(`${state}/${reason ?? ''}`), `${state}/${reason ?? '—'}`).toBe(true);
  });
});

describe('the month an export names', () => {
  it('is the calendar month in Germany, not in UTC', () => {
    // 23:30 UTC on 31 March is already 1 April in Berlin (summer time).
    expect(monthOf(new Date('2026-03-31T23:30:00Z'))).toBe('2026-04');
    expect(monthOf(new Date('2026-12-31T22:59:00Z'))).toBe('2026-12');
    expect(monthOf(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01');
  });
});

describe('FHIR Bundle of referrals', () => {
  const rows = allowedPairs().map(([state, reason]) => row(state, reason));
  const bundle = referralsBundle(rows, options);

  it('validates against the FHIR R4 JSON schema with zero errors', () => {
    expect(fhirSchemaErrors(bundle)).toEqual([]);
  });

  it('gives each referral a ServiceRequest and a Task that points at it, with the reason as statusReason', () => {
    expect(bundle.entry).toHaveLength(rows.length * 2);
    const tasks = bundle.entry.filter((e): e is { fullUrl: string; resource: TaskResource } => e.resource.resourceType === 'Task');
    const requests = new Set(bundle.entry.filter((e) => e.resource.resourceType === 'ServiceRequest').map((e) => e.fullUrl));
    tasks.forEach((task, i) => {
      expect(requests.has(task.resource.focus.reference)).toBe(true);
      const reason = rows[i]?.reason ?? null;
      expect(task.resource.statusReason?.coding?.[0]).toEqual(
        reason === null ? undefined : expect.objectContaining({ system: REFERRAL_REASON_SYSTEM, code: reason }),
      );
    });
    const declinedNoCapacity = tasks[rows.findIndex((r) => r.state === 'declined' && r.reason === 'noCapacity')];
    expect(declinedNoCapacity?.resource.status).toBe('rejected');
    expect(declinedNoCapacity?.resource.businessStatus.text).toBe('declined');
  });

  it('names the family only by its case number, and dates only by month', () => {
    const text = JSON.stringify(bundle);
    const identifiers = [...text.matchAll(/"identifier":\{"system":"([^"]+)","value":"([^"]+)"\}/g)];
    expect(identifiers.length).toBe(rows.length * 2);
    for (const [, system, value] of identifiers) {
      expect(system).toBe(CASE_NUMBER_SYSTEM);
      expect(value).toBe('DEMO-7K3Q-M9XD-2FDA-7HNP');
    }
    expect(text).not.toContain('2026-03-12');
    expect(text).toContain('"authoredOn":"2026-03"');
    expect(text).not.toMatch(/"resourceType":"Patient"|"name"|birthDate|"address"|"telecom"/);
  });
});
