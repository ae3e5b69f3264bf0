import type { Alert } from '../../../src/server/api-types.js';
import { COLORS } from '../lib/charts.js';
import { fmtDay, fmtTime } from '../lib/format.js';
import { useWidth } from '../lib/use-width.js';

/**
 * AlertTimeline draws one lane per monitor and one bar per alert from when it opened to its last
 * update (to now while open); a hollow diamond marks a predicted breach.
 */
export function AlertTimeline(props: {
  alerts: ReadonlyArray<Alert>;
  names: (monitor: string) => string;
  selected: string | null;
  onSelect: (id: string) => void;
  nowMs: number;
}) {
  const [ref, width] = useWidth<HTMLDivElement>(800);
  const lanes = [...new Set(props.alerts.map((a) => a.monitor))];
  const end = (a: Alert) => (a.state === 'resolved' ? Date.parse(a.updated) : props.nowMs);
  const times = props.alerts.flatMap((a) => [
    Date.parse(a.opened),
    end(a),
    ...(a.predicted_breach ? [Date.parse(a.predicted_breach)] : []),
  ]);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 3_600_000);
  const labelW = 180;
  const laneH = 22;
  const top = 18;
  const plotW = Math.max(100, width - labelW - 12);
  const x = (t: number) => labelW + ((t - t0) / (t1 - t0)) * plotW;
  const h = top + lanes.length * laneH + 6;
  const ticks = Array.from({ length: 6 }, (_, i) => t0 + ((t1 - t0) * i) / 5);
  const multiDay = t1 - t0 > 2 * 86_400_000;
  return (
    <div ref={ref} class="timeline">
      <svg width={width} height={h} role="img" aria-label="alert timeline">
        <title>alert timeline</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={top - 4} y2={h} class="grid-line" />
            <text
              x={x(t)}
              y={10}
              class="axis-text"
              text-anchor={t === ticks[0] ? 'start' : t === ticks[ticks.length - 1] ? 'end' : 'middle'}
            >
              {multiDay ? fmtDay(t) : fmtTime(t).slice(11)}
            </text>
          </g>
        ))}
        {props.nowMs <= t1 ? (
          <line x1={x(props.nowMs)} x2={x(props.nowMs)} y1={top - 4} y2={h} class="now-line" />
        ) : null}
        {lanes.map((m, i) => (
          <text key={m} x={labelW - 8} y={top + i * laneH + 15} class="lane-label" text-anchor="end">
            {props.names(m).length > 26 ? `${props.names(m).slice(0, 25)}…` : props.names(m)}
          </text>
        ))}
        {props.alerts.map((a) => {
          const lane = lanes.indexOf(a.monitor);
          const y = top + lane * laneH + 4;
          const x0 = x(Date.parse(a.opened));
          const x1 = Math.max(x0 + 3, x(end(a)));
          const sel = props.selected === a.id;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG shape cannot be a <button>; it gets the role and keyboard handling instead.
            <g
              key={a.id}
              class={`tl-alert${sel ? ' sel' : ''}`}
              role="button"
              tabIndex={0}
              aria-label={`${props.names(a.monitor)} ${a.state} from ${fmtTime(a.opened)}`}
              onClick={() => props.onSelect(a.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') props.onSelect(a.id);
              }}
            >
              <rect
                x={x0}
                y={y}
                width={x1 - x0}
                height={laneH - 8}
                rx={3}
                fill={COLORS[a.state]}
                opacity={a.state === 'resolved' ? 0.45 : 0.9}
              >
                <title>{`${props.names(a.monitor)}: ${a.state}\n${fmtTime(a.opened)} → ${a.state === 'resolved' ? fmtTime(a.updated) : 'now'}\n${a.reason}`}</title>
              </rect>
              {a.predicted_breach ? (
                <path
                  d={`M${x(Date.parse(a.predicted_breach))},${y} l6,7 l-6,7 l-6,-7 z`}
                  fill="#fff"
                  stroke={COLORS[a.state]}
                  stroke-width={1.5}
                />
              ) : null}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
