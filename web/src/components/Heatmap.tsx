import { fmtNum } from '../lib/format.js';
import { inkOn, psiBand, psiColor } from '../lib/severity.js';

export interface HeatCell {
  psi: number | null;
  drifted: boolean;
  title: string;
}

export interface HeatColumn {
  key: string;
  label: string;
}

/**
 * Heatmap draws features × time as a grid of buttons: colour is PSI severity, a corner mark
 * shows the feature method's drift verdict, and a click opens that feature's distributions for that
 * window. `cell` returns 'loading' while a column is on its way and null when it has no data.
 */
export function Heatmap(props: {
  rows: ReadonlyArray<string>;
  columns: ReadonlyArray<HeatColumn>;
  cell: (row: string, col: number) => HeatCell | 'loading' | null;
  selected?: { row: string; col: number | null } | undefined;
  onSelect: (row: string, col: number | null) => void;
}) {
  const { rows, columns } = props;
  // Label roughly every ~8th column so dates never overlap.
  const every = Math.max(1, Math.ceil(columns.length / 9));
  return (
    <div class="heatmap">
      <div
        class="heat-grid"
        style={{ gridTemplateColumns: `minmax(120px, 180px) repeat(${columns.length}, minmax(14px, 1fr))` }}
      >
        <div class="heat-corner">feature</div>
        {columns.map((c, i) => (
          <div class="heat-col" key={c.key} title={c.label}>
            {i % every === 0 ? c.label : ''}
          </div>
        ))}
        {rows.map((row) => (
          <div class="heat-row" key={row} data-feature={row}>
            <button
              type="button"
              class={`heat-label ${props.selected?.row === row && props.selected.col === null ? 'sel' : ''}`}
              onClick={() => props.onSelect(row, null)}
              title={`${row}: whole range`}
            >
              {row}
            </button>
            {columns.map((c, i) => {
              const cell = props.cell(row, i);
              const sel = props.selected?.row === row && props.selected.col === i;
              if (cell === 'loading') return <div key={c.key} class="heat-cell loading" />;
              if (cell === null)
                return <div key={c.key} class="heat-cell none" title={`${row} · ${c.label}: no data`} />;
              return (
                <button
                  type="button"
                  key={c.key}
                  class={`heat-cell${cell.drifted ? ' drifted' : ''}${sel ? ' sel' : ''}`}
                  style={{ background: psiColor(cell.psi), color: inkOn(cell.psi) }}
                  title={`${row} · ${c.label}\nPSI ${fmtNum(cell.psi)} (${psiBand(cell.psi)})\n${cell.title}`}
                  aria-label={`${row} ${c.label} PSI ${fmtNum(cell.psi)}${cell.drifted ? ' drifted' : ''}`}
                  onClick={() => props.onSelect(row, i)}
                />
              );
            })}
          </div>
        ))}
      </div>
      <HeatLegend />
    </div>
  );
}

function HeatLegend() {
  const stops = [0, 0.05, 0.1, 0.175, 0.25, 0.375, 0.5, 0.75, 1];
  return (
    <div class="heat-legend" aria-hidden="true">
      <span>PSI</span>
      <span class="legend-scale">
        <span
          class="legend-ramp"
          style={{ background: `linear-gradient(90deg, ${stops.map((s) => psiColor(s)).join(', ')})` }}
        />
        <span class="legend-ticks">
          <span>0</span>
          <span>0.1</span>
          <span>0.25</span>
          <span>0.5</span>
          <span>1+</span>
        </span>
      </span>
      <span class="legend-key">
        &lt; 0.1 stable · 0.1–0.25 moderate · &gt; 0.25 major · <span class="legend-outline" /> corner mark:
        drifted by the feature's own test
      </span>
    </div>
  );
}
