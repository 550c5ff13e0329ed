// The default workflows of an organisation the admin has not configured: all
// of them (nothing an organisation used before disappears), in the order that
// fits its kind — the HOME project's staff find "new HOME contact" first, the
// birth clinic's the consent and the screening.
import { TABLET_WORKFLOWS, type TabletWorkflow } from '@shared/organisation-workflows';
import type { OrganisationKind } from '@shared/staff-api';

const FIRST_BY_KIND: Readonly<Record<OrganisationKind, readonly TabletWorkflow[]>> = {
  clinic: ['consent', 'screening'],
  'family-support': ['consent', 'welcomeVisit'],
  'home-project': ['homeContact'],
  'mediator-pool': ['mediation'],
  partner: [],
  coordination: [],
};

/** Every workflow, those that fit the kind first, the rest in the registry's order. */
export function defaultWorkflows(kind: OrganisationKind): TabletWorkflow[] {
  const first = FIRST_BY_KIND[kind];
  return [...first, ...TABLET_WORKFLOWS.filter((workflow) => !first.includes(workflow))];
}

/** What a person of `organisationId` is offered: the configured list, all workflows when the tablet knows none. */
export function workflowsOfOrganisation(
  configured: readonly { organisationId: string; workflows: readonly TabletWorkflow[] }[] | undefined,
  organisationId: string | undefined,
): readonly TabletWorkflow[] {
  const entry = configured?.find((item) => item.organisationId === organisationId);
  return entry?.workflows ?? TABLET_WORKFLOWS;
}
