// Small hand-written SVG charts for the reports (no chart library in the
// bundle). Accessible: each chart is an image with a text alternative, every bar
// and point carries its number as text (never colour alone), hidden counts are
// drawn hollow and dashed with their "<5" / "x" label, and every chart has a data
// table beside it (ReportTable).
import { useId } from 'react';
import type { PublishedCount } from '@shared/reports';

export interface ChartItem {
  label: string;
  value: PublishedCount;
}

const numeric = (value: PublishedCount): number => (typeof value === 'number' ? value : 0);
const shown = (value: PublishedCount): string => String(value);

export function BarChart({ title, items }: { title: string; items: readonly ChartItem[] }) {
  const id = useId();
  const max = Math.max(1, ...items.map((item) => numeric(item.value)));
  const rowHeight = 28;
  const labelWidth = 200;
  const barSpace = 320;
  const height = items.length * rowHeight + 8;
  return (
    <svg
      className="report-chart"
      role="img"
      aria-labelledby={id}
      viewBox={`0 0 ${String(labelWidth + barSpace + 60)} ${String(height)}`}
      data-chart="bar"
    >
      <title id={id}>{title}</title>
      {items.map((item, index) => {
        const y = index * rowHeight + 4;
        const hidden = typeof item.value !== 'number';
        // A hidden count gets a short hollow dashed bar: it is there, its size is not told.
        const width = hidden ? 12 : (numeric(item.value) / max) * barSpace;
        return (
          <g key={item.label}>
            <text x={labelWidth - 8} y={y + rowHeight / 2 + 4} textAnchor="end" className="report-chart__label">
              {item.label.length > 28 ? `${item.label.slice(0, 27)}…` : item.label}
            </text>
            <rect
              x={labelWidth}
              y={y + 4}
              width={Math.max(width, 1)}
              height={rowHeight - 10}
              className={hidden ? 'report-chart__bar report-chart__bar--hidden' : 'report-chart__bar'}
            />
            <text x={labelWidth + Math.max(width, 1) + 6} y={y + rowHeight / 2 + 4} className="report-chart__value">
              {shown(item.value)}
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
  const width = 560;
  const height = 220;
  const left = 40;
  const bottom = 30;
  const top = 20;
  const step = items.length > 1 ? (width - left - 30) / (items.length - 1) : 0;
  const x = (index: number): number => left + 15 + index * step;
  const y = (value: number): number => top + (height - top - bottom) * (1 - value / max);
  // The line joins published points only; a hidden month breaks it.
  const segments: string[][] = [[]];
  items.forEach((item, index) => {
    if (typeof item.value === 'number') segments[segments.length - 1]?.push(`${String(x(index))},${String(y(item.value))}`);
    else segments.push([]);
  });
  return (
    <svg className="report-chart" role="img" aria-labelledby={id} viewBox={`0 0 ${String(width)} ${String(height)}`} data-chart="line">
      <title id={id}>{title}</title>
      <line x1={left} y1={height - bottom} x2={width - 10} y2={height - bottom} className="report-chart__axis" />
      <line x1={left} y1={top} x2={left} y2={height - bottom} className="report-chart__axis" />
      <text x={left - 6} y={top + 4} textAnchor="end" className="report-chart__label">
        {max}
      </text>
      <text x={left - 6} y={height - bottom} textAnchor="end" className="report-chart__label">
        0
      </text>
      {segments
        .filter((points) => points.length > 1)
        .map((points) => (
          <polyline key={points.join(' ')} points={points.join(' ')} className="report-chart__line" />
        ))}
      {items.map((item, index) => {
        const hidden = typeof item.value !== 'number';
        const cy = hidden ? height - bottom : y(numeric(item.value));
        return (
          <g key={item.label}>
            <circle
              cx={x(index)}
              cy={cy}
              r={5}
              className={hidden ? 'report-chart__point report-chart__point--hidden' : 'report-chart__point'}
            />
            <text x={x(index)} y={cy - 9} textAnchor="middle" className="report-chart__value">
              {shown(item.value)}
            </text>
            <text x={x(index)} y={height - 10} textAnchor="middle" className="report-chart__label">
              {item.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function ReportTable({
  caption,
  cornerLabel,
  totalLabel,
  rows,
  columns,
  cells,
  rowTotals,
  columnTotals,
  total,
}: {
  caption: string;
  cornerLabel: string;
  totalLabel: string;
  rows: readonly string[];
  columns: readonly string[];
  cells: readonly (readonly PublishedCount[])[];
  rowTotals: readonly PublishedCount[];
  /** Without column totals (e.g. the funnel, whose stages do not add up) the table has no footer row. */
  columnTotals?: readonly PublishedCount[];
  total?: PublishedCount;
}) {
  return (
    // Wide tables scroll sideways: the region can take keyboard focus to be scrolled.
    <div className="report-table__scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="report-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{cornerLabel}</th>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            <th scope="col">{totalLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row}>
              <th scope="row">{row}</th>
              {columns.map((column, j) => (
                <Cell key={column} value={cells[i]?.[j] ?? 0} />
              ))}
              <Cell value={rowTotals[i] ?? 0} />
            </tr>
          ))}
        </tbody>
        {columnTotals !== undefined && total !== undefined && (
          <tfoot>
            <tr>
              <th scope="row">{totalLabel}</th>
              {columns.map((column, j) => (
                <Cell key={column} value={columnTotals[j] ?? 0} />
              ))}
              <Cell value={total} />
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

function Cell({ value }: { value: PublishedCount }) {
  return <td className={typeof value === 'number' ? undefined : 'report-table__hidden'}>{value}</td>;
}
