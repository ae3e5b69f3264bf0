import { fmtNum, fmtPct } from '../lib/format.js';

/** One bar: a segment's part of a metric's change, split into mix and rate, with its interval. */
export interface ContributionBar {
  dimension: string;
  segment: string;
  contribution: number;
  share_of_change: number | null;
  mix: number;
  rate: number;
  low: number;
  high: number;
}

/**
 * ContributionChart draws contributions as diverging horizontal bars around zero (left: pulled the
 * metric down, right: up): the bar is the contribution, its two shades the mix (share moved) and
 * rate (metric moved within the segment) parts, the whisker its interval.
 */
export function ContributionChart(props: { bars: readonly ContributionBar[]; label?: string }) {
  const { bars } = props;
  const span = Math.max(
    1e-12,
    ...bars.flatMap((b) => [Math.abs(b.low), Math.abs(b.high), Math.abs(b.contribution)]),
  );
  const x = (v: number) => 50 + (v / span) * 50;
  return (
    <div class="contrib-chart">
      <ul class="cbars" aria-label={props.label ?? 'contributions to the change'}>
        {bars.map((b) => {
          const name = `${b.dimension}=${b.segment}`;
          const lo = Math.min(0, b.contribution);
          const hi = Math.max(0, b.contribution);
          const mixW = (Math.abs(b.mix) / span) * 50;
          const rateW = (Math.abs(b.rate) / span) * 50;
          const sameSign = Math.sign(b.mix) === Math.sign(b.rate) || b.mix === 0 || b.rate === 0;
          return (
            <li
              class="cbar"
              key={name}
              data-contributor={name}
              title={`${name}: ${fmtNum(b.contribution)} (mix ${fmtNum(b.mix)}, rate ${fmtNum(b.rate)}; interval ${fmtNum(b.low)} to ${fmtNum(b.high)})`}
            >
              <span class="cbar-name">{name}</span>
              <span class="cbar-track">
                <span class="cbar-zero" />
                {sameSign ? (
                  <>
                    <span
                      class={`cbar-fill mix ${b.contribution < 0 ? 'down' : 'up'}`}
                      style={{
                        left: `${b.contribution < 0 ? x(lo) : 50}%`,
                        width: `${mixW}%`,
                      }}
                    />
                    <span
                      class={`cbar-fill rate ${b.contribution < 0 ? 'down' : 'up'}`}
                      style={{
                        left: `${b.contribution < 0 ? x(lo) + mixW : 50 + mixW}%`,
                        width: `${rateW}%`,
                      }}
                    />
                  </>
                ) : (
                  <span
                    class={`cbar-fill ${b.contribution < 0 ? 'down' : 'up'}`}
                    style={{ left: `${x(lo)}%`, width: `${x(hi) - x(lo)}%` }}
                  />
                )}
                <span
                  class="cbar-whisker"
                  style={{ left: `${x(b.low)}%`, width: `${x(b.high) - x(b.low)}%` }}
                />
              </span>
              <span class="num cbar-value">
                {b.contribution >= 0 ? '+' : ''}
                {fmtNum(b.contribution)}
                {b.share_of_change !== null ? (
                  <span class="muted"> · {fmtPct(b.share_of_change)}</span>
                ) : null}
              </span>
            </li>
          );
        })}
      </ul>
      <div class="cbar-legend muted">
        <span class="cbar-key mix" /> mix (share moved) <span class="cbar-key rate" /> rate (metric moved in
        the segment) — whisker: simultaneous interval
      </div>
    </div>
  );
}
