// Which workflows an organisation's staff are offered on the tablet's home
// (issue 17): the admin chooses them per organisation; until then every
// workflow is offered, in an order that fits the organisation's kind
// (domain/organisation-workflows.ts). The choice shapes what the tablet
// offers, not what the server accepts. The admin form and the route validate
// with the same schema; the tablet receives the choice with its configuration.
import { z } from 'zod';

/** Every workflow a home can offer: the consent, and the record kinds with a form (client registry). */
export const TABLET_WORKFLOWS = ['consent', 'homeContact', 'screening', 'welcomeVisit', 'mediation'] as const;
export type TabletWorkflow = (typeof TABLET_WORKFLOWS)[number];

export function isTabletWorkflow(value: unknown): value is TabletWorkflow {
  return typeof value === 'string' && (TABLET_WORKFLOWS as readonly string[]).includes(value);
}

/** An organisation's workflows in the order its home offers them: at least one, each once. */
export const organisationWorkflowListSchema = z
  .array(z.enum(TABLET_WORKFLOWS, { error: 'invalidChoice' }))
  .min(1, { message: 'workflowsRequired' })
  .max(TABLET_WORKFLOWS.length)
  .refine((list) => new Set(list).size === list.length, { message: 'duplicateWorkflow' });

/** The admin's choice for one organisation; null goes back to the default of its kind. */
export const setOrganisationWorkflowsRequestSchema = z.strictObject({
  workflows: organisationWorkflowListSchema.nullable(),
});
export type SetOrganisationWorkflowsRequest = z.infer<typeof setOrganisationWorkflowsRequestSchema>;

/** One organisation's workflows as its staff get them, and whether the admin chose them (false: the default). */
export const organisationWorkflowsSchema = z.strictObject({
  organisationId: z.string(),
  workflows: z.array(z.enum(TABLET_WORKFLOWS)).min(1),
  chosen: z.boolean(),
});
export type OrganisationWorkflows = z.infer<typeof organisationWorkflowsSchema>;

export const organisationWorkflowsListSchema = z.strictObject({ organisations: z.array(organisationWorkflowsSchema) });

/** Asked for with CONFIG_FEATURES_PARAM by tablets that parse `organisationWorkflows` in their configuration. */
export const ORGANISATION_WORKFLOWS_FEATURE = 'organisationWorkflows';

/** In the tablet's configuration: every organisation of the municipality (a shared tablet serves several). */
export const deviceOrganisationWorkflowsSchema = z.array(
  z.strictObject({ organisationId: z.string(), workflows: z.array(z.enum(TABLET_WORKFLOWS)).min(1) }),
);
