// Admin: the municipality's organisations, and a form to add one. The id is a
// slug that other records refer to, so it cannot be edited afterwards.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ORGANISATION_KINDS, createOrganisationRequestSchema, type CreateOrganisationRequest } from '@shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { LoadFailure } from './LoadFailure';
import { OfficeField } from './OfficeField';
import { useOfficeData } from './useOfficeData';
import { OrganisationWorkflowsPanel } from './OrganisationWorkflowsPanel';

type OrganisationForm = z.input<typeof createOrganisationRequestSchema>;
const FIELDS = ['id', 'name', 'kind'] as const;

export function OrganisationsPanel({ api }: { api: OfficeConnection }) {
  const { t } = useTranslation('office');
  const { data, reload } = useOfficeData(() => api.listOrganisations());
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<OrganisationForm, unknown, CreateOrganisationRequest>({
    resolver: zodResolver(createOrganisationRequestSchema),
    defaultValues: { id: '', name: '' },
  });

  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    setCreated(null);
    try {
      const organisation = await api.createOrganisation(body);
      reset();
      setCreated(organisation.name);
      reload();
    } catch (error) {
      applyServerIssues(error, FIELDS, setError);
      setFailure(apiErrorKey(error, 'organisation'));
    }
  });

  return (
    <section className="card office-panel" aria-labelledby="office-organisations-title">
      <h2 id="office-organisations-title">{t('organisations.title')}</h2>
      {data.state === 'loading' && (
        <p className="loading" role="status">
          {t('loading')}
        </p>
      )}
      {data.state === 'failed' && <LoadFailure error={data.error} onRetry={reload} />}
      {data.state === 'loaded' &&
        (data.value.length === 0 ? (
          <p className="hint">{t('organisations.empty')}</p>
        ) : (
          <div className="office-table-wrap">
            <table className="office-table" data-testid="office-organisations">
              <caption>{t('organisations.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('organisations.columns.name')}</th>
                  <th scope="col">{t('organisations.columns.id')}</th>
                  <th scope="col">{t('organisations.columns.kind')}</th>
                </tr>
              </thead>
              <tbody>
                {data.value.map((organisation) => (
                  <tr key={organisation.id} data-organisation-id={organisation.id}>
                    <th scope="row">{organisation.name}</th>
                    <td>
                      <code>{organisation.id}</code>
                    </td>
                    <td>{t(`kinds.${organisation.kind}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {data.state === 'loaded' && data.value.length > 0 && <OrganisationWorkflowsPanel api={api} organisations={data.value} />}

      <form className="office-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="office-organisation-create-title">
        <h3 id="office-organisation-create-title">{t('organisations.create.title')}</h3>
        <div className="field-row">
          <OfficeField
            id="office-organisation-name"
            label={t('organisations.create.name')}
            error={errors.name && t(fieldErrorKey(errors.name.message))}
          >
            {(control) => <input {...control} autoComplete="off" {...register('name')} />}
          </OfficeField>
          <OfficeField
            id="office-organisation-kind"
            label={t('organisations.create.kind')}
            error={errors.kind && t('fieldErrors.invalidChoice')}
          >
            {(control) => (
              <select {...control} {...register('kind')}>
                <option value="">{t('choose')}</option>
                {ORGANISATION_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`kinds.${kind}`)}
                  </option>
                ))}
              </select>
            )}
          </OfficeField>
        </div>
        <OfficeField
          id="office-organisation-id"
          label={t('organisations.create.id')}
          error={errors.id && t(fieldErrorKey(errors.id.message))}
          hint={t('organisations.create.idHint')}
        >
          {(control) => <input {...control} autoComplete="off" autoCapitalize="none" spellCheck={false} {...register('id')} />}
        </OfficeField>
        <FormFailure failure={failure} />
        {created !== null && (
          <p className="notice" role="status">
            {t('organisations.create.created', { name: created })}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={isSubmitting}>
            {t('organisations.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
