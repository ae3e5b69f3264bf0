import { useEffect, useState } from 'preact/hooks';
import type {
  Distribution,
  DriftBucketFeature,
  DriftBucketsResponse,
  DriftFeature,
  DriftResponse,
  DriftStats,
} from '../../../../src/server/api-types.js';
import { bucketStartMs, heatGranularity } from '../../../../src/shared/time-buckets.js';
import type { Params } from '../../api/client.js';
import { type ApiState, runRequest } from '../../api/use-api.js';
import type { DistributionBar } from '../../components/DistributionChart.js';

export const DRIFT_ROUTE = 'GET /v1/models/{model}/drift';

// The server's own bucket table (weeks start on Mondays there and here).
export { heatGranularity };

/** heatColumns are the buckets covering [lo, hi), aligned as the server aligns them. */
export function heatColumns(lo: number, hi: number, stepMs: number): Array<{ fromMs: number; toMs: number }> {
  const start = bucketStartMs(lo, stepMs);
  const cols: Array<{ fromMs: number; toMs: number }> = [];
  for (let t = start; t < hi; t += stepMs) cols.push({ fromMs: t, toMs: t + stepMs });
  return cols;
}

/**
 * DriftRow is what the drift panel draws of a feature: a one-window feature (DriftFeature) or a
 * time bucket's (DriftBucketFeature), with the measures either kind may carry.
 */
export type DriftRow = Pick<DriftFeature, 'name' | 'type' | 'statistic' | 'p_value' | 'drifted'> &
  Partial<Pick<DriftFeature, 'reason' | 'notes'>> &
  Partial<Pick<DriftBucketFeature, 'severity'>> & {
    method: DriftFeature['method'] | DriftBucketFeature['method'];
    threshold: number | null;
    stats: DriftStats;
  };

/** bucketFeatures lists a bucket's features with its prediction first, named as driftRows names it. */
export function bucketFeatures(b: DriftBucketsResponse['buckets'][number]): DriftRow[] {
  const asFeature = (f: DriftBucketFeature, name = f.name): DriftRow => ({ ...f, name, stats: f.stats });
  return [
    ...(b.prediction ? [asFeature(b.prediction, `prediction: ${b.prediction.name}`)] : []),
    ...b.features.map((f) => asFeature(f)),
  ];
}

/** Column requests in flight at once: the store answers them one engine at a time anyway. */
const CONCURRENCY = 4;

/**
 * useDriftColumns asks the drift route once per heatmap column (API.md's drift shape is one
 * window) and fills the grid as answers arrive.
 */
export function useDriftColumns(
  model: string,
  base: Params,
  cols: ReadonlyArray<{ fromMs: number; toMs: number }>,
  enabled: boolean,
): Array<ApiState<DriftResponse>> {
  const key = JSON.stringify([model, base, cols, enabled]);
  const [state, setState] = useState<{ key: string; list: Array<ApiState<DriftResponse>> }>({
    key: '',
    list: [],
  });
  // `key` serialises every input, so the requests restart only when one of them changes.
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const list: Array<ApiState<DriftResponse>> = cols.map(() => ({ status: 'loading' }));
    setState({ key, list: [...list] });
    let next = 0;
    const worker = async () => {
      while (live && next < cols.length) {
        const i = next++;
        const c = cols[i]!;
        const s = await runRequest<DriftResponse>({
          path: `v1/models/${encodeURIComponent(model)}/drift`,
          params: { ...base, from: new Date(c.fromMs).toISOString(), to: new Date(c.toMs).toISOString() },
          route: DRIFT_ROUTE,
        });
        if (!live) return;
        list[i] = s;
        setState({ key, list: [...list] });
      }
    };
    for (let k = 0; k < CONCURRENCY; k++) void worker();
    return () => {
      live = false;
    };
  }, [key]);
  return state.key === key ? state.list : cols.map(() => ({ status: 'loading' }));
}

export function psiOf(f: DriftRow): number | null {
  const p = f.stats.psi;
  return typeof p === 'number' && Number.isFinite(p) ? p : null;
}

/** withPrediction lists the features and, first, the prediction's own drift when present. */
export function driftRows(r: DriftResponse): DriftRow[] {
  return r.prediction
    ? [{ ...r.prediction, name: `prediction: ${r.prediction.name}` }, ...r.features]
    : [...r.features];
}

/** Categories past this many are summed into "other" so the chart stays readable. */
const MAX_BARS = 16;

/** distributionBars finds a feature's shares in a drift response, for DistributionChart. */
export function distributionBars(
  name: string,
  distributions: ReadonlyArray<Distribution> | undefined,
): DistributionBar[] | null {
  const d = distributions?.find((x) => x.name === name);
  if (!d || d.labels.length === 0) return null;
  const bars = d.labels.map((label, i) => ({
    label,
    reference: d.reference[i] ?? 0,
    current: d.current[i] ?? 0,
  }));
  if (bars.length <= MAX_BARS) return bars;
  const tail = bars.slice(MAX_BARS - 1);
  return [
    ...bars.slice(0, MAX_BARS - 1),
    {
      label: `other (${tail.length})`,
      reference: tail.reduce((s, b) => s + b.reference, 0),
      current: tail.reduce((s, b) => s + b.current, 0),
    },
  ];
}

/** measures flattens a feature's `stats` into rows of [name, statistic, p-value]. */
export function measures(f: DriftRow): Array<[string, number | null, number | null]> {
  const rows: Array<[string, number | null, number | null]> = [];
  for (const [k, v] of Object.entries(f.stats)) {
    if (typeof v === 'number' || v === null) rows.push([k, v, null]);
    else if (v && typeof v === 'object' && !Array.isArray(v) && 'statistic' in v) {
      const t = v as { statistic: number | null; p_value?: number | null };
      rows.push([k, t.statistic, t.p_value ?? null]);
    }
  }
  return rows;
}
