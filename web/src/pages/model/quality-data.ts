import type { QualityCheckName, QualityResponse, QualityStatus } from '../../../../src/server/api-types.js';
import type { Params } from '../../api/client.js';
import type { ApiRequest } from '../../api/use-api.js';
import { fmtNum, fmtPct } from '../../lib/format.js';

export const QUALITY_ROUTE = 'GET /v1/models/{model}/quality';

/** QualityRow is one line of the quality table: a check, its verdict, its figure and why. */
export interface QualityRow {
  name: string;
  verdict: 'ok' | 'warning' | 'alert' | 'n/a';
  value: string;
  detail: string;
}

/** Check names as the table shows them, in the server's order. */
export const CHECK_LABELS: Record<QualityCheckName, string> = {
  missing: 'missing values',
  type_mismatch: 'type mismatches',
  new_categories: 'new categories',
  vanished_categories: 'vanished categories',
  out_of_range: 'out of range',
  constant: 'constant columns',
  cardinality: 'cardinality jumps',
};

/** qualityRequest asks the quality route for the page's window, baseline and bucket size. */
export function qualityRequest(
  model: string,
  win: Params,
  baseline: Params,
  granularity: 'hour' | 'day',
): ApiRequest {
  return {
    path: `v1/models/${encodeURIComponent(model)}/quality`,
    params: { ...win, ...baseline, granularity },
    route: QUALITY_ROUTE,
  };
}

/**
 * qualityGranularity is the page's bucket size unless hours would make the grid unreadable (and
 * past the route's 2000-bucket limit): spans over two weeks get days.
 */
export function qualityGranularity(g: 'hour' | 'day', spanMs: number): 'hour' | 'day' {
  return g === 'hour' && spanMs > 14 * 86_400_000 ? 'day' : g;
}

const RANK: Record<QualityStatus, number> = { ok: 0, warning: 1, alert: 2 };

/**
 * checkRows folds the per-feature checks of the whole window into one row per check: the worst
 * verdict, how many features it hit, and the worst features' reasons.
 */
export function checkRows(q: QualityResponse): QualityRow[] {
  if ((q.baseline.records ?? 1) === 0) {
    return [
      {
        name: 'feature checks',
        verdict: 'n/a',
        value: '—',
        detail: 'the baseline has no records to compare with',
      },
    ];
  }
  return (Object.keys(CHECK_LABELS) as QualityCheckName[]).map((check) => {
    const hits = q.features
      .flatMap((f) => f.checks.filter((c) => c.check === check).map((c) => ({ f, c })))
      .filter(({ c }) => c.status !== 'ok')
      .sort((a, b) => RANK[b.c.status] - RANK[a.c.status] || (b.c.value ?? 0) - (a.c.value ?? 0));
    const worst = hits[0]?.c.status ?? 'ok';
    return {
      name: CHECK_LABELS[check],
      verdict: worst,
      value: hits.length === 0 ? 'none' : `${hits.length} of ${q.features.length} features`,
      detail:
        hits.length === 0
          ? `${q.features.length} features checked`
          : hits
              .slice(0, 3)
              .map(({ f, c }) => `${f.name}: ${c.detail}`)
              .join('; ') + (hits.length > 3 ? '; …' : ''),
    };
  });
}

/** bucketTitle describes one feature's bucket for a cell's tooltip. */
export function bucketTitle(
  feature: string,
  b: QualityResponse['features'][number]['buckets'][number],
): string {
  const head = `${feature}, ${b.start.slice(0, 16).replace('T', ' ')} UTC: ${b.rows} rows, ${fmtPct(b.missing_share)} missing`;
  const extra = [
    b.out_of_range_share ? `${fmtPct(b.out_of_range_share)} out of range` : '',
    b.new_category_share ? `${fmtPct(b.new_category_share)} in new categories` : '',
    b.cardinality_ratio !== null ? `cardinality ×${fmtNum(b.cardinality_ratio, 2)} of expected` : '',
  ].filter(Boolean);
  const issues = b.issues.map((i) => `${i.status}: ${CHECK_LABELS[i.check]}: ${i.detail}`);
  return [head + (extra.length > 0 ? `, ${extra.join(', ')}` : ''), ...issues].join('\n');
}
