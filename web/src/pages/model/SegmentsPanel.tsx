import { useState } from 'preact/hooks';
import type { Segment, SegmentsResponse } from '../../../../src/server/api-types.js';
import type { ApiState } from '../../api/use-api.js';
import { Empty, Pending, Select, Tag } from '../../components/ui.js';
import { fmtInt, fmtNum, fmtPct } from '../../lib/format.js';
import { setParams } from '../../lib/router.js';

function interval(s: Segment, metric: string): readonly [number, number] | null {
  return s.intervals?.[metric] ?? null;
}

/** Counts and rates that ride along with the metrics but are not quality measures. */
const NOT_METRICS = new Set(['tp', 'fp', 'tn', 'fn', 'labeled']);
const METRIC_ORDER = [
  'accuracy',
  'recall',
  'precision',
  'f1',
  'fpr',
  'selection_rate',
  'auc',
  'mae',
  'rmse',
  'ndcg@10',
];
/** The parity measures worth a column: how far a segment's outcomes sit from the others'. */
const PARITY_COLUMNS = ['disparate_impact', 'tpr_difference', 'fpr_difference'] as const;

function parityCell(v: number | boolean | null | undefined) {
  if (typeof v === 'boolean') return v ? 'pass' : 'fail';
  return fmtNum(v ?? null);
}

function ShareBars({ base, cur }: { base: number | null; cur: number | null }) {
  const w = (x: number | null) => `${Math.min(100, Math.max(0, (x ?? 0) * 100))}%`;
  return (
    <div class="share" title={`baseline ${fmtPct(base)} → current ${fmtPct(cur)}`}>
      <div class="share-track">
        <div class="share-bar ref" style={{ width: w(base) }} />
      </div>
      <div class="share-track">
        <div class="share-bar cur" style={{ width: w(cur) }} />
      </div>
    </div>
  );
}

export function SegmentsTable(props: { data: SegmentsResponse; metric: string }) {
  const { data } = props;
  const seen = new Set(
    data.segments.flatMap((s) => Object.keys(s.metrics)).filter((m) => !NOT_METRICS.has(m)),
  );
  const metrics = [
    ...METRIC_ORDER.filter((m) => seen.has(m)),
    ...[...seen].filter((m) => !METRIC_ORDER.includes(m)),
  ];
  const primary = metrics.includes(props.metric) ? props.metric : (metrics[0] ?? '');
  const others = metrics.filter((m) => m !== primary).slice(0, 3);
  const parityKeys = PARITY_COLUMNS.filter((k) => data.segments.some((s) => s.parity && k in s.parity));
  const fourFifths = data.segments.some((s) => s.parity && 'four_fifths_passed' in s.parity);
  if (data.segments.length === 0)
    return <Empty title="No segments">No records carry this tag in the window.</Empty>;
  return (
    <table class="table" aria-label="segments">
      <thead>
        <tr>
          <th>{data.by ?? 'segment'}</th>
          <th>flags</th>
          <th class="num">records</th>
          <th>share: baseline / current</th>
          {primary ? <th class="num">{primary} [95% interval]</th> : null}
          {others.map((m) => (
            <th class="num" key={m}>
              {m}
            </th>
          ))}
          {parityKeys.map((k) => (
            <th class="num" key={k}>
              {k.replaceAll('_', ' ')}
            </th>
          ))}
          {fourFifths ? (
            <th title="selection rate at least 4/5 of the most selected segment's">4/5 rule</th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {data.segments.map((s) => {
          const iv = primary ? interval(s, primary) : null;
          const flagged = (s.flags ?? []).length > 0;
          return (
            <tr key={s.value} class={flagged ? 'flagged' : ''} data-segment={s.value}>
              <td class="strong">{s.value}</td>
              <td class="wrap" title={(s.reasons ?? []).join('\n')}>
                {(s.flags ?? []).map((f) => (
                  <Tag key={f} tone={f === 'underperforming' ? 'alert' : 'warning'}>
                    {f}
                  </Tag>
                ))}
                {(s.reasons ?? []).length > 0 ? (
                  <div class="reason">{(s.reasons ?? []).join(' ')}</div>
                ) : null}
              </td>
              <td class="num">{fmtInt(s.count)}</td>
              <td>
                <div class="share-cell">
                  <ShareBars base={s.share_baseline} cur={s.share_current} />
                  <span class="num muted">
                    {fmtPct(s.share_baseline)} / {fmtPct(s.share_current)}
                  </span>
                </div>
              </td>
              {primary ? (
                <td class="num">
                  {fmtNum(s.metrics[primary])}{' '}
                  {iv ? (
                    <span class="muted">
                      [{fmtNum(iv[0])}, {fmtNum(iv[1])}]
                    </span>
                  ) : null}
                </td>
              ) : null}
              {others.map((m) => (
                <td class="num" key={m}>
                  {fmtNum(s.metrics[m])}
                </td>
              ))}
              {parityKeys.map((k) => (
                <td class="num" key={k}>
                  {parityCell(s.parity?.[k])}
                </td>
              ))}
              {fourFifths ? (
                <td>
                  {s.parity?.['four_fifths_passed'] === false ? (
                    <Tag tone="warning">fail</Tag>
                  ) : s.parity?.['four_fifths_passed'] === true ? (
                    <Tag tone="ok">pass</Tag>
                  ) : (
                    '—'
                  )}
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function SegmentsPanelBody(props: {
  state: ApiState<SegmentsResponse>;
  by: string;
  tags: string[] | undefined;
  metric: string;
}) {
  const [draft, setDraft] = useState(props.by);
  const picker =
    props.tags && props.tags.length > 0 ? (
      <Select label="by" value={props.by} options={props.tags} onChange={(v) => setParams({ by: v })} />
    ) : (
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ by: draft.trim() || null });
        }}
      >
        <label class="field">
          <span>by tag</span>
          <input
            name="by"
            value={draft}
            placeholder="e.g. region"
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn">
          Split
        </button>
      </form>
    );
  return (
    <div>
      {props.state.status === 'unavailable' ? null : <div class="toolbar">{picker}</div>}
      {props.by === '' && props.state.status !== 'unavailable' ? (
        <Empty title="Pick a tag to split by">
          Segments compare each value of a record tag (region, device, plan…) with the baseline: share,
          metrics with intervals, parity and flags.
        </Empty>
      ) : (
        <Pending state={props.state} what="segments">
          {(data) => (
            <>
              {data.underrepresented && data.underrepresented.length > 0 ? (
                <p class="note warn">
                  Under-represented against the baseline: <b>{data.underrepresented.join(', ')}</b>
                </p>
              ) : null}
              <SegmentsTable data={data} metric={props.metric} />
            </>
          )}
        </Pending>
      )}
    </div>
  );
}
