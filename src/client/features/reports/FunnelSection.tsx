// The funnel (src/domain/funnel.ts) in the dashboard and in the printable
// Sachbericht: stage counts by district with a bar chart, the failed
// referrals by reason, and the median days to first contact. Everything comes
// suppressed from the server ("<5", "x", a median only from enough referrals).
import { useTranslation } from 'react-i18next';
import type { Report } from '@shared/reports';
import { MEDIAN_MIN_REFERRALS, type FunnelStage } from '@domain/funnel';
import { isReferralReason } from '@domain/referral-state';
import { BarChart, ReportTable } from './charts';

export function FunnelSection({
  report,
  districtLabel,
  printable,
  onCsv,
}: {
  report: Report;
  districtLabel: (id: string) => string;
  /** The Sachbericht's version: the definitions are printed with it, no buttons. */
  printable: boolean;
  onCsv?: () => void;
}) {
  const { t, i18n } = useTranslation('reports');
  const { funnel } = report;
  const columns = funnel.columns.map(districtLabel);
  const stageLabel = (id: FunnelStage): string => t(`funnel.stages.${id}`);
  const reasonLabel = (reason: string): string =>
    isReferralReason(reason) ? t(`reasons.${reason}`, { ns: 'referral' }) : t('funnel.notStated');
  const days = (value: number | null): string =>
    value === null ? t('funnel.median.notShown') : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(value);
  const stageTable = (
    <ReportTable
      caption={t('funnel.table.stages')}
      cornerLabel={t('funnel.stage')}
      totalLabel={t('total')}
      rows={funnel.stages.map((s) => stageLabel(s.id))}
      columns={columns}
      cells={funnel.stages.map((s) => s.cells)}
      rowTotals={funnel.stages.map((s) => s.total)}
    />
  );
  const failureParts = funnel.failures.map(({ state, reasons, table }) => {
    const name = t(`funnel.failures.${state}`);
    const title = t('funnel.failureHeading', { state: name });
    const rows = reasons.map(reasonLabel);
    return {
      state,
      title,
      chart: <BarChart title={t('chart.bar', { title })} items={rows.map((label, i) => ({ label, value: table.rowTotals[i] ?? 0 }))} />,
      table: (
        <ReportTable
          caption={t('funnel.table.failures', { state: name })}
          cornerLabel={t('funnel.reason')}
          totalLabel={t('total')}
          rows={rows}
          columns={columns}
          {...table}
        />
      ),
    };
  });
  const median = (
    <div className="report-table__scroll" role="region" aria-label={t('funnel.median.title')} tabIndex={0}>
      <table className="report-table" data-testid="funnel-median">
        <caption>{t('funnel.median.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('funnel.median.measure')}</th>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            <th scope="col">{t('total')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('funnel.median.column')}</th>
            {funnel.medianDaysToFirstContact.cells.map((value, j) => (
              <td key={funnel.columns[j] ?? j} className={value === null ? 'report-table__hidden' : undefined}>
                {days(value)}
              </td>
            ))}
            <td className={funnel.medianDaysToFirstContact.total === null ? 'report-table__hidden' : undefined}>
              {days(funnel.medianDaysToFirstContact.total)}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
  const overall = (
    <dl className="report-measures">
      {funnel.stages.map((s) => (
        <div key={s.id}>
          <dt>{stageLabel(s.id)}</dt>
          <dd>{s.total}</dd>
        </div>
      ))}
      <div>
        <dt>{t('funnel.median.overall')}</dt>
        <dd>{days(funnel.medianDaysToFirstContact.total)}</dd>
      </div>
    </dl>
  );
  const hint = <p className="hint">{t('funnel.median.hint', { min: MEDIAN_MIN_REFERRALS })}</p>;

  if (printable) {
    return (
      <section className="sachbericht__indicator sachbericht__funnel" data-indicator="funnel">
        <h3>{t('funnel.title')}</h3>
        <p>{t('funnel.intro')}</p>
        <dl className="sachbericht__definitions">
          {Object.entries(funnel.definitions).map(([id, text]) => (
            <div key={id}>
              <dt>{t(`funnel.definitions.${id as FunnelStage | 'failures' | 'median'}`)}</dt>
              <dd>{i18n.language === 'de' ? text.de : text.en}</dd>
            </div>
          ))}
        </dl>
        {overall}
        {stageTable}
        {failureParts.map((part) => (
          <div key={part.state}>{part.table}</div>
        ))}
        {median}
        {hint}
      </section>
    );
  }
  return (
    <section className="report-indicator report-funnel" aria-labelledby="report-funnel" data-indicator="funnel">
      <h3 id="report-funnel">{t('funnel.title')}</h3>
      <p className="hint">{t('funnel.intro')}</p>
      {overall}
      {onCsv !== undefined && (
        <div className="actions">
          <button type="button" className="button" onClick={onCsv}>
            {t('funnel.csv')}
          </button>
        </div>
      )}
      <div className="report-pair report-pair--stacked">
        <BarChart title={t('funnel.chart.stages')} items={funnel.stages.map((s) => ({ label: stageLabel(s.id), value: s.total }))} />
        {stageTable}
      </div>
      {failureParts.map((part) => (
        <div key={part.state}>
          <h4>{part.title}</h4>
          <div className="report-pair report-pair--stacked">
            {part.chart}
            {part.table}
          </div>
        </div>
      ))}
      {median}
      {hint}
    </section>
  );
}
