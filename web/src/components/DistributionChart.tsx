import { fmtPct } from '../lib/format.js';
import { useWidth } from '../lib/use-width.js';

/** DistributionBar is one bin or category: its share of the reference and of the current rows. */
export interface DistributionBar {
  label: string;
  reference: number;
  current: number;
}

/**
 * DistributionChart compares the reference and current share of each bin or category as paired
 * bars (shares, not counts: the two sides rarely have the same number of rows).
 */
export function DistributionChart(props: {
  bars: ReadonlyArray<DistributionBar>;
  label: string;
  height?: number;
}) {
  const [ref, width] = useWidth<HTMLDivElement>(360);
  const h = props.height ?? 190;
  const padL = 38;
  const padB = 42;
  const padT = 8;
  const shares = props.bars.map((b) => ({ ...b, r: b.reference, c: b.current }));
  const max = Math.max(0.01, ...shares.flatMap((s) => [s.r, s.c]));
  const plotW = Math.max(50, width - padL - 4);
  const plotH = h - padB - padT;
  const slot = plotW / Math.max(1, shares.length);
  const barW = Math.max(2, Math.min(18, slot * 0.36));
  const y = (v: number) => padT + plotH - (v / max) * plotH;
  const ticks = [0, max / 2, max];
  const labelEvery = Math.max(1, Math.ceil(shares.length / Math.max(1, Math.floor(plotW / 46))));
  return (
    <div ref={ref} class="dist-chart">
      <svg width={width} height={h} role="img" aria-label={props.label}>
        <title>{props.label}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={padL} x2={padL + plotW} y1={y(t)} y2={y(t)} class="grid-line" />
            <text x={padL - 4} y={y(t) + 3} class="axis-text" text-anchor="end">
              {fmtPct(t, 0)}
            </text>
          </g>
        ))}
        {shares.map((s, i) => {
          const cx = padL + slot * i + slot / 2;
          return (
            <g key={s.label} class="dist-bar">
              <rect x={cx - barW} y={y(s.r)} width={barW} height={padT + plotH - y(s.r)} class="bar-ref">
                <title>{`${s.label}\nreference ${fmtPct(s.r)}`}</title>
              </rect>
              <rect x={cx} y={y(s.c)} width={barW} height={padT + plotH - y(s.c)} class="bar-cur">
                <title>{`${s.label}\ncurrent ${fmtPct(s.c)}`}</title>
              </rect>
              {i % labelEvery === 0 ? (
                <text
                  x={cx}
                  y={padT + plotH + 12}
                  class="axis-text"
                  text-anchor="end"
                  transform={`rotate(-30 ${cx} ${padT + plotH + 12})`}
                >
                  {s.label.length > 14 ? `${s.label.slice(0, 13)}…` : s.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div class="legend-inline">
        <span class="sw sw-ref" /> reference <span class="sw sw-cur" /> current
      </div>
    </div>
  );
}
