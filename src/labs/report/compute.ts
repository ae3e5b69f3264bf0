import type { Outcome } from '../experiment.js';
import { OUTCOMES } from '../experiment.js';
import { type UserUsage, usersInterval, wilsonInterval } from './stats.js';
import { summarize } from './summary.js';

/** LabsReport is GET …/report's JSON, exactly as API.md lists it. */
export interface LabsReport {
  summary: string;
  users: { enrolled: number; active: number; returning: number };
  calls: number;
  outcomes: Record<Outcome, number>;
  features: Record<string, number>;
  parts: Record<string, { calls: number; ms_total: number }>;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  feedback: {
    responses: number;
    too_slow_share: number | null;
    too_slow_ci: [number, number] | null;
    importance: { mean: number | null; counts: Record<'1' | '2' | '3' | '4' | '5', number> };
    useful_share: number | null;
  };
  cost: {
    cpu_ms_per_call: number | null;
    usd_per_1k_calls: number | null;
    projection: { calls_per_day: number; usd_per_month: number | null; interval90: [number, number] | null };
  };
}

/** ReportInputs are the aggregates the store returns for one experiment. */
export interface ReportInputs {
  enrolled: number;
  active: number;
  returning: number;
  calls: number;
  outcomes: Partial<Record<string, number>>;
  features: Array<[string, number]>;
  parts: Array<[string, number, number]>;
  /** latency is [p50, p95, p99] over the calls that reached the prototype, or null without any. */
  latency: [number, number, number] | null;
  /** invoked counts calls that reached the prototype: the calls that cost something. */
  invoked: number;
  cpuMsTotal: number;
  costTotal: number;
  /** perUser holds each user's invoked calls and their cost, in a stable order. */
  perUser: UserUsage[];
  /** spanDays is the observed period in days (at least 1). */
  spanDays: number;
  feedback: {
    responses: number;
    speedAnswers: number;
    tooSlow: number;
    importance: [number, number, number, number, number];
    usefulAnswers: number;
    usefulYes: number;
  };
}

export interface ReportOptions {
  /** projectedCallsPerDay: the production volume to price; default the observed daily volume. */
  projectedCallsPerDay?: number;
  seed?: number;
}

export const REPORT_SEED = 20261129;
const DAYS_PER_MONTH = 30;

/** sig rounds money and ratios to 6 significant digits: exact enough, readable in JSON. */
const sig = (x: number) => Number(x.toPrecision(6));

/**
 * computeReport turns the aggregates into the report. The projection prices
 * `calls_per_day × 30` days at the observed cost per call; its 90% interval is a cluster
 * bootstrap over users (seeded, so reproducible; the normal approximation past 20,000 users):
 * with a stated volume it reflects the uncertainty of the per-call cost; at the observed
 * volume, also that of the users' call rates.
 */
export function computeReport(inp: ReportInputs, opts: ReportOptions = {}): LabsReport {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, inp.outcomes[o] ?? 0])) as Record<
    Outcome,
    number
  >;
  const fb = inp.feedback;
  const importanceN = fb.importance.reduce((a, b) => a + b, 0);
  const importanceMean =
    importanceN > 0 ? fb.importance.reduce((a, c, i) => a + c * (i + 1), 0) / importanceN : null;
  const perCall = inp.invoked > 0 ? inp.costTotal / inp.invoked : null;
  const stated = opts.projectedCallsPerDay;
  const callsPerDay = stated ?? inp.invoked / Math.max(1, inp.spanDays);
  const monthly = perCall === null ? null : perCall * callsPerDay * DAYS_PER_MONTH;
  const raw =
    stated !== undefined
      ? usersInterval(inp.perUser, 'ratio', stated * DAYS_PER_MONTH, opts.seed ?? REPORT_SEED)
      : usersInterval(
          inp.perUser,
          'total',
          DAYS_PER_MONTH / Math.max(1, inp.spanDays),
          opts.seed ?? REPORT_SEED,
        );
  const interval: [number, number] | null = raw ? [sig(raw[0]), sig(raw[1])] : null;
  const report: Omit<LabsReport, 'summary'> = {
    users: { enrolled: inp.enrolled, active: inp.active, returning: inp.returning },
    calls: inp.calls,
    outcomes,
    features: Object.fromEntries(inp.features),
    parts: Object.fromEntries(inp.parts.map(([name, calls, ms]) => [name, { calls, ms_total: sig(ms) }])),
    latency_ms: {
      p50: inp.latency?.[0] ?? null,
      p95: inp.latency?.[1] ?? null,
      p99: inp.latency?.[2] ?? null,
    },
    feedback: {
      responses: fb.responses,
      too_slow_share: fb.speedAnswers > 0 ? fb.tooSlow / fb.speedAnswers : null,
      too_slow_ci: wilsonInterval(fb.tooSlow, fb.speedAnswers),
      importance: {
        mean: importanceMean,
        counts: {
          '1': fb.importance[0],
          '2': fb.importance[1],
          '3': fb.importance[2],
          '4': fb.importance[3],
          '5': fb.importance[4],
        },
      },
      useful_share: fb.usefulAnswers > 0 ? fb.usefulYes / fb.usefulAnswers : null,
    },
    cost: {
      cpu_ms_per_call: inp.invoked > 0 ? sig(inp.cpuMsTotal / inp.invoked) : null,
      usd_per_1k_calls: perCall === null ? null : sig(perCall * 1000),
      projection: {
        calls_per_day: sig(callsPerDay),
        usd_per_month: monthly === null ? null : sig(monthly),
        interval90: interval,
      },
    },
  };
  return { summary: summarize(report), ...report };
}
