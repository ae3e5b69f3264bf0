import type { ExplainResponse } from '../../../../src/server/api-types.js';
import { useApi } from '../../api/use-api.js';
import { ContributionChart } from '../../components/ContributionChart.js';
import { Empty, Pending, Select } from '../../components/ui.js';
import { fmtNum, fmtPct } from '../../lib/format.js';
import { setParams } from '../../lib/router.js';

/** What each task can explain (the server's EXPLAIN_METRICS; the server refuses anything else). */
const METRICS: Record<string, readonly string[]> = {
  binary: [
    'prediction_rate',
    'mean_score',
    'estimated_accuracy',
    'accuracy',
    'precision',
    'recall',
    'volume',
  ],
  multiclass: ['accuracy', 'volume'],
  regression: ['mae', 'mse', 'bias', 'mean_prediction', 'volume'],
  ranking: ['volume'],
};

export const EXPLAIN_ROUTE = 'GET /v1/models/{model}/explain';

/**
 * ExplainPanel: why the chosen metric moved between the window before the page's range and the
 * range itself — contributions of the strongest segments across every tag and feature, the
 * dimensions that explain most, and the features whose drift matters to the model.
 */
export function ExplainPanel(props: {
  model: string;
  task: string;
  env: string;
  version: string;
  fromMs: number;
  toMs: number;
  metric: string | null;
}) {
  const options = METRICS[props.task] ?? ['volume'];
  const metric = props.metric && options.includes(props.metric) ? props.metric : options[0]!;
  const state = useApi<ExplainResponse>({
    path: `v1/models/${encodeURIComponent(props.model)}/explain`,
    params: {
      metric,
      environment: props.env,
      version: props.version || undefined,
      from: new Date(props.fromMs).toISOString(),
      to: new Date(props.toMs).toISOString(),
    },
    route: EXPLAIN_ROUTE,
  });
  return (
    <div data-explain={metric}>
      <div class="toolbar">
        <Select label="metric" value={metric} options={options} onChange={(v) => setParams({ explain: v })} />
      </div>
      <Pending state={state} what="contributions">
        {(d) =>
          d.change === null || d.contributors.length === 0 ? (
            <Empty title="Nothing to explain">No records in one of the two windows for this metric.</Empty>
          ) : (
            <>
              <p class="muted">
                {d.metric} {fmtNum(d.before)} → {fmtNum(d.after)} ({d.change >= 0 ? '+' : ''}
                {fmtNum(d.change)}) against the window before; dimensions that explain most:{' '}
                {d.dimensions
                  .slice(0, 3)
                  .map((x) => `${x.dimension} (${fmtPct(x.explained_share)})`)
                  .join(', ')}
              </p>
              <ContributionChart bars={d.contributors.slice(0, 8)} />
              {d.features.length > 0 ? (
                <p class="muted" data-explain-features>
                  feature drift weighted by importance ({d.features[0]!.importance_source}):{' '}
                  {d.features
                    .slice(0, 4)
                    .map((f) => `${f.feature} ${fmtPct(f.share)}`)
                    .join(', ')}
                </p>
              ) : null}
            </>
          )
        }
      </Pending>
    </div>
  );
}
