import type { CompareResponse, ModelDetail } from '../../../src/server/api-types.js';
import { useApi } from '../api/use-api.js';
import { Empty, Kpi, Panel, Pending, Select, Tag } from '../components/ui.js';
import { fmtInt, fmtNum, fmtP } from '../lib/format.js';
import { usePageReady } from '../lib/page-ready.js';
import { setParams } from '../lib/router.js';
import { byHarm } from './compare-order.js';

const VERDICT: Record<string, { text: string; tone: string }> = {
  better: { text: 'better', tone: 'ok' },
  worse: { text: 'worse', tone: 'alert' },
  no_detectable_difference: { text: 'no detectable difference', tone: '' },
};

/** The route's optional parameters a link may carry (GET /v1/models/{model}/compare). */
const PASSED_ON = [
  'environment',
  'baseline_environment',
  'candidate_environment',
  'from',
  'to',
  'metric',
  'alpha',
  'effect',
  'threshold',
  'seed',
  'resamples',
] as const;

const ci = (c: readonly [number, number] | null) => (c === null ? '—' : `[${fmtNum(c[0])}, ${fmtNum(c[1])}]`);

function CompareView({ data }: { data: CompareResponse }) {
  const primary = data.metrics.find((m) => m.metric === data.primary_metric);
  const v = VERDICT[data.verdict] ?? { text: data.verdict, tone: '' };
  const segments = byHarm(data.segments, primary?.higher_is_better ?? true);
  const oneColumn = new Set(data.segments.map((s) => s.column)).size <= 1;
  return (
    <>
      <section class="kpis" aria-label="verdict">
        <Kpi label={`candidate vs baseline (${data.primary_metric})`} value={v.text} tone={v.tone} />
        <Kpi
          label="records"
          value={
            data.paired
              ? `${fmtInt(data.n_reference)} paired`
              : `${fmtInt(data.n_reference)} / ${fmtInt(data.n_candidate)} unpaired`
          }
        />
        <Kpi label="minimum detectable effect" value={fmtNum(primary?.mde ?? null)} />
        <Kpi
          label="more labelled records needed"
          value={
            data.verdict !== 'no_detectable_difference' || primary?.additional_n == null
              ? '—'
              : fmtInt(primary.additional_n)
          }
          hint={`while no difference is detected: the records to detect ${fmtNum(primary?.effect ?? null)} at 80% power`}
        />
      </section>
      {data.regression ? (
        <p class="error-box" role="alert">
          The candidate is significantly worse{' '}
          {data.verdict === 'worse' ? 'overall' : 'in at least one segment'}.
        </p>
      ) : null}
      <Panel title="Metrics">
        <table class="table" aria-label="metrics">
          <thead>
            <tr>
              <th>metric</th>
              <th class="num">{sideName(data.baseline)}</th>
              <th class="num">{sideName(data.candidate)}</th>
              <th class="num">difference [95% CI]</th>
              <th class="num">p-value</th>
              <th>test</th>
              <th>verdict</th>
            </tr>
          </thead>
          <tbody>
            {data.metrics.map((m) => (
              <tr key={m.metric}>
                <td>
                  {m.metric}
                  {m.higher_is_better ? '' : ' (lower is better)'}
                </td>
                <td class="num">{fmtNum(m.reference)}</td>
                <td class="num">{fmtNum(m.candidate)}</td>
                <td class="num">
                  {fmtNum(m.difference)} {ci(m.ci)}
                </td>
                <td class="num">{fmtP(m.p_value)}</td>
                <td>{m.test}</td>
                <td>
                  <Tag tone={VERDICT[m.verdict]?.tone}>{VERDICT[m.verdict]?.text ?? m.verdict}</Tag>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      {data.by === null ? null : (
        <Panel
          title={`Segments by ${data.by} (${data.primary_metric}, Benjamini–Hochberg), most harmed first`}
        >
          {segments.length === 0 ? (
            <Empty title="No segments">No labelled record carries this tag.</Empty>
          ) : (
            <table class="table" aria-label="segments">
              <thead>
                <tr>
                  <th>{oneColumn ? data.by : 'segment'}</th>
                  <th class="num">records</th>
                  <th class="num">{sideName(data.baseline)}</th>
                  <th class="num">{sideName(data.candidate)}</th>
                  <th class="num">difference [95% CI]</th>
                  <th class="num">adjusted p</th>
                  <th>verdict</th>
                </tr>
              </thead>
              <tbody>
                {segments.map((s) => (
                  <tr key={`${s.column}=${s.value}`} class={s.verdict === 'worse' ? 'flagged' : ''}>
                    <td>{oneColumn ? s.value : `${s.column} = ${s.value}`}</td>
                    <td class="num">
                      {data.paired
                        ? fmtInt(s.n_reference)
                        : `${fmtInt(s.n_reference)} / ${fmtInt(s.n_candidate)}`}
                    </td>
                    <td class="num">{fmtNum(s.reference)}</td>
                    <td class="num">{fmtNum(s.candidate)}</td>
                    <td class="num">
                      {fmtNum(s.difference)} {ci(s.ci)}
                    </td>
                    <td class="num">{fmtP(s.adjusted_p_value)}</td>
                    <td>
                      <Tag tone={VERDICT[s.verdict]?.tone}>{VERDICT[s.verdict]?.text ?? s.verdict}</Tag>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
      )}
    </>
  );
}

/** sideName names a compared side: its version, or its model when it is another model. */
function sideName(side: CompareResponse['baseline']): string {
  return side.version ?? side.model;
}

/**
 * ComparePage is `#/compare/{model}?baseline=&candidate=&by=&candidate_environment=`: two
 * versions of a model compared by GET /v1/models/{model}/compare.
 */
export function ComparePage(props: { model: string; params: URLSearchParams }) {
  const { model, params } = props;
  const detail = useApi<ModelDetail>({
    path: `v1/models/${encodeURIComponent(model)}`,
    route: 'GET /v1/models/{model}',
  });
  const versions = detail.status === 'ok' ? detail.data.versions : [];
  const tags = detail.status === 'ok' ? detail.data.tags : [];
  const baseline = params.get('baseline') ?? versions.at(-2) ?? '';
  const candidate = params.get('candidate') ?? versions.at(-1) ?? '';
  const by = params.get('by') ?? '';
  const query: Record<string, string> = { baseline, candidate };
  if (by) query['by'] = by;
  for (const k of PASSED_ON) {
    const value = params.get(k);
    if (value) query[k] = value;
  }
  const ready = baseline !== '' && candidate !== '';
  const compare = useApi<CompareResponse>(
    ready
      ? {
          path: `v1/models/${encodeURIComponent(model)}/compare`,
          params: query,
          route: 'GET /v1/models/{model}/compare',
        }
      : null,
  );
  usePageReady('compare', compare.status === 'ok' || compare.status === 'error');
  return (
    <>
      <h1>{model}: compare versions</h1>
      <div class="toolbar">
        <Select
          label="baseline"
          value={baseline}
          options={versions}
          onChange={(v) => setParams({ baseline: v })}
        />
        <Select
          label="candidate"
          value={candidate}
          options={versions}
          onChange={(v) => setParams({ candidate: v })}
        />
        <Select
          label="segments by"
          value={by}
          options={[{ value: '', label: '(none)' }, ...tags]}
          onChange={(v) => setParams({ by: v || null })}
        />
      </div>
      {detail.status === 'ok' && versions.length < 2 && !params.get('baseline') ? (
        <Empty title="One version">This model has one version; there is nothing to compare yet.</Empty>
      ) : ready ? (
        <Pending state={compare} what="the comparison">
          {(data) => <CompareView data={data} />}
        </Pending>
      ) : null}
    </>
  );
}
