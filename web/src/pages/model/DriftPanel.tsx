import type { Distribution, DriftBucketsResponse, DriftResponse } from '../../../../src/server/api-types.js';
import type { Params } from '../../api/client.js';
import { type ApiState, useApi, useCapabilities } from '../../api/use-api.js';
import { DistributionChart } from '../../components/DistributionChart.js';
import { type HeatCell, Heatmap } from '../../components/Heatmap.js';
import { Empty, Loading, Pending, Tag } from '../../components/ui.js';
import { fmtNum, fmtP, fmtPct, fmtSpan } from '../../lib/format.js';
import { usePageReady } from '../../lib/page-ready.js';
import { setParams } from '../../lib/router.js';
import { psiBand } from '../../lib/severity.js';
import { columnLabel } from '../../lib/time-range.js';
import {
  bucketFeatures,
  DRIFT_ROUTE,
  type DriftRow,
  distributionBars,
  driftRows,
  measures,
  psiOf,
  useDriftColumns,
} from './drift-data.js';

/** ColumnDrift is what one heatmap column knows: its features' verdicts and distributions. */
interface ColumnDrift {
  features: DriftRow[];
  distributions?: Distribution[] | undefined;
}

interface Column {
  key: string;
  label: string;
  /** fromMs/toMs: the window the column's numbers cover (a bucket clipped to the range). */
  fromMs: number;
  toMs: number;
  state: ApiState<ColumnDrift>;
}

function columnLabelSpan(columns: ReadonlyArray<Column>): string {
  const c = columns[0];
  return c ? fmtSpan(c.toMs - c.fromMs) : 'column';
}

function cellOf(f: DriftRow): HeatCell {
  return {
    psi: psiOf(f),
    drifted: f.drifted,
    title: `${f.method} ${fmtNum(f.statistic)}${f.p_value === null ? '' : ` p=${fmtP(f.p_value)}`} vs threshold ${fmtNum(f.threshold)} → ${f.drifted ? 'drifted' : 'no drift'}`,
  };
}

/**
 * useColumns fills the heatmap's columns: from the one granular answer (`heat`) when the server
 * offers it, else one drift request per column (older servers).
 */
function useColumns(
  model: string,
  base: Params,
  cols: ReadonlyArray<{ fromMs: number; toMs: number }>,
  heat: ApiState<DriftBucketsResponse> | null,
  perColumn: boolean,
): Column[] {
  const columns = useDriftColumns(model, base, cols, perColumn);
  return cols.map((c, i) => {
    const common = { key: String(c.fromMs), label: columnLabel(c) };
    if (heat === null) {
      const s = columns[i] ?? { status: 'loading' };
      const state: ApiState<ColumnDrift> =
        s.status !== 'ok'
          ? s
          : { status: 'ok', data: { features: driftRows(s.data), distributions: s.data.distributions } };
      return { ...common, fromMs: c.fromMs, toMs: c.toMs, state };
    }
    if (heat.status !== 'ok') return { ...common, fromMs: c.fromMs, toMs: c.toMs, state: heat };
    const bucket = heat.data.buckets.find((b) => {
      const t = Date.parse(b.start);
      return t >= c.fromMs && t < c.toMs;
    });
    return {
      ...common,
      fromMs: bucket ? Date.parse(bucket.start) : c.fromMs,
      toMs: bucket ? Date.parse(bucket.end) : c.toMs,
      state: { status: 'ok', data: { features: bucket ? bucketFeatures(bucket) : [] } },
    };
  });
}

export function DriftPanel(props: {
  model: string;
  base: Params;
  overall: ApiState<DriftResponse>;
  /** heat is the granular drift answer, or null when the server lacks `granularity`. */
  heat: ApiState<DriftBucketsResponse> | null;
  cols: ReadonlyArray<{ fromMs: number; toMs: number }>;
  feature: string | null;
  at: string | null;
  baselineLabel: string;
  /** noBaseline: the baseline window has no records, so there is nothing to compare with. */
  noBaseline: boolean;
  /**
   * start holds per-column requests (older servers) back until the page's own queries are
   * answered: the store runs them on the same cores, and the heatmap is worth less than the
   * first charts.
   */
  start: boolean;
}) {
  const caps = useCapabilities();
  const available = caps ? caps.has(DRIFT_ROUTE) : null;
  const perColumn = props.heat === null && available === true && props.start && !props.noBaseline;
  const columns = useColumns(props.model, props.base, props.cols, props.heat, perColumn);
  const pending = columns.filter((c) => c.state.status === 'loading').length;
  const allIn = columns.length > 0 && pending === 0;
  usePageReady('model-heatmap', allIn, { attribute: false });

  // A clicked cell of the granular heatmap carries verdicts only; its distributions and every
  // measure come from the one-window route for that cell's window.
  const atMs = props.at ? Date.parse(props.at) : null;
  const selCol = atMs === null ? -1 : columns.findIndex((c) => c.fromMs === atMs || c.key === String(atMs));
  const clicked = props.feature && selCol >= 0 && props.heat !== null ? columns[selCol] : undefined;
  const cellDrift = useApi<DriftResponse>(
    clicked
      ? {
          path: `v1/models/${encodeURIComponent(props.model)}/drift`,
          params: {
            ...props.base,
            from: new Date(clicked.fromMs).toISOString(),
            to: new Date(clicked.toMs).toISOString(),
          },
          route: DRIFT_ROUTE,
        }
      : null,
  );

  if (props.noBaseline)
    return (
      <Empty title={`The ${props.baselineLabel} baseline has no records`}>
        Drift compares the selected window with a baseline. Log this model's training data with{' '}
        <code>environment: "training"</code> (or <code>vigil ingest FILE --env training</code>), or pick
        another baseline above.
      </Empty>
    );
  return (
    <Pending state={props.overall} what="drift">
      {(overall) => {
        const rows = driftRows(overall);
        const order = [...rows].sort(
          (a, b) => Number(b.drifted) - Number(a.drifted) || (psiOf(b) ?? -1) - (psiOf(a) ?? -1),
        );
        const names = order.map((f) => f.name);
        const cell = (row: string, col: number): HeatCell | 'loading' | null => {
          const c = columns[col];
          if (!c || c.state.status === 'loading') return 'loading';
          if (c.state.status !== 'ok') return null;
          const f = c.state.data.features.find((x) => x.name === row);
          return f ? cellOf(f) : null;
        };
        const selected = props.feature ? { row: props.feature, col: selCol >= 0 ? selCol : null } : undefined;
        const detailCol =
          selected?.col === null || selected?.col === undefined ? null : columns[selected.col];
        let detail: DriftRow | undefined;
        let distributions: Distribution[] | undefined;
        let detailState: 'ok' | 'loading' | 'none' = 'ok';
        if (props.feature) {
          if (detailCol && props.heat !== null) {
            if (cellDrift.status === 'ok') {
              detail = driftRows(cellDrift.data).find((f) => f.name === props.feature);
              distributions = cellDrift.data.distributions;
            } else detailState = cellDrift.status === 'loading' ? 'loading' : 'none';
          } else if (detailCol) {
            if (detailCol.state.status === 'ok') {
              detail = detailCol.state.data.features.find((f) => f.name === props.feature);
              distributions = detailCol.state.data.distributions;
            } else detailState = detailCol.state.status === 'loading' ? 'loading' : 'none';
          } else {
            detail = rows.find((f) => f.name === props.feature);
            distributions = overall.distributions;
          }
        }
        return (
          <div class="drift">
            <div class="drift-summary">
              <Tag tone={overall.dataset_drift ? 'alert' : 'ok'}>
                {overall.dataset_drift ? 'dataset drift' : 'no dataset drift'}
              </Tag>
              <span>
                {fmtPct(overall.drifted_share, 0)} of features drifted over the selected range against the{' '}
                <b>{props.baselineLabel}</b> baseline
              </span>
              {pending > 0 ? (
                <span class="muted progress" role="status">
                  drift per {columns.length > 0 ? columnLabelSpan(columns) : 'column'}:{' '}
                  {columns.length - pending} of {columns.length} columns in…
                </span>
              ) : null}
            </div>
            <div class="drift-grid">
              <div class="drift-heat">
                {names.length === 0 ? (
                  <Empty title="No features">The records of this window carry no features.</Empty>
                ) : (
                  <Heatmap
                    rows={names}
                    columns={columns}
                    cell={cell}
                    selected={selected}
                    onSelect={(row, col) =>
                      setParams(
                        {
                          feature: row,
                          at: col === null ? null : new Date(Number(columns[col]?.key ?? 0)).toISOString(),
                        },
                        { replace: true },
                      )
                    }
                  />
                )}
              </div>
              <section class="drift-detail" aria-label="feature distribution">
                {!props.feature ? (
                  <Empty title="Pick a feature">
                    Click a cell to compare that window with the baseline, or a feature name for the whole
                    range.
                  </Empty>
                ) : detailState === 'loading' ? (
                  <Loading what={`${props.feature}`} />
                ) : !detail ? (
                  <Empty title={`No data for ${props.feature} here`}>
                    The feature has no values in this window.
                  </Empty>
                ) : (
                  <FeatureDetail
                    f={detail}
                    distributions={distributions}
                    window={detailCol ? detailCol.label : 'selected range'}
                  />
                )}
              </section>
            </div>
          </div>
        );
      }}
    </Pending>
  );
}

function FeatureDetail(props: { f: DriftRow; distributions: Distribution[] | undefined; window: string }) {
  const { f, window } = props;
  const bars = distributionBars(f.name, props.distributions);
  const psi = psiOf(f);
  return (
    <div class="feature-detail" data-feature-detail={f.name}>
      <div class="fd-head">
        <h3>{f.name}</h3>
        <Tag>{f.type}</Tag>
        <Tag tone={f.drifted ? 'alert' : 'ok'}>{f.drifted ? 'drifted' : 'stable'}</Tag>
        <span class="muted">{window} vs baseline</span>
      </div>
      <p class="fd-verdict">
        <b>{f.method}</b> = {fmtNum(f.statistic)}
        {f.p_value === null ? '' : `, p = ${fmtP(f.p_value)}`}, threshold {fmtNum(f.threshold)} · PSI{' '}
        {fmtNum(psi)} ({psiBand(psi)}){f.reason ? <span class="muted"> · {f.reason}</span> : null}
      </p>
      {bars ? (
        <DistributionChart bars={bars} label={`${f.name}: reference vs current distribution`} />
      ) : (
        <p class="note">
          The drift response has no distribution for {f.name} (the prediction's outputs are judged, not binned
          here), so only its measures are shown.
        </p>
      )}
      {f.stats.new_categories && f.stats.new_categories.length > 0 ? (
        <p class="note">
          New categories: {f.stats.new_categories.slice(0, 12).join(', ')}
          {f.stats.new_categories.length > 12 ? '…' : ''}
        </p>
      ) : null}
      <table class="table compact" aria-label={`${f.name} drift measures`}>
        <thead>
          <tr>
            <th>measure</th>
            <th class="num">value</th>
            <th class="num">p-value</th>
          </tr>
        </thead>
        <tbody>
          {measures(f).map(([k, v, p]) => (
            <tr key={k} class={k === f.method ? 'hl' : ''}>
              <td>{k}</td>
              <td class="num">{fmtNum(v)}</td>
              <td class="num">{fmtP(p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {f.notes && f.notes.length > 0 ? <p class="note">{f.notes.join(' ')}</p> : null}
    </div>
  );
}
