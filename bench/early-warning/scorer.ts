// Early-warning scorer: turns each scenario's alert timeline into lead time and false alerts.
//
// - An "opening" is a warning or alert event while no episode is open (ok/resolved events close
//   one; error events are ignored). Repeats inside an open episode are not counted.
// - Degrading scenario (a ground-truth breach exists): openings before the change started are
//   false alerts, counted over the pre-change model-days; the first opening at or after the change
//   gives lead time = breach − opening, in hours (negative: it spoke after the breach). No opening
//   after the change is a miss.
// - Scenario without a breach (benign shift, seasonal traffic, control): every opening is a false
//   alert, over the whole evaluated span.
// - Summary: median lead time over the detected degrading scenarios, and false alerts per 30
//   model-days pooled over the scenarios without a breach (Σ alerts / Σ days × 30).

/** ScenarioOutcome is what the scorer needs about one scenario run by one method. */
export interface ScenarioOutcome {
  readonly name: string;
  readonly family: string;
  readonly evalStartMs: number;
  readonly evalEndMs: number;
  readonly changeStartMs: number | null;
  readonly breachMs: number | null;
  readonly events: readonly { readonly time: number; readonly state: string }[];
}

/** ScenarioScore is one scenario's figures. */
export interface ScenarioScore {
  readonly name: string;
  readonly family: string;
  readonly degrading: boolean;
  /** Breach − first opening after the change, hours; null when missed or not degrading. */
  readonly leadTimeH: number | null;
  readonly falseAlerts: number;
  /** Model-days over which false alerts were counted. */
  readonly falseAlertDays: number;
}

/** MethodSummary is one method's bench figures, in the bench line's field names. */
export interface MethodSummary {
  readonly lead_time_h_median: number | null;
  readonly false_alerts_per_30d: number;
  readonly detected: number;
  readonly degrading: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * openings returns the times at which an episode opened.
 *
 * @example openings([{ time: 1, state: 'warning' }, { time: 2, state: 'alert' }, { time: 3, state: 'resolved' }]) // [1]
 */
export function openings(events: ScenarioOutcome['events']): number[] {
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const out: number[] = [];
  let open = false;
  for (const e of sorted) {
    if (e.state === 'warning' || e.state === 'alert') {
      if (!open) out.push(e.time);
      open = true;
    } else if (e.state === 'ok' || e.state === 'resolved') open = false;
  }
  return out;
}

/**
 * scoreScenario computes lead time and false alerts for one scenario.
 *
 * @example scoreScenario({ name: 'c', family: 'control', evalStartMs: 0, evalEndMs: 30 * 86_400_000, changeStartMs: null, breachMs: null, events: [] }).falseAlerts // 0
 */
export function scoreScenario(o: ScenarioOutcome): ScenarioScore {
  const opened = openings(o.events);
  if (o.breachMs === null) {
    return {
      name: o.name,
      family: o.family,
      degrading: false,
      leadTimeH: null,
      falseAlerts: opened.length,
      falseAlertDays: (o.evalEndMs - o.evalStartMs) / DAY_MS,
    };
  }
  const change = o.changeStartMs ?? o.evalStartMs;
  const before = opened.filter((t) => t < change);
  const first = opened.find((t) => t >= change);
  return {
    name: o.name,
    family: o.family,
    degrading: true,
    leadTimeH: first === undefined ? null : (o.breachMs - first) / HOUR_MS,
    falseAlerts: before.length,
    falseAlertDays: Math.max(0, change - o.evalStartMs) / DAY_MS,
  };
}

/**
 * median of a list (mean of the middle two for even length); null when empty.
 *
 * @example median([3, 1, 2, 10]) // 2.5
 */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * summarize pools scenario scores into a method's bench figures.
 *
 * @example summarize([]).false_alerts_per_30d // 0
 */
export function summarize(scores: readonly ScenarioScore[]): MethodSummary {
  const degrading = scores.filter((s) => s.degrading);
  const leads = degrading.flatMap((s) => (s.leadTimeH === null ? [] : [s.leadTimeH]));
  const benign = scores.filter((s) => !s.degrading);
  const alerts = benign.reduce((a, s) => a + s.falseAlerts, 0);
  const days = benign.reduce((a, s) => a + s.falseAlertDays, 0);
  return {
    lead_time_h_median: median(leads),
    false_alerts_per_30d: days > 0 ? (30 * alerts) / days : 0,
    detected: leads.length,
    degrading: degrading.length,
  };
}

/** familyLeadTimes is the median lead time per degrading family (for the table). */
export function familyLeadTimes(scores: readonly ScenarioScore[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const family of new Set(scores.filter((s) => s.degrading).map((s) => s.family))) {
    out[family] = median(
      scores.filter((s) => s.family === family).flatMap((s) => (s.leadTimeH === null ? [] : [s.leadTimeH])),
    );
  }
  return out;
}

/** familyFalseAlerts is false alerts per 30 model-days per family without a breach. */
export function familyFalseAlerts(scores: readonly ScenarioScore[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const family of new Set(scores.filter((s) => !s.degrading).map((s) => s.family))) {
    const own = scores.filter((s) => s.family === family && !s.degrading);
    const days = own.reduce((a, s) => a + s.falseAlertDays, 0);
    out[family] = days > 0 ? (30 * own.reduce((a, s) => a + s.falseAlerts, 0)) / days : 0;
  }
  return out;
}

const fmt = (x: number | null, digits = 1): string => (x === null ? '—' : x.toFixed(digits));

/**
 * formatTable renders methods × (lead time per family, false alerts per family) as Markdown.
 *
 * @example formatTable({ vigil: [] }).split('\n')[0] // '| method | lead h median | …'
 */
export function formatTable(methods: Record<string, readonly ScenarioScore[]>): string {
  const all = Object.values(methods).flat();
  const degrading = [...new Set(all.filter((s) => s.degrading).map((s) => s.family))];
  const benign = [...new Set(all.filter((s) => !s.degrading).map((s) => s.family))];
  const head = [
    'method',
    'lead h median',
    ...degrading.map((f) => `lead h ${f}`),
    'detected',
    'false/30d',
    ...benign.map((f) => `false/30d ${f}`),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const [name, scores] of Object.entries(methods)) {
    const s = summarize(scores);
    const lead = familyLeadTimes(scores);
    const fa = familyFalseAlerts(scores);
    lines.push(
      `| ${[
        name,
        fmt(s.lead_time_h_median),
        ...degrading.map((f) => fmt(lead[f] ?? null)),
        `${s.detected}/${s.degrading}`,
        fmt(s.false_alerts_per_30d, 2),
        ...benign.map((f) => fmt(fa[f] ?? 0, 2)),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/**
 * benchLine is the bench's last line: one JSON object with each method's summary figures.
 *
 * @example JSON.parse(benchLine({ vigil: [], realized_baseline: [], psi_baseline: [] })).bench // 'early-warning'
 */
export function benchLine(methods: {
  vigil: readonly ScenarioScore[];
  realized_baseline: readonly ScenarioScore[];
  psi_baseline: readonly ScenarioScore[];
}): string {
  const pick = (scores: readonly ScenarioScore[]) => {
    const s = summarize(scores);
    return { lead_time_h_median: s.lead_time_h_median, false_alerts_per_30d: s.false_alerts_per_30d };
  };
  return JSON.stringify({
    bench: 'early-warning',
    vigil: pick(methods.vigil),
    realized_baseline: pick(methods.realized_baseline),
    psi_baseline: pick(methods.psi_baseline),
  });
}
