import type { BreachThreshold } from '../core/forecast/index.js';
import { errorMessage } from '../shared/index.js';
import type { Entities, Store } from '../store/index.js';
import { INITIAL_RUNTIME, MonitorEvaluator } from './monitor-evaluator.js';
import type { Monitor } from './monitor-spec.js';

/** ReplayEvent is one state change of one monitor during a replay (API.md, monitor replay). */
export interface ReplayEvent {
  readonly time: string;
  readonly monitor: string;
  readonly state: string;
  readonly value: number | null;
  readonly threshold: BreachThreshold | null;
  readonly predicted_breach: string | null;
  readonly reason: string;
}

/** ReplayError is one monitor's failure at one step; the replay goes on with the next. */
export interface ReplayError {
  readonly time: string;
  readonly monitor: string;
  readonly error: string;
}

/**
 * replayMonitors evaluates each monitor as of every step in [fromMs, toMs], reading only what
 * was known then (records before the step, actuals arrived by the step, a baseline calibrated
 * on the labels known at the first step), and returns the state changes in time order. A
 * monitor that cannot be set up, or a step that fails, is reported (monitor, time, reason) and
 * the replay goes on: one bad monitor does not hide the others' answers.
 */
export async function replayMonitors(opts: {
  store: Store;
  entities: Entities;
  project: string;
  monitors: readonly Monitor[];
  fromMs: number;
  toMs: number;
  stepMs: number;
}): Promise<{ events: ReplayEvent[]; errors: ReplayError[] }> {
  const events: ReplayEvent[] = [];
  const errors: ReplayError[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const monitor of opts.monitors) {
    let evaluator: MonitorEvaluator;
    try {
      evaluator = await MonitorEvaluator.create(
        { store: opts.store, entities: opts.entities, project: opts.project },
        monitor,
        opts.fromMs,
        opts.toMs,
        opts.stepMs,
      );
    } catch (e) {
      errors.push({ time: iso(opts.fromMs), monitor: monitor.name, error: errorMessage(e) });
      continue;
    }
    let rt = INITIAL_RUNTIME;
    for (let t = opts.fromMs; t <= opts.toMs; t += opts.stepMs) {
      let step: Awaited<ReturnType<MonitorEvaluator['step']>>;
      try {
        step = await evaluator.step(t, rt);
      } catch (e) {
        errors.push({ time: iso(t), monitor: monitor.name, error: errorMessage(e) });
        continue;
      }
      rt = step.runtime;
      for (const e of step.events) {
        events.push({
          time: iso(e.time),
          monitor: monitor.name,
          state: e.state,
          value: e.value,
          threshold: e.threshold,
          predicted_breach: e.predicted_breach === null ? null : iso(e.predicted_breach),
          reason: e.reason,
        });
      }
    }
  }
  const byTime = (a: { time: string; monitor: string }, b: { time: string; monitor: string }) =>
    a.time.localeCompare(b.time) || a.monitor.localeCompare(b.monitor);
  return { events: events.sort(byTime), errors: errors.sort(byTime) };
}
