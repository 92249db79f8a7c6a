/** One bar: its label on the axis ("Mon"), the full label for the table ("Monday 7 December"), its value and how to show it. */
export interface ChartPoint {
  label: string;
  longLabel: string;
  value: number;
  display: string;
}

export interface ChartView {
  /** The chart's accessible name, e.g. "Sales per day, last 7 days". */
  title: string;
  /** One sentence a screen reader hears after the title: the range and the highest day. */
  description: string;
  /** The table's column headings: what a label is and what a value is ("Day", "Sales"). */
  columns: [string, string];
  points: ChartPoint[];
}

const width = 320;
const height = 128;
const axis = 18;
const top = 8;

/**
 * A small bar chart drawn on the server as SVG: no script, no inline style (the colours come from the
 * stylesheet's classes). It is an image with a title and a description, and the same figures follow as a
 * table in a disclosure, so nothing is only in the picture.
 */
export function BarChart({ id, chart, caption }: { id: string; chart: ChartView; caption: string }) {
  const n = chart.points.length;
  const max = Math.max(0, ...chart.points.map((p) => p.value));
  const slot = width / Math.max(n, 1);
  const bar = Math.min(28, slot * 0.6);
  const plot = height - axis - top;
  return (
    <figure class="bar-chart">
      <svg class="bar-chart__svg" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <title id={`${id}-title`}>{chart.title}</title>
        <desc id={`${id}-desc`}>{chart.description}</desc>
        <line class="bar-chart__axis" x1="0" x2={width} y1={height - axis + 0.5} y2={height - axis + 0.5} />
        {chart.points.map((p, i) => {
          // A day without sales keeps a hairline, so the gap reads as zero and not as missing data.
          const h = max === 0 ? 0 : Math.round((p.value / max) * plot);
          const x = i * slot + (slot - bar) / 2;
          return (
            <g key={p.longLabel}>
              <rect class={i === n - 1 ? 'bar-chart__bar bar-chart__bar--current' : 'bar-chart__bar'} x={x.toFixed(1)} y={height - axis - Math.max(h, 1)} width={bar.toFixed(1)} height={Math.max(h, 1)} rx="2" />
              <text class="bar-chart__label" x={(i * slot + slot / 2).toFixed(1)} y={height - 4} text-anchor="middle">
                {p.label}
              </text>
            </g>
          );
        })}
      </svg>
      <details class="bar-chart__figures">
        <summary>Figures</summary>
        <table class="admin-table">
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{chart.columns[0]}</th>
              <th scope="col" class="num">
                {chart.columns[1]}
              </th>
            </tr>
          </thead>
          <tbody>
            {chart.points.map((p) => (
              <tr key={p.longLabel}>
                <th scope="row">{p.longLabel}</th>
                <td class="num tabular">{p.display}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
