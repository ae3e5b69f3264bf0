import type {
  DriftFeature,
  DriftResponse,
  QualityResponse,
  QualityStatus,
  RejectedResponse,
} from '../../../../src/server/api-types.js';
import { type ApiRequest, type ApiState, useApi, useCapabilities } from '../../api/use-api.js';
import { Tag } from '../../components/ui.js';
import { fmtAgo, fmtInt, fmtPct, fmtSpan, fmtTime } from '../../lib/format.js';
import { usePageReady } from '../../lib/page-ready.js';
import type { PerfColumns } from './performance-data.js';
import { bucketTitle, checkRows, QUALITY_ROUTE, type QualityRow } from './quality-data.js';

type Check = QualityRow;

/** newCategories lists a categorical feature's categories unseen in the baseline (none for numeric). */
const newCategories = (f: DriftFeature): readonly string[] =>
  f.type === 'categorical' ? f.stats.new_categories : [];
/**
 * qualityChecks reads data quality from aggregates already on the page: volume continuity and
 * label arrival from the performance buckets, rejected rows from /v1/rejected, and missing values
 * and unseen categories from the drift response when the server serves it.
 */
export function qualityChecks(
  cols: PerfColumns | null,
  stepMs: number,
  rejected: ApiState<RejectedResponse>,
  drift: ApiState<DriftResponse>,
): Check[] {
  const checks: Check[] = [];
  if (cols && cols.x.length > 0) {
    const n = cols.count.length;
    const empty = cols.count.filter((c) => c === 0).length;
    let run = 0;
    let longest = 0;
    for (const c of cols.count) {
      run = c === 0 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    checks.push({
      name: 'volume continuity',
      verdict: empty === 0 ? 'ok' : longest * stepMs >= 6 * 3_600_000 ? 'alert' : 'warning',
      value: empty === 0 ? 'no empty buckets' : `${fmtInt(empty)} of ${fmtInt(n)} buckets empty`,
      detail:
        empty === 0
          ? `every ${fmtSpan(stepMs)} bucket has records`
          : `longest silence ${fmtSpan(longest * stepMs)}`,
    });
    const sorted = [...cols.count].sort((a, b) => a - b);
    const median = sorted[Math.floor(n / 2)] ?? 0;
    // The newest bucket is usually still filling; compare the last complete one.
    const lastFull = cols.count[n >= 2 ? n - 2 : n - 1] ?? 0;
    const ratio = median > 0 ? lastFull / median : null;
    checks.push({
      name: 'volume level',
      verdict: ratio === null ? 'n/a' : ratio < 0.5 || ratio > 2 ? 'warning' : 'ok',
      value: ratio === null ? '—' : `${fmtPct(ratio, 0)} of median`,
      detail: `last complete bucket ${fmtInt(lastFull)} records, median ${fmtInt(median)}`,
    });
    const total = cols.count.reduce((s, c) => s + c, 0);
    const labeled = cols.labeled.reduce((s, c) => s + c, 0);
    let lastLabeled: number | null = null;
    for (let i = n - 1; i >= 0; i--)
      if ((cols.labeled[i] ?? 0) > 0) {
        lastLabeled = (cols.x[i] ?? 0) * 1000;
        break;
      }
    const lastX = (cols.x[n - 1] ?? 0) * 1000;
    checks.push({
      name: 'labels',
      verdict: labeled === 0 ? 'warning' : 'ok',
      value: `${fmtPct(total > 0 ? labeled / total : null)} labeled`,
      detail:
        lastLabeled === null
          ? 'no actuals have arrived for this window'
          : lastLabeled === lastX
            ? 'labels are current'
            : `newest labeled bucket ${fmtTime(lastLabeled)}, ${fmtSpan(Math.max(stepMs, lastX - lastLabeled))} behind the data`,
    });
  }
  if (rejected.status === 'ok') {
    const r = rejected.data;
    const byField = new Map<string, number>();
    for (const row of r.rejected) byField.set(row.field, (byField.get(row.field) ?? 0) + 1);
    const top = [...byField.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    checks.push({
      name: 'rejected rows',
      verdict: r.total === 0 ? 'ok' : 'warning',
      value: r.total === 0 ? 'none' : fmtInt(r.total),
      detail:
        r.total === 0
          ? 'every row sent was valid'
          : `latest ${fmtAgo(r.rejected[0]?.received)}; by field: ${top.map(([f, c]) => `${f} ${c}`).join(', ')}`,
    });
  } else if (rejected.status !== 'loading') {
    checks.push({
      name: 'rejected rows',
      verdict: 'n/a',
      value: '—',
      detail: 'not available from this server',
    });
  }
  if (drift.status === 'ok' && (drift.data.baseline.records ?? 1) === 0) {
    checks.push({
      name: 'unseen categories',
      verdict: 'n/a',
      value: '—',
      detail: 'the baseline has no records to compare with',
    });
  } else if (drift.status === 'ok') {
    const withNew = drift.data.features.filter((f) => newCategories(f).length > 0);
    checks.push({
      name: 'unseen categories',
      verdict: withNew.length === 0 ? 'ok' : 'warning',
      value: withNew.length === 0 ? 'none' : `${withNew.length} features`,
      detail:
        withNew.length === 0
          ? 'every category was seen in the baseline'
          : withNew.map((f) => `${f.name}: ${newCategories(f).slice(0, 3).join(', ')}`).join('; '),
    });
    // The drift response carries no per-feature missing counts (the quality route has them), so
    // this fallback shows unseen categories only.
  } else if (drift.status === 'unavailable') {
    checks.push({
      name: 'missing values, unseen categories',
      verdict: 'n/a',
      value: '—',
      detail: `need ${drift.route}, not served yet`,
    });
  }
  return checks;
}

export function QualityTable({ checks }: { checks: Check[] }) {
  return (
    <table class="table" aria-label="data quality">
      <thead>
        <tr>
          <th>check</th>
          <th>verdict</th>
          <th>value</th>
          <th>detail</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={c.name}>
            <td>{c.name}</td>
            <td>
              <Tag tone={c.verdict === 'n/a' ? undefined : c.verdict}>{c.verdict}</Tag>
            </td>
            <td class="nowrap">{c.value}</td>
            <td class="muted">{c.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const CELL: Record<QualityStatus, string> = {
  ok: 'var(--ok-soft)',
  warning: 'var(--warning)',
  alert: 'var(--alert)',
};

/** QualityGrid draws features × time buckets, each cell coloured by its worst check. */
function QualityGrid({ q }: { q: QualityResponse }) {
  const features = q.features.filter((f) => f.buckets.length > 0);
  if (features.length === 0) return null;
  const columns = features[0]?.buckets.length ?? 0;
  const first = features[0]?.buckets[0]?.start ?? '';
  const last = features[0]?.buckets[columns - 1]?.end ?? '';
  return (
    <>
      <div
        class="muted"
        style={{ fontSize: '11px', marginTop: '10px' }}
      >{`per ${q.granularity}, ${first.slice(0, 10)} → ${last.slice(0, 10)}; the cell's colour is its worst check (hover for the figures)`}</div>
      <div
        class="quality-grid"
        role="img"
        aria-label={`data quality per feature and ${q.granularity}`}
        style={{
          display: 'grid',
          // The name column has a fixed width and clips long names (full name on hover): the
          // cells never draw over a name.
          gridTemplateColumns: `minmax(80px, 180px) repeat(${columns}, minmax(3px, 1fr))`,
          gap: '2px',
          marginTop: '4px',
        }}
      >
        {features.map((f) => [
          <span key={f.name} class="muted quality-name" title={f.name}>
            {f.name}
          </span>,
          ...f.buckets.map((b) => (
            <span
              key={`${f.name} ${b.start}`}
              data-status={b.status}
              title={bucketTitle(f.name, b)}
              style={{ height: '16px', borderRadius: '2px', background: CELL[b.status] }}
            />
          )),
        ])}
      </div>
    </>
  );
}

/**
 * QualityPanel shows volume, label and rejected-row checks derived from the page's other
 * aggregates and, when the server serves GET /v1/models/{model}/quality (per its /openapi.json),
 * the per-feature checks of the window against the baseline with a features × buckets grid;
 * otherwise it falls back to the missing values and unseen categories the drift response holds.
 */
export function QualityPanel(props: {
  /** request: the quality route's request for the page's view (model-view.ts). */
  request: ApiRequest;
  cols: PerfColumns | null;
  stepMs: number;
  rejected: ApiState<RejectedResponse>;
  drift: ApiState<DriftResponse>;
}) {
  const caps = useCapabilities();
  const served = caps === null ? null : caps.has(QUALITY_ROUTE);
  const quality = useApi<QualityResponse>(served ? props.request : null);
  usePageReady('model-quality', served === false || (served === true && quality.status !== 'loading'), {
    attribute: false,
  });
  // With the quality route, feature checks come from it rather than from the drift response.
  const derived = qualityChecks(
    props.cols,
    props.stepMs,
    props.rejected,
    served ? { status: 'loading' } : props.drift,
  );
  let rows: Check[] = derived;
  if (served && quality.status === 'ok') rows = [...derived, ...checkRows(quality.data)];
  else if (served && quality.status === 'loading')
    rows = [...derived, { name: 'feature checks', verdict: 'n/a', value: '…', detail: 'loading' }];
  else if (served && quality.status === 'error')
    rows = [
      ...derived,
      { name: 'feature checks', verdict: 'n/a', value: '—', detail: quality.error.message },
    ];
  return (
    <div>
      <QualityTable checks={rows} />
      {quality.status === 'ok' ? <QualityGrid q={quality.data} /> : null}
    </div>
  );
}
