import { useEffect, useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { DetectResponse, ModelSummary, PerformanceResponse } from '../../../src/server/api-types.js';
import { ApiError, postJson } from '../api/client.js';
import { runRequest, useApi } from '../api/use-api.js';
import { type ChartOptions, UPlotChart } from '../components/UPlotChart.js';
import { Empty, Kpi, Loading, Panel, Segmented, Select } from '../components/ui.js';
import { COLORS, legendTime, markersPlugin, shadePlugin, timeAxis, tzUtc, valueAxis } from '../lib/charts.js';
import { fmtInt, fmtNum, fmtPct, fmtSpan, fmtTime } from '../lib/format.js';
import { usePageReady } from '../lib/page-ready.js';
import { parseSeries, type SeriesInput } from '../lib/parse-series.js';
import { setParams } from '../lib/router.js';

const SENSITIVITIES = ['low', 'medium', 'high'] as const;
const HOURLY_SPAN_MS = 28 * 86_400_000;

/** eventSpans are the [start, end] times (ms) of the events that last; an ongoing one runs to the last point. */
function eventSpans(result: DetectResponse): [number, number][] {
  const last = result.points.at(-1)?.timestamp;
  return (result.events ?? [])
    .filter((e) => e.kind !== 'spike')
    .map((e): [number, number] => [Date.parse(e.start), Date.parse(e.end ?? last ?? e.start)]);
}

function DetectChart({ result }: { result: DetectResponse }) {
  const data = useMemo((): uPlot.AlignedData => {
    const pts = result.points;
    return [
      pts.map((p) => Date.parse(p.timestamp) / 1000),
      pts.map((p) => p.value),
      pts.map((p) => p.expected),
      pts.map((p) => p.lower),
      pts.map((p) => p.upper),
      pts.map((p) => (p.anomaly ? p.value : null)),
    ];
  }, [result]);
  const options = useMemo(
    (): ChartOptions => ({
      tzDate: tzUtc,
      series: [
        legendTime,
        { label: 'value', stroke: COLORS.value, width: 1.5, value: (_u, v) => fmtNum(v) },
        { label: 'expected', stroke: COLORS.expected, width: 1, dash: [5, 3], value: (_u, v) => fmtNum(v) },
        { label: 'lower', stroke: 'rgba(36, 87, 197, 0.35)', width: 1, value: (_u, v) => fmtNum(v) },
        { label: 'upper', stroke: 'rgba(36, 87, 197, 0.35)', width: 1, value: (_u, v) => fmtNum(v) },
        {
          label: 'anomaly',
          stroke: COLORS.anomaly,
          width: 0,
          paths: () => null,
          points: { show: true, size: 8, stroke: COLORS.anomaly, fill: COLORS.anomaly },
          value: (_u, v) => (v === null ? '—' : fmtNum(v)),
        },
      ],
      bands: [{ series: [4, 3], fill: COLORS.band }],
      axes: [timeAxis(), valueAxis({ label: 'value' })],
      scales: { x: { time: true } },
      cursor: { drag: { x: true, y: false } },
      plugins: [
        // Anomaly events that last (not spikes, shown as dots) are shaded from start to end.
        shadePlugin(eventSpans(result), COLORS.event),
        markersPlugin(
          result.changepoints.map((c) => ({ atMs: Date.parse(c), color: COLORS.change, dashed: true })),
        ),
      ],
    }),
    [result],
  );
  return (
    <UPlotChart
      label="series with expected band, anomalies, anomaly events and change points"
      options={options}
      data={data}
      height={300}
    />
  );
}

export function AnomaliesPage({ params }: { params: URLSearchParams }) {
  const source = params.get('source') ?? 'model';
  const model = params.get('model') ?? '';
  const sensParam = params.get('sensitivity') ?? 'medium';
  const sensitivity = (SENSITIVITIES as readonly string[]).includes(sensParam) ? sensParam : 'medium';
  const gParam = params.get('g');
  const g = gParam === 'day' ? 'day' : 'hour';
  const models = useApi<{ models: ModelSummary[] }>({ path: 'v1/models', route: 'GET /v1/models' });
  const [text, setText] = useState('');
  // `id` tells two inputs apart even when their bounds and lengths match.
  const [input, setInput] = useState<{ id: number; series: SeriesInput[] } | null>(null);
  const setSeries = (series: SeriesInput[] | null) =>
    setInput((prev) => (series ? { id: (prev?.id ?? 0) + 1, series } : null));
  const series = input?.series ?? null;
  const [inputError, setInputError] = useState<string | null>(null);
  const [result, setResult] = useState<
    { key: string; data: DetectResponse } | { key: string; error: string } | null
  >(null);
  const [busy, setBusy] = useState(false);

  const modelList = useMemo(() => (models.status === 'ok' ? models.data.models : []), [models]);
  // The busiest model's traffic is the most telling series to start from.
  const busiest = [...modelList].sort(
    (a, b) => (b.environments['production']?.records ?? 0) - (a.environments['production']?.records ?? 0),
  )[0];
  const chosen = model || busiest?.model || '';

  // A model's volume: records per bucket from the performance aggregate, zeros filled in.
  useEffect(() => {
    if (source !== 'model' || !chosen) return;
    let live = true;
    const m = modelList.find((x) => x.model === chosen);
    const env = m?.environments['production'] ? 'production' : Object.keys(m?.environments ?? {})[0];
    const last = env ? m?.environments[env]?.last : undefined;
    // Hourly buckets over the last four weeks (enough for weekly seasonality); daily over everything.
    const from = g === 'hour' && last ? new Date(Date.parse(last) - HOURLY_SPAN_MS).toISOString() : undefined;
    void runRequest<PerformanceResponse>({
      path: `v1/models/${encodeURIComponent(chosen)}/performance`,
      params: { environment: env, granularity: g, from },
      route: 'GET /v1/models/{model}/performance',
    }).then((s) => {
      if (!live) return;
      if (s.status !== 'ok') {
        setSeries(null);
        setInputError(s.status === 'error' ? s.error.message : `${chosen}: no volume series`);
        return;
      }
      const step = g === 'day' ? 86_400_000 : 3_600_000;
      const counts = new Map(s.data.series.map((b) => [Date.parse(b.start), b.count]));
      const keys = [...counts.keys()].sort((a, b) => a - b);
      const out: SeriesInput[] = [];
      if (keys.length > 0)
        for (let t = keys[0]!; t <= keys[keys.length - 1]!; t += step)
          out.push({ timestamp: new Date(t).toISOString(), value: counts.get(t) ?? 0 });
      setInputError(null);
      setSeries(out);
    });
    return () => {
      live = false;
    };
  }, [source, chosen, g, modelList]);

  // `key` stands for the series and the sensitivity: detect again when either changes.
  const key = input ? `${sensitivity}:${input.id}` : '';
  useEffect(() => {
    if (!series || series.length === 0) return;
    let live = true;
    setBusy(true);
    postJson<DetectResponse>('v1/anomalies/detect', { series, sensitivity })
      .then((data) => live && setResult({ key, data }))
      .catch(
        (e: unknown) =>
          live && setResult({ key, error: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) }),
      )
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [key]);

  const current = result && result.key === key ? result : null;
  usePageReady('anomalies', current !== null);

  const readText = (t: string) => {
    const r = parseSeries(t);
    if (r.ok) {
      setInputError(null);
      setSeries(r.series);
    } else {
      setInputError(r.error);
      setSeries(null);
    }
  };

  const flagged = current && 'data' in current ? current.data.points.filter((p) => p.anomaly) : [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>Anomalies</h1>
        <div class="controls">
          <Segmented
            label="source"
            value={source}
            options={[
              { value: 'model', label: "a model's volume" },
              { value: 'paste', label: 'paste or upload' },
            ]}
            onChange={(v) => {
              setResult(null);
              setSeries(null);
              setParams({ source: v === 'model' ? null : v });
            }}
          />
          <Segmented
            label="sensitivity"
            value={sensitivity}
            options={SENSITIVITIES}
            onChange={(v) => setParams({ sensitivity: v })}
          />
        </div>
      </div>
      <Panel
        title="Series"
        sub="POST /v1/anomalies/detect: expected value and band per point, flagged points, change points"
      >
        {source === 'model' ? (
          <div class="toolbar">
            <Select
              label="model"
              value={chosen}
              options={modelList.map((m) => m.model)}
              onChange={(v) => setParams({ model: v })}
            />
            <Segmented
              label="bucket"
              value={g}
              options={['hour', 'day']}
              onChange={(v) => setParams({ g: v === 'hour' ? null : v })}
            />
            <span class="hint">
              records per {g} of the model's production traffic
              {g === 'hour' ? ', last 28 days of data' : ', all data'}
            </span>
          </div>
        ) : (
          <form
            class="paste"
            onSubmit={(e) => {
              e.preventDefault();
              readText(text);
            }}
          >
            <textarea
              name="series"
              rows={6}
              spellcheck={false}
              placeholder={
                'timestamp,value\n2026-11-01T00:00:00Z,120\n2026-11-01T01:00:00Z,118\n…  (CSV, TSV or JSON [{"timestamp","value"}])'
              }
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
            <div class="toolbar">
              <button type="submit" class="btn primary">
                Detect
              </button>
              <label class="btn file">
                Upload file…
                <input
                  type="file"
                  name="file"
                  accept=".csv,.tsv,.txt,.json,text/csv,application/json"
                  onChange={(e) => {
                    const f = e.currentTarget.files?.[0];
                    if (f)
                      void f.text().then((t) => {
                        setText(t.length > 200_000 ? `${t.slice(0, 200_000)}\n…` : t);
                        readText(t);
                      });
                  }}
                />
              </label>
            </div>
          </form>
        )}
        {inputError ? (
          <p class="error-inline" role="alert">
            {inputError}
          </p>
        ) : null}
        {busy && !current ? <Loading what="detection" /> : null}
        {current && 'error' in current ? (
          <p class="error-inline" role="alert">
            {current.error}
          </p>
        ) : null}
        {current && 'data' in current ? (
          <>
            <div class="kpis">
              <Kpi label="points" value={fmtInt(current.data.points.length)} />
              <Kpi
                label="flagged"
                value={fmtInt(flagged.length)}
                tone={flagged.length > 0 ? 'alert' : undefined}
              />
              <Kpi
                label="events"
                value={fmtInt(current.data.events?.length ?? 0)}
                hint={`${fmtInt((current.data.events ?? []).filter((e) => e.ongoing).length)} ongoing; shaded on the chart when they last`}
              />
              <Kpi
                label="change points"
                value={fmtInt(current.data.changepoints.length)}
                tone={current.data.changepoints.length > 0 ? 'warning' : undefined}
              />
              <Kpi
                label="seasonality"
                value={current.data.seasonality.kind ?? '—'}
                hint={`daily strength ${fmtPct(current.data.seasonality.strength?.daily ?? null, 0)}, weekly ${fmtPct(current.data.seasonality.strength?.weekly ?? null, 0)}`}
              />
              <Kpi
                label="bucket"
                value={current.data.seasonality.bucketMs ? fmtSpan(current.data.seasonality.bucketMs) : '—'}
              />
            </div>
            <div class="hint legend-row">
              <span class="sw-line value" /> value <span class="sw-line expected" /> expected{' '}
              <span class="sw sw-band" /> expected band <span class="sw-dot" /> flagged{' '}
              <span class="sw-line change" /> change point
            </div>
            <DetectChart result={current.data} />
          </>
        ) : null}
        {!series && !inputError && source === 'paste' ? (
          <Empty title="Paste a series or upload a file">
            Two columns, a time and a value; any regular interval.
          </Empty>
        ) : null}
      </Panel>
      {current && 'data' in current ? (
        <Panel title="Flagged points and change points" sub="most anomalous first">
          {flagged.length === 0 && current.data.changepoints.length === 0 ? (
            <Empty title="Nothing flagged">
              Every point is inside its expected band at this sensitivity.
            </Empty>
          ) : (
            <table class="table" aria-label="flagged points">
              <thead>
                <tr>
                  <th>time (UTC)</th>
                  <th>kind</th>
                  <th class="num">value</th>
                  <th class="num">expected</th>
                  <th class="num">band</th>
                  <th class="num">score</th>
                </tr>
              </thead>
              <tbody>
                {current.data.changepoints.map((c) => (
                  <tr key={`c${c}`}>
                    <td>{fmtTime(c)}</td>
                    <td>change point</td>
                    <td class="num" colSpan={4} />
                  </tr>
                ))}
                {[...flagged]
                  .sort((a, b) => b.score - a.score)
                  .slice(0, 50)
                  .map((p) => (
                    <tr key={p.timestamp} data-anomaly={p.timestamp}>
                      <td>{fmtTime(p.timestamp)}</td>
                      <td>anomaly</td>
                      <td class="num">{fmtNum(p.value)}</td>
                      <td class="num">{fmtNum(p.expected)}</td>
                      <td class="num">
                        {fmtNum(p.lower)} – {fmtNum(p.upper)}
                      </td>
                      <td class="num">{fmtNum(p.score, 2)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </Panel>
      ) : null}
    </div>
  );
}
