// The workflows the unlocked person is offered: their organisation's list in
// its order (the admin's choice, delivered with the tablet's configuration so it
// holds offline), among those their roles allow. The home's buttons and the
// consent's "continue with …" both ask here, so they never disagree.
import { workflowsOfOrganisation } from '@domain/organisation-workflows';
import type { TabletWorkflow } from '@shared/organisation-workflows';
import { useAppServices } from '../../app/AppContext';
import { useStoredValue } from '../../app/useStoredValue';
import { workflowsFor } from './registry';

/** The person's workflows in their organisation's order, among those their roles allow (the consent needs no role). */
export function offeredWorkflows(configured: readonly TabletWorkflow[], roles: readonly string[]): TabletWorkflow[] {
  const allowed = new Set<string>(workflowsFor(roles).map((workflow) => workflow.kind));
  return configured.filter((workflow) => workflow === 'consent' || allowed.has(workflow));
}

/** null until the cached configuration is read (every workflow is offered when the tablet has none). */
export function useOfferedWorkflows(): TabletWorkflow[] | null {
  const { storage } = useAppServices();
  const user = storage.vault.unlockedUser;
  const config = useStoredValue(storage, async (s) => (await s.device.config()) ?? null);
  if (config === undefined) return null;
  return offeredWorkflows(workflowsOfOrganisation(config?.organisationWorkflows, user?.organisationId), user?.roles ?? []);
}
