// The coordinator's dashboard and the printable half-yearly Sachbericht
// (online only, a lazy chunk of the office area). Everything shown comes
// suppressed from the server; whatever is hidden shows the one mark "*" and the
// explanation box says why (SuppressionNotice). Each chart has its data table
// beside it. The Sachbericht prints as an A4 document: title block, page
// numbers, wide tables in parts, no buttons or navigation.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Report, ReportQuery, PublishedIndicatorJson } from '@shared/reports';
import { LANGUAGE_AUTONYMS, type FamilyLanguage } from '@shared/languages';
import type { OFFER_TYPES } from '@shared/offers';
import type { SUPPORT_NEED_LEVELS } from '@shared/records/screening';
import type { WELCOME_OUTCOMES } from '@shared/records/welcome-visit';
import type { CONTACT_KINDS, HOME_TOPICS } from '@shared/records/home-contact';
import { INDICATOR_IDS, type IndicatorId, type REFERRAL_STATES, type TIME_TO_CONTACT_BUCKETS } from '@domain/indicators';
import { halfYearOf, PERIOD_LEVELS, periodKey, periodsOfYear, type AlignedPeriod, type PeriodLevel } from '@domain/report-periods';
import { localIsoDate } from '@domain/dates';
import type { OfficeConnection } from '../office/office-api';
import { RequestError } from '../../http/request';
import { displayCount, isSuppressed } from '@domain/suppressed-notation';
import { BarChart, LineChart, ReportTable, type ChartItem } from './charts';
import { ExportSection } from './ExportSection';
import { FunnelSection } from './FunnelSection';
import { SuppressionNotice } from './SuppressionNotice';
import { SachberichtPageStyle } from './SachberichtPageStyle';
import { dayLabel, monthLabel } from './month-label';
import './reports.css';

type Load =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'loaded'; report: Report; query: ReportQuery }
  | { state: 'failed'; problem: Problem };
type Problem = 'endBeforeStart' | 'periodNotAligned' | 'unknownDistrict' | 'failed';

function problemOf(error: unknown): Problem {
  if (error instanceof RequestError) {
    const message = error.issues[0]?.message;
    if (message === 'endBeforeStart' || message === 'periodNotAligned' || message === 'unknownDistrict') return message;
  }
  return 'failed';
}

/** How many calendar years back the period picker offers (reports of older years stay available through the API). */
const YEARS_OFFERED = 4;

/** The periods a coordinator can pick: whole months, quarters, half-years or years that have begun, newest first. */
function periodChoices(level: PeriodLevel, today: string): AlignedPeriod[] {
  const year = Number(today.slice(0, 4));
  return Array.from({ length: YEARS_OFFERED }, (_, k) => year - k)
    .flatMap((y) => periodsOfYear(y).filter((p) => p.level === level && p.from <= today))
    .sort((a, b) => (a.from < b.from ? 1 : -1));
}

export function ReportsPanel({ api }: { api: OfficeConnection }) {
  const { t, i18n } = useTranslation('reports');
  const today = localIsoDate(new Date());
  const [level, setLevel] = useState<PeriodLevel>('halfYear');
  const [selected, setSelected] = useState<AlignedPeriod>(halfYearOf(today));
  const { from, to } = selected;
  const periodName = (p: AlignedPeriod): string => {
    switch (p.level) {
      case 'month':
        return new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
          new Date(Date.UTC(p.year, p.index - 1, 15)),
        );
      case 'quarter':
        return t('form.quarterLabel', { n: p.index, year: p.year });
      case 'halfYear':
        return t('form.halfYearLabel', { n: p.index, year: p.year });
      case 'year':
        return String(p.year);
    }
  };
  const [district, setDistrict] = useState('');
  const [districtChoices, setDistrictChoices] = useState<{ id: string; label: string }[]>([]);
  const [load, setLoad] = useState<Load>({ state: 'idle' });
  const [view, setView] = useState<'dashboard' | 'sachbericht'>('dashboard');
  const [csvFailed, setCsvFailed] = useState(false);

  const show = async (): Promise<void> => {
    const query: ReportQuery = { from, to, ...(district === '' ? {} : { district }) };
    setLoad({ state: 'loading' });
    try {
      const report = await api.report(query);
      if (district === '') setDistrictChoices(report.districts.filter((d) => d.id !== ''));
      setLoad({ state: 'loaded', report, query });
    } catch (error) {
      setLoad({ state: 'failed', problem: problemOf(error) });
    }
  };

  const downloadCsv = async (query: ReportQuery, what: 'sachbericht' | 'funnel' = 'sachbericht'): Promise<void> => {
    setCsvFailed(false);
    try {
      const csv = what === 'funnel' ? await api.funnelCsv(query) : await api.sachberichtCsv(query);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${what === 'funnel' ? 'trichter' : 'sachbericht'}-${query.from}-${query.to}.csv`;
      link.click();
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 1000);
    } catch {
      setCsvFailed(true);
    }
  };

  /** The Sachbericht's tables have at most this many number columns, so that they fit A4 portrait. */
  const PRINT_COLUMNS = 7;
  const monthColumn = (month: string): string => monthLabel(month, i18n.language).full;

  const categoryLabel = (report: Report, indicator: IndicatorId, category: string): string => {
    switch (indicator) {
      case 'screening':
        return category === 'refused'
          ? t('categories.refused')
          : t(`supportNeed.${category as (typeof SUPPORT_NEED_LEVELS)[number]}`, { ns: 'screening' });
      case 'welcomeOutcome':
        return t(`outcome.${category as (typeof WELCOME_OUTCOMES)[number]}`, { ns: 'welcome-visit' });
      case 'homeSite':
        return report.sites.find((s) => s.id === category)?.label ?? category;
      case 'homeKind':
        return t(`contactKind.${category as (typeof CONTACT_KINDS)[number]}`, { ns: 'home-contact' });
      case 'homeTopic':
        return t(`topics.${category as (typeof HOME_TOPICS)[number]}`, { ns: 'home-contact' });
      case 'mediationLanguage':
        return category in LANGUAGE_AUTONYMS ? LANGUAGE_AUTONYMS[category as FamilyLanguage] : t('categories.otherLanguage');
      case 'referralOfferType':
        return t(`categories.offerType.${category as (typeof OFFER_TYPES)[number]}`);
      case 'referralUptake':
        return t(`categories.state.${category as (typeof REFERRAL_STATES)[number]}`);
      case 'timeToFirstContact':
        return t(`categories.bucket.${category as (typeof TIME_TO_CONTACT_BUCKETS)[number]}`);
    }
  };
  const districtLabel = (report: Report, id: string): string =>
    id === '' ? t('noDistrict') : (report.districts.find((d) => d.id === id)?.label ?? id);
  const isIndicator = (id: string): id is IndicatorId => (INDICATOR_IDS as readonly string[]).includes(id);

  const tables = (report: Report, indicator: PublishedIndicatorJson & { id: IndicatorId }, title: string, printable = false) => {
    const rows = indicator.categories.map((c) => categoryLabel(report, indicator.id, c));
    const common = { cornerLabel: t('category'), totalLabel: t('total'), rows, ...(printable ? { columnsPerPart: PRINT_COLUMNS } : {}) };
    return {
      byDistrict: indicator.byDistrict ? (
        <ReportTable
          {...common}
          caption={t('table.byDistrict', { title })}
          columns={indicator.byDistrict.columns.map((c) => districtLabel(report, c))}
          {...indicator.byDistrict.table}
        />
      ) : null,
      byMonth: (
        <ReportTable
          {...common}
          caption={t('table.byMonth', { title })}
          columns={indicator.byMonth.columns.map(monthColumn)}
          {...indicator.byMonth.table}
        />
      ),
      // Without districts the bar chart's data table is the category totals alone (not the month table a second time).
      totals: (
        <ReportTable
          {...common}
          caption={t('table.totals', { title })}
          columns={[]}
          cells={rows.map(() => [])}
          rowTotals={indicator.byMonth.table.rowTotals}
          columnTotals={[]}
          total={indicator.byMonth.table.total}
        />
      ),
      rows,
    };
  };

  const charts = (indicator: PublishedIndicatorJson, rows: readonly string[], title: string) => {
    const totals: ChartItem[] = rows.map((label, i) => ({ label, value: indicator.byMonth.table.rowTotals[i] ?? 0 }));
    const months: ChartItem[] = indicator.byMonth.columns.map((m, j) => {
      const label = monthLabel(m, i18n.language);
      return { label: label.full, axis: { line: label.month, year: label.year }, value: indicator.byMonth.table.columnTotals[j] ?? 0 };
    });
    return {
      bar: <BarChart title={t('chart.bar', { title })} items={totals} />,
      line: <LineChart title={t('chart.line', { title })} items={months} />,
    };
  };

  const measures = (indicator: PublishedIndicatorJson) => {
    const entries = Object.entries(indicator.measures).filter(([name]) => name !== 'total');
    if (entries.length === 0) return null;
    return (
      <dl className="report-measures">
        {entries.map(([name, value]) => (
          <div key={name}>
            <dt>{t(`measures.${name as 'offered'}`)}</dt>
            <dd data-suppressed={isSuppressed(value) ? 'true' : undefined}>
              {isSuppressed(value) ? (
                <abbr title={t('suppressed.cellTitle')}>{displayCount(value)}</abbr>
              ) : name.endsWith('Rate') ? (
                `${(value * 100).toFixed(1)} %`
              ) : (
                value
              )}
            </dd>
          </div>
        ))}
      </dl>
    );
  };

  const form = (
    <form
      className="report-form no-print"
      onSubmit={(event) => {
        event.preventDefault();
        void show();
      }}
    >
      <fieldset>
        <legend>{t('form.legend')}</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor="report-level">{t('form.level')}</label>
            <select
              id="report-level"
              value={level}
              onChange={(e) => {
                const next = e.target.value as PeriodLevel;
                setLevel(next);
                const first = periodChoices(next, today)[0];
                if (first) setSelected(first);
              }}
            >
              {PERIOD_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`form.levels.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="report-period">{t('form.period')}</label>
            <select
              id="report-period"
              value={periodKey(selected)}
              onChange={(e) => {
                const next = periodChoices(level, today).find((p) => periodKey(p) === e.target.value);
                if (next) setSelected(next);
              }}
            >
              {periodChoices(level, today).map((p) => (
                <option key={periodKey(p)} value={periodKey(p)}>
                  {periodName(p)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="report-district">{t('form.district')}</label>
            <select
              id="report-district"
              value={district}
              onChange={(e) => {
                setDistrict(e.target.value);
              }}
            >
              <option value="">{t('form.allDistricts')}</option>
              {districtChoices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="button button--primary" disabled={load.state === 'loading'}>
          {t('form.show')}
        </button>
      </fieldset>
    </form>
  );

  if (load.state === 'loaded' && view === 'sachbericht') {
    const { report, query } = load;
    const period = { from: dayLabel(report.period.from, i18n.language), to: dayLabel(report.period.to, i18n.language) };
    const title = t('sachbericht.title', { municipality: report.municipality.name });
    return (
      <article className="card sachbericht" aria-labelledby="sachbericht-title">
        <SachberichtPageStyle running={`${title} · ${t('sachbericht.period', period)}`} pageTemplate={t('sachbericht.page')} />
        <div className="actions no-print">
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              window.print();
            }}
          >
            {t('sachbericht.print')}
          </button>
          <button type="button" className="button" onClick={() => void downloadCsv(query)}>
            {t('sachbericht.csv')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setView('dashboard');
            }}
          >
            {t('sachbericht.back')}
          </button>
        </div>
        {csvFailed && (
          <p className="form-error no-print" role="alert">
            {t('errors.csvFailed')}
          </p>
        )}
        <header className="sachbericht__title-block">
          <h2 id="sachbericht-title">{title}</h2>
          <p>{t('sachbericht.period', period)}</p>
          <p>
            {t('sachbericht.district', {
              district: report.district === null ? t('form.allDistricts') : districtLabel(report, report.district),
            })}
          </p>
          <p>
            {t('sachbericht.generatedAt', {
              date: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
                new Date(report.generatedAt),
              ),
            })}
          </p>
        </header>
        <h3>{t('sachbericht.countingRule')}</h3>
        <p>{t('countingRule')}</p>
        <SuppressionNotice />
        <h3>{t('sachbericht.definitions')}</h3>
        <dl className="sachbericht__definitions">
          {report.indicators.map((indicator) => (
            <div key={indicator.id}>
              <dt>{isIndicator(indicator.id) ? t(`indicators.${indicator.id}`) : indicator.id}</dt>
              <dd>{i18n.language === 'de' ? indicator.formula.de : indicator.formula.en}</dd>
            </div>
          ))}
        </dl>
        {report.indicators.map((raw) => {
          if (!isIndicator(raw.id)) return null;
          const indicator = { ...raw, id: raw.id };
          const indicatorTitle = t(`indicators.${indicator.id}`);
          const parts = tables(report, indicator, indicatorTitle, true);
          const drawn = charts(indicator, parts.rows, indicatorTitle);
          return (
            <section key={indicator.id} className="sachbericht__indicator" data-indicator={indicator.id}>
              <h3>{indicatorTitle}</h3>
              {measures(indicator)}
              <div className="sachbericht__charts">
                {drawn.bar}
                {drawn.line}
              </div>
              {parts.byDistrict}
              {parts.byMonth}
            </section>
          );
        })}
        <FunnelSection report={report} districtLabel={(id) => districtLabel(report, id)} printable columnsPerPart={PRINT_COLUMNS} />
      </article>
    );
  }

  return (
    <section className="card reports" aria-labelledby="reports-title">
      <h2 id="reports-title">{t('title')}</h2>
      <p className="hint">{t('intro')}</p>
      {form}
      <ExportSection api={api} period={{ from, to }} />
      {load.state === 'loading' && <p role="status">{t('loading')}</p>}
      {load.state === 'failed' && (
        <p className="form-error" role="alert">
          {t(`errors.${load.problem}`)}
        </p>
      )}
      {load.state === 'loaded' && (
        <>
          <SuppressionNotice />
          <div className="actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                setView('sachbericht');
              }}
            >
              {t('sachbericht.open')}
            </button>
            <button type="button" className="button" onClick={() => void downloadCsv(load.query)}>
              {t('sachbericht.csv')}
            </button>
          </div>
          {csvFailed && (
            <p className="form-error" role="alert">
              {t('errors.csvFailed')}
            </p>
          )}
          <FunnelSection
            report={load.report}
            districtLabel={(id) => districtLabel(load.report, id)}
            printable={false}
            onCsv={() => void downloadCsv(load.query, 'funnel')}
          />
          {load.report.indicators.map((raw) => {
            if (!isIndicator(raw.id)) return null;
            const indicator = { ...raw, id: raw.id };
            const report = load.report;
            const title = t(`indicators.${indicator.id}`);
            const parts = tables(report, indicator, title);
            const drawn = charts(indicator, parts.rows, title);
            return (
              <section
                key={indicator.id}
                className="report-indicator"
                aria-labelledby={`report-${indicator.id}`}
                data-indicator={indicator.id}
              >
                <h3 id={`report-${indicator.id}`}>{title}</h3>
                {measures(indicator)}
                <div className="report-pair">
                  {drawn.bar}
                  {parts.byDistrict ?? parts.totals}
                </div>
                <div className="report-pair">
                  {drawn.line}
                  {parts.byMonth}
                </div>
              </section>
            );
          })}
        </>
      )}
    </section>
  );
}
