// Admin: which workflows each organisation's staff are offered on the tablet's
// home, and in which order (issue 17). Unconfigured organisations show their
// kind's default (every workflow). Saving validates with the shared schema;
// tablets receive the choice with their next configuration pull.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  TABLET_WORKFLOWS,
  organisationWorkflowListSchema,
  organisationWorkflowsListSchema,
  organisationWorkflowsSchema,
  type OrganisationWorkflows,
  type TabletWorkflow,
} from '@shared/organisation-workflows';
import type { Organisation } from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';

/** The chosen workflows first in their order, then the others (unticked) in the registry's. */
function rows(chosen: readonly TabletWorkflow[]): TabletWorkflow[] {
  return [...chosen, ...TABLET_WORKFLOWS.filter((workflow) => !chosen.includes(workflow))];
}

function OrganisationWorkflowsForm({
  api,
  organisation,
  current,
  onSaved,
}: {
  api: OfficeConnection;
  organisation: Organisation;
  current: OrganisationWorkflows;
  onSaved: () => void;
}) {
  const { t } = useTranslation('office');
  const [order, setOrder] = useState<TabletWorkflow[]>(() => rows(current.workflows));
  const [ticked, setTicked] = useState<ReadonlySet<TabletWorkflow>>(() => new Set(current.workflows));
  const [problem, setProblem] = useState<'workflowsRequired' | null>(null);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const send = async (workflows: TabletWorkflow[] | null): Promise<void> => {
    setFailure(null);
    setSaved(false);
    setBusy(true);
    try {
      const answer = await api.call(
        organisationWorkflowsSchema,
        `/api/admin/organisations/${encodeURIComponent(organisation.id)}/workflows`,
        'PUT',
        { workflows },
      );
      setOrder(rows(answer.workflows));
      setTicked(new Set(answer.workflows));
      setSaved(true);
      onSaved();
    } catch (error) {
      setFailure(apiErrorKey(error, 'organisation'));
    } finally {
      setBusy(false);
    }
  };

  const save = (): void => {
    const parsed = organisationWorkflowListSchema.safeParse(order.filter((workflow) => ticked.has(workflow)));
    if (!parsed.success) {
      setProblem('workflowsRequired');
      return;
    }
    setProblem(null);
    void send(parsed.data);
  };

  const moveUp = (index: number): void => {
    if (index === 0) return;
    setOrder((list) => {
      const next = [...list];
      const [moved] = next.splice(index, 1);
      if (moved !== undefined) next.splice(index - 1, 0, moved);
      return next;
    });
    setSaved(false);
  };

  const legendId = `workflows-${organisation.id}`;
  return (
    <form
      className="office-form organisation-workflows"
      data-organisation-id={organisation.id}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <fieldset aria-describedby={`${legendId}-hint`}>
        <legend id={legendId}>{t('organisations.workflows.legend', { name: organisation.name })}</legend>
        <p className="hint" id={`${legendId}-hint`}>
          {current.chosen ? t('organisations.workflows.chosen') : t('organisations.workflows.default')}
        </p>
        <ol className="organisation-workflows__list">
          {order.map((workflow, index) => (
            <li key={workflow} className="organisation-workflows__row">
              <label className="choice choice--single">
                <input
                  type="checkbox"
                  checked={ticked.has(workflow)}
                  onChange={(event) => {
                    const on = event.target.checked;
                    setTicked((set) => {
                      const next = new Set(set);
                      if (on) next.add(workflow);
                      else next.delete(workflow);
                      return next;
                    });
                    setSaved(false);
                  }}
                />
                <span>{t(`organisations.workflows.names.${workflow}`)}</span>
              </label>
              {index > 0 && (
                <button
                  type="button"
                  className="button"
                  aria-label={t('organisations.workflows.moveUpLabel', { workflow: t(`organisations.workflows.names.${workflow}`) })}
                  onClick={() => {
                    moveUp(index);
                  }}
                >
                  {t('organisations.workflows.moveUp')}
                </button>
              )}
            </li>
          ))}
        </ol>
      </fieldset>
      {problem !== null && (
        <p className="form-error" role="alert">
          {t(`fieldErrors.${problem}`)}
        </p>
      )}
      <FormFailure failure={failure} />
      {saved && (
        <p className="notice" role="status">
          {t('organisations.workflows.saved', { name: organisation.name })}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('organisations.workflows.save')}
        </button>
        {current.chosen && (
          <button type="button" className="button" disabled={busy} onClick={() => void send(null)}>
            {t('organisations.workflows.reset')}
          </button>
        )}
      </div>
    </form>
  );
}

export function OrganisationWorkflowsPanel({ api, organisations }: { api: OfficeConnection; organisations: readonly Organisation[] }) {
  const { t } = useTranslation('office');
  const { data, reload } = useOfficeData(
    async () => (await api.call(organisationWorkflowsListSchema, '/api/admin/organisation-workflows', 'GET')).organisations,
  );
  return (
    <section className="office-subsection" aria-labelledby="office-workflows-title">
      <h3 id="office-workflows-title">{t('organisations.workflows.title')}</h3>
      <p className="hint">{t('organisations.workflows.intro')}</p>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' &&
        organisations.map((organisation) => {
          const current = data.value.find((entry) => entry.organisationId === organisation.id);
          if (!current) return null;
          return (
            <OrganisationWorkflowsForm
              // Keyed by the organisation only: after saving, the form keeps its state (and says it saved).
              key={organisation.id}
              api={api}
              organisation={organisation}
              current={current}
              onSaved={reload}
            />
          );
        })}
    </section>
  );
}
