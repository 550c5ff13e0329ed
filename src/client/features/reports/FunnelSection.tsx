// The funnel (src/domain/funnel.ts) in the dashboard and in the printable
// Sachbericht: stage counts by district with a bar chart, the failed
// referrals by reason, and the median days to first contact. Everything comes
// suppressed from the server; hidden entries and a median from too few
// referrals show the one mark "*" (SuppressionNotice explains it).
import { useTranslation } from 'react-i18next';
import type { Report } from '@shared/reports';
import { MEDIAN_MIN_REFERRALS, type FunnelStage } from '@domain/funnel';
import { isReferralReason } from '@domain/referral-state';
import { displayCount, isSuppressed } from '@domain/suppressed-notation';
import { BarChart, ReportTable } from './charts';

export function FunnelSection({
  report,
  districtLabel,
  printable,
  onCsv,
  columnsPerPart,
}: {
  report: Report;
  districtLabel: (id: string) => string;
  /** The Sachbericht's version: the definitions are printed with it, no buttons. */
  printable: boolean;
  onCsv?: () => void;
  /** The Sachbericht splits wide tables so that they fit A4 (ReportTable). */
  columnsPerPart?: number;
}) {
  const { t, i18n } = useTranslation('reports');
  const { funnel } = report;
  const columns = funnel.columns.map(districtLabel);
  const stageLabel = (id: FunnelStage): string => t(`funnel.stages.${id}`);
  const reasonLabel = (reason: string): string =>
    isReferralReason(reason) ? t(`reasons.${reason}`, { ns: 'referral' }) : t('funnel.notStated');
  const days = (value: number): string => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(value);
  const parts = columnsPerPart === undefined ? {} : { columnsPerPart };
  const stageTable = (
    <ReportTable
      caption={t('funnel.table.stages')}
      cornerLabel={t('funnel.stage')}
      totalLabel={t('total')}
      rows={funnel.stages.map((s) => stageLabel(s.id))}
      columns={columns}
      cells={funnel.stages.map((s) => s.cells)}
      rowTotals={funnel.stages.map((s) => s.total)}
      {...parts}
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
          {...parts}
        />
      ),
    };
  });
  // One row of medians per district: a table of its own (a median is no count), split like the others for print.
  const median = (
    <ReportTable
      caption={t('funnel.median.title')}
      cornerLabel={t('funnel.median.measure')}
      totalLabel={t('total')}
      rows={[t('funnel.median.column')]}
      columns={columns}
      cells={[funnel.medianDaysToFirstContact.cells]}
      rowTotals={[funnel.medianDaysToFirstContact.total]}
      format={days}
      testId="funnel-median"
      {...parts}
    />
  );
  const overall = (
    <dl className="report-measures">
      {funnel.stages.map((s) => (
        <div key={s.id}>
          <dt>{stageLabel(s.id)}</dt>
          <dd data-suppressed={isSuppressed(s.total) ? 'true' : undefined}>{suppressible(s.total)}</dd>
        </div>
      ))}
      <div>
        <dt>{t('funnel.median.overall')}</dt>
        <dd data-suppressed={isSuppressed(funnel.medianDaysToFirstContact.total) ? 'true' : undefined}>
          {suppressible(funnel.medianDaysToFirstContact.total, days)}
        </dd>
      </div>
    </dl>
  );
  function suppressible(value: number | 'x' | null, format?: (n: number) => string) {
    return isSuppressed(value) ? <abbr title={t('suppressed.cellTitle')}>{displayCount(value)}</abbr> : displayCount(value, format);
  }
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
