import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { caseTimeline, homeSections, recordSection, referralNeedsFollowUp, type RecordWorkFacts, type WorkFacts } from '@domain/home-work';
import { defaultWorkflows, workflowsOfOrganisation } from '@domain/organisation-workflows';
import { TABLET_WORKFLOWS } from '@shared/organisation-workflows';
import { ORGANISATION_KINDS } from '@shared/staff-api';

const item = (id: string, section: WorkFacts['section'], since: string, urgency: WorkFacts['urgency'] = 'routine'): WorkFacts => ({
  id,
  section,
  since,
  urgency,
});

describe('the home sections', () => {
  it('come in the fixed order sent back, second check here, referrals, drafts; empty ones are left out', () => {
    const sections = homeSections(
      [
        item('d', 'drafts', '2026-12-01T10:00:00Z'),
        item('r', 'referralFollowUp', '2026-12-01T10:00:00Z'),
        item('s', 'sentBack', '2026-12-01T10:00:00Z'),
        item('x', null, '2026-12-01T10:00:00Z'),
      ],
      (facts) => facts,
    );
    expect(sections.map((section) => section.section)).toEqual(['sentBack', 'referralFollowUp', 'drafts']);
    expect(sections.flatMap((section) => section.items.map((entry) => entry.id))).not.toContain('x');
    expect(homeSections([], (facts: WorkFacts) => facts)).toEqual([]);
  });

  it('put acute danger first, then "Dringend", then the longest waiting; and count the urgent ones', () => {
    const [section] = homeSections(
      [
        item('old-routine', 'secondCheckHere', '2026-11-01T10:00:00Z'),
        item('new-urgent', 'secondCheckHere', '2026-12-05T10:00:00Z', 'urgent'),
        item('new-danger', 'secondCheckHere', '2026-12-06T10:00:00Z', 'acuteDanger'),
        item('older-urgent', 'secondCheckHere', '2026-12-01T10:00:00Z', 'urgent'),
        item('new-routine', 'secondCheckHere', '2026-12-06T10:00:00Z'),
      ],
      (facts) => facts,
    );
    expect(section?.items.map((entry) => entry.id)).toEqual(['new-danger', 'older-urgent', 'new-urgent', 'old-routine', 'new-routine']);
    expect(section?.urgent).toBe(3);
  });

  it('order the same items the same way whatever order they arrive in', () => {
    const arbitraryItem = fc.record({
      id: fc.uuid(),
      section: fc.constantFrom('sentBack', 'secondCheckHere', 'referralFollowUp', 'drafts', null),
      urgency: fc.constantFrom('acuteDanger', 'urgent', 'routine'),
      since: fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    }) as fc.Arbitrary<WorkFacts>;
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryItem, { selector: (entry) => entry.id, maxLength: 30 }), (items) => {
        const once = homeSections(items, (facts) => facts);
        const again = homeSections([...items].reverse(), (facts) => facts);
        expect(again).toEqual(once);
        expect(once.reduce((sum, section) => sum + section.items.length, 0)).toBe(items.filter((entry) => entry.section !== null).length);
      }),
    );
  });
});

describe('where a record belongs on the home', () => {
  const base: RecordWorkFacts = { mine: true, hasContent: true, reviewState: 'notRequired', checkableHere: false, readyToRefer: false };

  it('a record sent back belongs to its author only', () => {
    expect(recordSection({ ...base, reviewState: 'sentBack' })).toBe('sentBack');
    expect(recordSection({ ...base, reviewState: 'sentBack', mine: false })).toBeNull();
  });

  it('an awaiting record is listed for the second check only when an approver is set up here', () => {
    expect(recordSection({ ...base, reviewState: 'awaiting', checkableHere: true })).toBe('secondCheckHere');
    expect(recordSection({ ...base, reviewState: 'awaiting', checkableHere: false })).toBeNull();
  });

  it('an approved record from which a referral can be made waits under referrals; a stub is never listed', () => {
    expect(recordSection({ ...base, reviewState: 'approved', readyToRefer: true })).toBe('referralFollowUp');
    expect(recordSection({ ...base, reviewState: 'approved' })).toBeNull();
    expect(recordSection({ ...base, reviewState: 'sentBack', hasContent: false })).toBeNull();
  });

  it('a referral needs follow-up after the weeks without uptake, or once marked "no response"', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    expect(referralNeedsFollowUp('handedOver', '2026-10-01T12:00:00Z', now, 6)).toBe(true);
    expect(referralNeedsFollowUp('handedOver', '2026-11-30T12:00:00Z', now, 6)).toBe(false);
    expect(referralNeedsFollowUp('started', '2026-10-01T12:00:00Z', now, 6)).toBe(false);
    expect(referralNeedsFollowUp('noResponse', '2026-12-06T12:00:00Z', now, 6)).toBe(true);
  });
});

describe('a case in time order', () => {
  it('lists the oldest first, ties by id', () => {
    const entries = [
      { id: 'b', at: '2026-12-02T10:00:00Z' },
      { id: 'c', at: '2026-12-01T10:00:00Z' },
      { id: 'a', at: '2026-12-02T10:00:00Z' },
    ];
    expect(caseTimeline(entries, (entry) => entry).map((entry) => entry.id)).toEqual(['c', 'a', 'b']);
    expect(entries.map((entry) => entry.id)).toEqual(['b', 'c', 'a']); // a new array
  });
});

describe("an organisation's default workflows", () => {
  it('are all workflows for every kind, so nothing an organisation used before disappears', () => {
    for (const kind of ORGANISATION_KINDS) expect([...defaultWorkflows(kind)].sort()).toEqual([...TABLET_WORKFLOWS].sort());
  });

  it('put what fits the kind first: HOME contact for the HOME project, consent and screening for the clinic', () => {
    expect(defaultWorkflows('home-project')[0]).toBe('homeContact');
    expect(defaultWorkflows('clinic').slice(0, 2)).toEqual(['consent', 'screening']);
  });

  it("a person gets their own organisation's list, and every workflow while the tablet knows none", () => {
    const configured = [
      { organisationId: 'home', workflows: ['homeContact', 'mediation'] as const },
      { organisationId: 'clinic', workflows: ['consent', 'screening'] as const },
    ];
    expect(workflowsOfOrganisation(configured, 'clinic')).toEqual(['consent', 'screening']);
    expect(workflowsOfOrganisation(configured, 'elsewhere')).toEqual(TABLET_WORKFLOWS);
    expect(workflowsOfOrganisation(undefined, 'home')).toEqual(TABLET_WORKFLOWS);
  });
});
