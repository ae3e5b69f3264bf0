import type { HorizonPerformance } from '../../../../src/server/api-types.js';
import { fmtNum, fmtTime } from '../../lib/format.js';
import { inkOn, psiColor } from '../../lib/severity.js';

// A forecaster's horizon × time heatmap (docs/forecasting.md): one row per horizon, one column
// per target-time bucket, colour by MASE (the error against the seasonal naive forecast: 1 is
// as good as naive). It draws on the drift heatmap's grid and colour ramp (MASE / 4 on the PSI
// scale, so 1 reads "moderate" and 2 "major").

const HEAT_METRIC = 'mase';
const toRamp = (v: number | null) => (v === null ? null : v / 4);

/** horizonColumns are the bucket starts (ms) of every horizon, sorted and gap-filled at stepMs. */
export function horizonColumns(horizons: ReadonlyArray<HorizonPerformance>, stepMs: number): number[] {
  const starts = horizons.flatMap((h) => h.series.map((b) => Date.parse(b.start)));
  if (starts.length === 0) return [];
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const out: number[] = [];
  for (let t = first; t <= last; t += stepMs) out.push(t);
  return out;
}

export function HorizonHeatmap(props: { horizons: ReadonlyArray<HorizonPerformance>; stepMs: number }) {
  const cols = horizonColumns(props.horizons, props.stepMs);
  const every = Math.max(1, Math.ceil(cols.length / 9));
  return (
    <div class="heatmap" data-heatmap="horizon">
      <div
        class="heat-grid"
        style={{ gridTemplateColumns: `minmax(120px, 180px) repeat(${cols.length}, minmax(6px, 1fr))` }}
      >
        <div class="heat-corner">horizon</div>
        {cols.map((t, i) => (
          <div class="heat-col" key={t} title={fmtTime(t)}>
            {i % every === 0 ? fmtTime(t).slice(0, 10) : ''}
          </div>
        ))}
        {props.horizons.map((h) => {
          const byStart = new Map(h.series.map((b) => [Date.parse(b.start), b]));
          return (
            <div class="heat-row" key={h.horizon} data-horizon={h.horizon}>
              <div
                class="heat-label"
                title={`${h.horizon}: MASE ${fmtNum(h.metrics[HEAT_METRIC] ?? null)} overall`}
              >
                {h.horizon}
              </div>
              {cols.map((t) => {
                const b = byStart.get(t);
                const v = b?.metrics[HEAT_METRIC];
                const value = typeof v === 'number' && Number.isFinite(v) ? v : null;
                if (value === null)
                  return (
                    <div
                      key={t}
                      class="heat-cell none"
                      title={`${h.horizon} · ${fmtTime(t)}: no settled forecasts`}
                    />
                  );
                const ramp = toRamp(value);
                return (
                  <div
                    key={t}
                    class="heat-cell"
                    data-value={value}
                    style={{ background: psiColor(ramp), color: inkOn(ramp) }}
                    title={`${h.horizon} · ${fmtTime(t)}\nMASE ${fmtNum(value)} · bias ${fmtNum(b?.metrics['bias'] ?? null)}\n${b?.labeled ?? 0} settled forecasts`}
                    role="img"
                    aria-label={`${h.horizon} ${fmtTime(t)} MASE ${fmtNum(value)}`}
                  />
                );
              })}
            </div>
          );
        })}
      </div>
      <div class="heat-legend" aria-hidden="true">
        <span>MASE</span>
        <span class="legend-scale">
          <span
            class="legend-ramp"
            style={{
              background: `linear-gradient(90deg, ${[0, 0.5, 1, 2, 3, 4].map((s) => psiColor(toRamp(s))).join(', ')})`,
            }}
          />
          <span class="legend-ticks">
            <span>0</span>
            <span>1</span>
            <span>2</span>
            <span>4+</span>
          </span>
        </span>
        <span class="legend-key">below 1 beats the seasonal naive forecast · above 1 does worse</span>
      </div>
    </div>
  );
}
