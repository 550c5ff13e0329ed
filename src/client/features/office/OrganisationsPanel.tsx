// Admin: the municipality's organisations, and a form to add one. The id is a
// slug that other records refer to, so it cannot be edited afterwards.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ORGANISATION_KINDS, createOrganisationRequestSchema, type CreateOrganisationRequest } from '../../../shared/staff-api';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, applyServerIssues, fieldErrorKey, type ApiErrorKey } from './office-errors';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';

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

      <form className="office-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="office-organisation-create-title">
        <h3 id="office-organisation-create-title">{t('organisations.create.title')}</h3>
        <div className="field-row">
          <div className="field">
            <label htmlFor="office-organisation-name">{t('organisations.create.name')}</label>
            <input
              id="office-organisation-name"
              autoComplete="off"
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={errors.name ? 'office-organisation-name-error' : undefined}
              {...register('name')}
            />
            {errors.name && (
              <p id="office-organisation-name-error" className="field__error">
                {t(fieldErrorKey(errors.name.message))}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor="office-organisation-kind">{t('organisations.create.kind')}</label>
            <select
              id="office-organisation-kind"
              aria-invalid={errors.kind ? true : undefined}
              aria-describedby={errors.kind ? 'office-organisation-kind-error' : undefined}
              {...register('kind')}
            >
              <option value="">{t('choose')}</option>
              {ORGANISATION_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`kinds.${kind}`)}
                </option>
              ))}
            </select>
            {errors.kind && (
              <p id="office-organisation-kind-error" className="field__error">
                {t('fieldErrors.invalidChoice')}
              </p>
            )}
          </div>
        </div>
        <div className="field">
          <label htmlFor="office-organisation-id">{t('organisations.create.id')}</label>
          <input
            id="office-organisation-id"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-invalid={errors.id ? true : undefined}
            aria-describedby={errors.id ? 'office-organisation-id-hint office-organisation-id-error' : 'office-organisation-id-hint'}
            {...register('id')}
          />
          <p id="office-organisation-id-hint" className="hint">
            {t('organisations.create.idHint')}
          </p>
          {errors.id && (
            <p id="office-organisation-id-error" className="field__error">
              {t(fieldErrorKey(errors.id.message))}
            </p>
          )}
        </div>
        {failure !== null && (
          <p className="form-error" role="alert">
            {t(failure)}
          </p>
        )}
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
