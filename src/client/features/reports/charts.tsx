// Small hand-written SVG charts and the data tables for the reports (no chart
// library in the bundle). Readable at tablet size and on A4: drawn at about the
// size they are shown (640 units ≈ 640 px), in the page's font size. Never colour
// alone: every bar and point carries its number as text, and a suppressed count
// is drawn hollow and dashed with the one mark "*" (SUPPRESSED_MARK). Every chart
// has its data table beside it (ReportTable); a table wider than its box scrolls
// sideways with the first column kept in place and says that it does.
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublishedCount } from '@shared/reports';
import { displayCount, isSuppressed, type ShownValue } from '@domain/suppressed-notation';
import { useHorizontalOverflow } from './useHorizontalOverflow';

export interface ChartItem {
  label: string;
  value: PublishedCount;
  /** Axis label in two lines (month, then year where it starts or changes); defaults to `label`. */
  axis?: { line: string; year: string };
}

const numeric = (value: PublishedCount): number => (typeof value === 'number' ? value : 0);
/** The width charts are drawn for, in SVG units; CSS shows them at most this many px wide. */
const CHART_WIDTH = 640;

/** A bar's label in at most two lines of about `width` characters, broken between words; longer ones end in "…". */
export function labelLines(label: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  const fitted = lines.slice(0, 2).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
  if (lines.length > 2 && fitted[1] !== undefined) fitted[1] = `${fitted[1].slice(0, width - 1)}…`;
  return fitted;
}

export function BarChart({ title, items }: { title: string; items: readonly ChartItem[] }) {
  const id = useId();
  const max = Math.max(1, ...items.map((item) => numeric(item.value)));
  const lineHeight = 17;
  const labelWidth = 250;
  const barSpace = 320;
  const rows = items.map((item) => ({ item, lines: labelLines(item.label, 27) }));
  // A row is 32 units, 17 more for a label's second line.
  const heights = rows.map(({ lines }) => 32 + (lines.length - 1) * lineHeight);
  const tops = heights.map((_, index) => 4 + heights.slice(0, index).reduce((a, b) => a + b, 0));
  const height = heights.reduce((a, b) => a + b, 0) + 8;
  return (
    <svg className="report-chart" role="img" aria-labelledby={id} viewBox={`0 0 ${String(CHART_WIDTH)} ${String(height)}`} data-chart="bar">
      <title id={id}>{title}</title>
      {rows.map(({ item, lines }, index) => {
        const y = tops[index] ?? 0;
        const rowHeight = heights[index] ?? 32;
        const middle = y + rowHeight / 2;
        const hidden = isSuppressed(item.value);
        // A hidden count gets a short hollow dashed bar: it is there, its size is not told.
        const width = hidden ? 14 : (numeric(item.value) / max) * barSpace;
        return (
          <g key={item.label}>
            <text
              x={labelWidth - 8}
              y={middle + 5 - ((lines.length - 1) * lineHeight) / 2}
              textAnchor="end"
              className="report-chart__label"
            >
              {lines.join(' ') !== item.label && <title>{item.label}</title>}
              {lines.map((line, n) => (
                <tspan key={line} x={labelWidth - 8} dy={n === 0 ? 0 : lineHeight}>
                  {line}
                </tspan>
              ))}
            </text>
            <rect
              x={labelWidth}
              y={middle - 11}
              width={Math.max(width, 1)}
              height={22}
              className={hidden ? 'report-chart__bar report-chart__bar--hidden' : 'report-chart__bar'}
            />
            <text x={labelWidth + Math.max(width, 1) + 6} y={middle + 5} className="report-chart__value">
              {displayCount(item.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function LineChart({ title, items }: { title: string; items: readonly ChartItem[] }) {
  const id = useId();
  const max = Math.max(1, ...items.map((item) => numeric(item.value)));
  const height = 260;
  const left = 48;
  const right = 36;
  const bottom = 52;
  const top = 30;
  const step = items.length > 1 ? (CHART_WIDTH - left - right - 20) / (items.length - 1) : 0;
  const x = (index: number): number => left + 20 + index * step;
  const y = (value: number): number => top + (height - top - bottom) * (1 - value / max);
  // Axis labels need about 48 units each ("Sept."): with many months only every n-th is written.
  const every = step === 0 ? 1 : Math.max(1, Math.ceil(48 / step));
  // Values need about 34 units: closer together they alternate above and further above the point.
  const crowded = step > 0 && step < 34;
  // The line joins published points only; a hidden month breaks it.
  const segments: string[][] = [[]];
  items.forEach((item, index) => {
    if (typeof item.value === 'number') segments[segments.length - 1]?.push(`${String(x(index))},${String(y(item.value))}`);
    else segments.push([]);
  });
  // The year is written under the first labelled month and wherever it changes.
  const years: string[] = [];
  let lastYear = '';
  items.forEach((item, index) => {
    const year = index % every === 0 ? (item.axis?.year ?? '') : '';
    years.push(year !== '' && year !== lastYear ? year : '');
    if (year !== '') lastYear = year;
  });
  return (
    <svg
      className="report-chart"
      role="img"
      aria-labelledby={id}
      viewBox={`0 0 ${String(CHART_WIDTH)} ${String(height)}`}
      data-chart="line"
    >
      <title id={id}>{title}</title>
      <line x1={left} y1={height - bottom} x2={CHART_WIDTH - right} y2={height - bottom} className="report-chart__axis" />
      <line x1={left} y1={top} x2={left} y2={height - bottom} className="report-chart__axis" />
      <text x={left - 6} y={top + 5} textAnchor="end" className="report-chart__label">
        {max}
      </text>
      <text x={left - 6} y={height - bottom + 5} textAnchor="end" className="report-chart__label">
        0
      </text>
      {segments
        .filter((points) => points.length > 1)
        .map((points) => (
          <polyline key={points.join(' ')} points={points.join(' ')} className="report-chart__line" />
        ))}
      {items.map((item, index) => {
        const hidden = isSuppressed(item.value);
        const cy = hidden ? height - bottom : y(numeric(item.value));
        const written = index % every === 0;
        const axis = item.axis ?? { line: item.label, year: '' };
        const year = years[index] ?? '';
        return (
          <g key={item.label}>
            <circle
              cx={x(index)}
              cy={cy}
              r={5}
              className={hidden ? 'report-chart__point report-chart__point--hidden' : 'report-chart__point'}
            />
            <text x={x(index)} y={cy - (crowded && index % 2 === 1 ? 26 : 10)} textAnchor="middle" className="report-chart__value">
              {displayCount(item.value)}
            </text>
            {written && (
              <text x={x(index)} y={height - bottom + 20} textAnchor="middle" className="report-chart__label">
                {axis.line}
                {year !== '' && (
                  <tspan x={x(index)} dy={18}>
                    {year}
                  </tspan>
                )}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** One table's content; the Sachbericht may show it in parts (`columnsPerPart`). */
export interface ReportTableProps {
  caption: string;
  cornerLabel: string;
  totalLabel: string;
  rows: readonly string[];
  columns: readonly string[];
  /** Counts, or measures such as a median (null: not published). */
  cells: readonly (readonly ShownValue[])[];
  rowTotals: readonly ShownValue[];
  /** Without column totals (e.g. the funnel, whose stages do not add up) the table has no footer row. */
  columnTotals?: readonly PublishedCount[];
  total?: PublishedCount;
  /**
   * At most this many number columns (the row totals included) per table: a
   * wider table is printed as several, each repeating the first column, so it
   * fits the A4 page. Without it the table is one and scrolls if it must.
   */
  columnsPerPart?: number;
  /** How a published number is written (e.g. a median with one decimal). */
  format?: (n: number) => string;
  testId?: string;
}

export function ReportTable(props: ReportTableProps) {
  const { t } = useTranslation('reports');
  const { columns, columnsPerPart } = props;
  const indexes = columns.map((_, j) => j);
  if (columnsPerPart === undefined || columns.length + 1 <= columnsPerPart) {
    return <TablePart {...props} columnIndexes={indexes} withTotals />;
  }
  // Equal parts, the row totals counted as one more column of the last.
  const count = Math.ceil((columns.length + 1) / columnsPerPart);
  const size = Math.ceil((columns.length + 1) / count);
  const parts: number[][] = [];
  for (let start = 0; start < indexes.length; start += size) parts.push(indexes.slice(start, start + size));
  return (
    <>
      {parts.map((part, p) => (
        <TablePart
          key={part.join('-')}
          {...props}
          caption={t('table.part', { caption: props.caption, part: p + 1, parts: parts.length })}
          columnIndexes={part}
          withTotals={p === parts.length - 1}
        />
      ))}
    </>
  );
}

function TablePart({
  caption,
  cornerLabel,
  totalLabel,
  rows,
  columns,
  cells,
  rowTotals,
  columnTotals,
  total,
  columnIndexes,
  withTotals,
  format,
  testId,
}: ReportTableProps & { columnIndexes: readonly number[]; withTotals: boolean }) {
  const { t } = useTranslation('reports');
  const [scrollBox, overflow] = useHorizontalOverflow();
  const hintId = useId();
  const footer = columnTotals !== undefined && total !== undefined;
  return (
    <div
      className="report-table"
      data-overflowing={overflow.overflowing}
      data-more-start={overflow.moreAtStart}
      data-more-end={overflow.moreAtEnd}
    >
      {/* The hint tells what the fading edge shows: more columns sideways. */}
      <p id={hintId} className="report-table__scroll-hint no-print" hidden={!overflow.overflowing}>
        {t('table.scrollHint')}
      </p>
      {/* A wide table scrolls sideways: the region can take keyboard focus to be scrolled. */}
      <div
        ref={scrollBox}
        className="report-table__scroll"
        role="region"
        aria-label={caption}
        aria-describedby={overflow.overflowing ? hintId : undefined}
        tabIndex={0}
      >
        <table data-testid={testId}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{cornerLabel}</th>
              {columnIndexes.map((j) => (
                <th key={columns[j] ?? j} scope="col">
                  {columns[j]}
                </th>
              ))}
              {withTotals && <th scope="col">{totalLabel}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={row}>
                <th scope="row">{row}</th>
                {columnIndexes.map((j) => (
                  <CountCell key={columns[j] ?? j} value={present(cells[i]?.[j])} {...(format ? { format } : {})} />
                ))}
                {withTotals && <CountCell value={present(rowTotals[i])} total {...(format ? { format } : {})} />}
              </tr>
            ))}
          </tbody>
          {footer && (
            <tfoot>
              <tr>
                <th scope="row">{totalLabel}</th>
                {columnIndexes.map((j) => (
                  <CountCell key={columns[j] ?? j} value={present(columnTotals[j])} total />
                ))}
                {withTotals && <CountCell value={total} total />}
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </div>
  );
}

/** A missing entry is an empty table cell's 0; a null (a measure not published) stays null. */
function present(value: ShownValue | undefined): ShownValue {
  return value === undefined ? 0 : value;
}

/** A table cell with a count, a measure, or the one mark of a suppressed entry. */
export function CountCell({
  value,
  total = false,
  format,
}: {
  value: ShownValue;
  total?: boolean;
  format?: (n: number) => string;
}): ReactNode {
  const { t } = useTranslation('reports');
  const hidden = isSuppressed(value);
  const className = [total ? 'report-table__total' : '', hidden ? 'report-table__suppressed' : ''].filter(Boolean).join(' ');
  return (
    <td className={className === '' ? undefined : className} data-suppressed={hidden ? 'true' : undefined}>
      {hidden ? <abbr title={t('suppressed.cellTitle')}>{displayCount(value)}</abbr> : displayCount(value, format)}
    </td>
  );
}
