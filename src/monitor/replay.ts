import type { BreachThreshold } from '../core/forecast/index.js';
import type { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
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

/**
 * replayMonitors evaluates each monitor as of every step in [fromMs, toMs], reading only what
 * was known then (records before the step, actuals arrived by the step, a baseline calibrated
 * on the labels known at the first step), and returns the state changes in time order.
 */
export async function replayMonitors(opts: {
  store: Store;
  entities: Entities;
  project: string;
  monitors: readonly Monitor[];
  fromMs: number;
  toMs: number;
  stepMs: number;
}): Promise<ReplayEvent[]> {
  const events: ReplayEvent[] = [];
  for (const monitor of opts.monitors) {
    const evaluator = await MonitorEvaluator.create(
      { store: opts.store, entities: opts.entities, project: opts.project },
      monitor,
      opts.fromMs,
      opts.toMs,
      opts.stepMs,
    );
    let rt = INITIAL_RUNTIME;
    for (let t = opts.fromMs; t <= opts.toMs; t += opts.stepMs) {
      const step = await evaluator.step(t, rt);
      rt = step.runtime;
      for (const e of step.events) {
        events.push({
          time: new Date(e.time).toISOString(),
          monitor: monitor.name,
          state: e.state,
          value: e.value,
          threshold: e.threshold,
          predicted_breach: e.predicted_breach === null ? null : new Date(e.predicted_breach).toISOString(),
          reason: e.reason,
        });
      }
    }
  }
  return events.sort((a, b) => a.time.localeCompare(b.time) || a.monitor.localeCompare(b.monitor));
}
