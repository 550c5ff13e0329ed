// Admin: a settings change that weakens a safeguard waits here for a second admin (M9). Every
// admin sees it with the values in force and the proposed ones; another admin confirms it, any
// admin — the proposer too — rejects it. The server refuses the proposer's own confirmation.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SafeguardChange, SafeguardValues } from '@shared/safeguard-api';
import { SAFEGUARD_FIELDS, type SafeguardField } from '@domain/safeguards';
import type { OfficeConnection } from './office-api';
import { apiErrorKey, type ApiErrorKey } from './office-errors';
import { FormFailure } from './FormFailure';
import { LoadFailure } from './LoadFailure';
import { useOfficeData } from './useOfficeData';

export function SafeguardChangePanel({ api, onDecided }: { api: OfficeConnection; onDecided: () => void }) {
  const { t, i18n } = useTranslation('office');
  const { data, reload } = useOfficeData(() => api.pendingSafeguardChange());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorKey | null>(null);

  const shown = (field: SafeguardField, values: SafeguardValues): string => {
    const value = values[field];
    if (value === undefined) return '–';
    if (typeof value === 'boolean') return value ? t('safeguards.yes') : t('safeguards.no');
    if (Array.isArray(value))
      return value.length === 0 ? t('safeguards.none') : value.map((kind) => t(`settings.kinds.${kind}`)).join(', ');
    return String(value);
  };

  const decide = async (change: SafeguardChange, decision: 'confirm' | 'reject'): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      if (decision === 'confirm') await api.confirmSafeguardChange(change.id);
      else await api.rejectSafeguardChange(change.id);
      reload();
      onDecided();
    } catch (error) {
      setFailure(apiErrorKey(error, 'load'));
    } finally {
      setBusy(false);
    }
  };

  if (data.state === 'failed') return <LoadFailure error={data.error} onRetry={reload} />;
  if (data.state !== 'loaded' || data.value === null) return null;
  const change = data.value;
  const mine = change.proposedBy.id === api.user.id;
  const at = (iso: string) => new Date(iso).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div className="office-confirm" role="region" aria-labelledby="office-safeguard-title" data-testid="office-safeguard-change">
      <h3 id="office-safeguard-title">{t('safeguards.title')}</h3>
      <p>{t('safeguards.proposedBy', { name: change.proposedBy.displayName, at: at(change.proposedAt), until: at(change.expiresAt) })}</p>
      <div className="office-table-wrap">
        <table className="office-table">
          <thead>
            <tr>
              <th scope="col">{t('safeguards.setting')}</th>
              <th scope="col">{t('safeguards.current')}</th>
              <th scope="col">{t('safeguards.proposed')}</th>
            </tr>
          </thead>
          <tbody>
            {SAFEGUARD_FIELDS.filter((field) => change.proposed[field] !== undefined).map((field) => (
              <tr key={field}>
                <th scope="row">{t(`settings.${field}`)}</th>
                <td>{shown(field, change.current)}</td>
                <td>{shown(field, change.proposed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">{mine ? t('safeguards.waitingForOther') : t('safeguards.youMayConfirm')}</p>
      <FormFailure failure={failure} />
      <div className="actions">
        {!mine && (
          <button type="button" className="button button--danger" disabled={busy} onClick={() => void decide(change, 'confirm')}>
            {t('safeguards.confirm')}
          </button>
        )}
        <button type="button" className="button" disabled={busy} onClick={() => void decide(change, 'reject')}>
          {mine ? t('safeguards.withdraw') : t('safeguards.reject')}
        </button>
      </div>
    </div>
  );
}
