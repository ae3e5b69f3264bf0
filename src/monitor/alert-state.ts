/*
 * The alert lifecycle of one monitor and scope, as a pure state machine: the scheduler loads
 * the stored MonitorState, calls `evaluate(state, evaluation, policy)` with the value it
 * computed (and the breach outlook from core/forecast), stores the new state and records and
 * notifies the events. Time is passed in; nothing here reads a clock.
 *
 *   ok ──(k breaches)──────────────▶ alert ──(m clean)──▶ resolved ──(next evaluation)──▶ ok
 *    └─(forecast, w times)─▶ warning ─(k breaches)─▶ alert
 *                              └──(calm and clean m times)──▶ resolved
 *
 * - minimum duration: an alert needs k consecutive breaching evaluations (`alertAfter`), a
 *   resolve m consecutive clean ones (`resolveAfter`);
 * - hysteresis: "clean" means inside the threshold by at least `hysteresis` (for '<' 0.8 with
 *   margin 0.02, a value ≥ 0.82); values in between neither breach nor count as clean, so a
 *   metric hovering at its threshold keeps its alert open instead of flapping;
 * - one open episode (warning or alert) per monitor and scope: repeated breaches update the
 *   value silently; `opened` identifies the episode in every event;
 * - a warning opens when the outlook gives P(breach within the horizon) ≥ `warnProbability`
 *   `warnAfter` times in a row, and clears when it falls below half of that (`calm`) and the
 *   value is clean, both m times in a row;
 * - mute suppresses notifications, never state; acknowledge silences the open episode's
 *   escalation (a resolve is always sent, since whoever acknowledged wants to know);
 * - an evaluation error (or a non-finite value) sets status 'error' for this monitor with one
 *   event, leaves the lifecycle and its streaks as they were, and the next good evaluation
 *   clears it; `value: null` (no data in the window) changes nothing;
 * - evaluations not newer than the last one are ignored, so a re-run tick is harmless.
 * Every change of state or status emits one AlertEvent.
 */
import type { BreachThreshold } from '../core/forecast/index.js';

/** AlertStateName is the lifecycle state of a monitor's alert. */
export type AlertStateName = 'ok' | 'warning' | 'alert' | 'resolved';

/** MonitorStatus is the state shown for a monitor: its lifecycle state, or 'error'. */
export type MonitorStatus = AlertStateName | 'error';

/** Threshold is the condition that counts as a breach. */
export type Threshold = BreachThreshold;

/** AlertPolicy tunes the lifecycle; every field but the threshold has a default. */
export interface AlertPolicy {
  readonly threshold: Threshold;
  /** Margin inside the threshold a value needs to count toward resolving. Default 0. */
  readonly hysteresis?: number;
  /** k: consecutive breaching evaluations before an alert. Default 3. */
  readonly alertAfter?: number;
  /** m: consecutive clean (or calm) evaluations before a resolve. Default 3. */
  readonly resolveAfter?: number;
  /** P(breach within the horizon) that counts as a predicted breach. Default 0.5. */
  readonly warnProbability?: number;
  /** Consecutive predicted breaches before a warning. Default 2. */
  readonly warnAfter?: number;
}

/** BreachOutlook is what the forecast says about the coming horizon. */
export interface BreachOutlook {
  readonly probability: number;
  /** Predicted time of the breach (epoch ms), when the expected value crosses. */
  readonly predictedBreach: number | null;
}

/** Evaluation is one evaluation of the monitor: a value (null: no data) or an error. */
export type Evaluation =
  | { readonly time: number; readonly value: number | null; readonly outlook?: BreachOutlook | null }
  | { readonly time: number; readonly error: string };

/** MonitorState is everything the machine remembers between evaluations (store it as JSON). */
export interface MonitorState {
  readonly state: AlertStateName;
  readonly status: MonitorStatus;
  /** Start of the open episode (warning or alert), else null. */
  readonly opened: number | null;
  /** Time of the last state change. */
  readonly since: number | null;
  readonly evaluatedAt: number | null;
  readonly value: number | null;
  readonly predictedBreach: number | null;
  readonly breachStreak: number;
  readonly cleanStreak: number;
  readonly warnStreak: number;
  readonly calmStreak: number;
  readonly mutedUntil: number | null;
  readonly acknowledgedAt: number | null;
  readonly error: string | null;
}

/** AlertEvent records one change of state or status, in the API's field names. */
export interface AlertEvent {
  readonly time: number;
  readonly state: MonitorStatus;
  readonly value: number | null;
  readonly threshold: Threshold;
  readonly predicted_breach: number | null;
  readonly reason: string;
  /** The episode this event belongs to (its opening time), or null outside one. */
  readonly opened: number | null;
  /** Whether receivers should be told (false while muted, acknowledged, or for routine changes). */
  readonly notify: boolean;
}

/** Transition is the new state and the events of one step. */
export interface Transition {
  readonly state: MonitorState;
  readonly events: readonly AlertEvent[];
}

/** INITIAL_STATE is a monitor that has never been evaluated. */
export const INITIAL_STATE: MonitorState = {
  state: 'ok',
  status: 'ok',
  opened: null,
  since: null,
  evaluatedAt: null,
  value: null,
  predictedBreach: null,
  breachStreak: 0,
  cleanStreak: 0,
  warnStreak: 0,
  calmStreak: 0,
  mutedUntil: null,
  acknowledgedAt: null,
  error: null,
};

interface Resolved {
  readonly threshold: Threshold;
  readonly hysteresis: number;
  readonly alertAfter: number;
  readonly resolveAfter: number;
  readonly warnProbability: number;
  readonly warnAfter: number;
}

function resolvePolicy(p: AlertPolicy): Resolved {
  const count = (v: number | undefined, d: number, name: string): number => {
    const x = v ?? d;
    if (!(Number.isInteger(x) && x >= 1))
      throw new RangeError(`${name} must be a positive integer, got ${x}`);
    return x;
  };
  const hysteresis = p.hysteresis ?? 0;
  if (!(hysteresis >= 0)) throw new RangeError(`hysteresis must be ≥ 0, got ${hysteresis}`);
  return {
    threshold: p.threshold,
    hysteresis,
    alertAfter: count(p.alertAfter, 3, 'alertAfter'),
    resolveAfter: count(p.resolveAfter, 3, 'resolveAfter'),
    warnProbability: p.warnProbability ?? 0.5,
    warnAfter: count(p.warnAfter, 2, 'warnAfter'),
  };
}

/**
 * breaches says whether a value is on the wrong side of the threshold.
 *
 * @example breaches({ op: '<', value: 0.8 }, 0.79) // true
 */
export function breaches(t: Threshold, value: number): boolean {
  switch (t.op) {
    case '<':
      return value < t.value;
    case '<=':
      return value <= t.value;
    case '>':
      return value > t.value;
    case '>=':
      return value >= t.value;
  }
}

/** insideBy is how far a value is inside the threshold (negative when breaching). */
function insideBy(t: Threshold, value: number): number {
  return t.op === '<' || t.op === '<=' ? value - t.value : t.value - value;
}

const isMuted = (s: MonitorState, time: number): boolean => s.mutedUntil !== null && time < s.mutedUntil;

function event(
  s: MonitorState,
  time: number,
  status: MonitorStatus,
  reason: string,
  policy: Resolved,
  notify: boolean,
): AlertEvent {
  return {
    time,
    state: status,
    value: s.value,
    threshold: policy.threshold,
    predicted_breach: s.predictedBreach,
    reason,
    opened: s.opened,
    notify: notify && !isMuted(s, time),
  };
}

const fmt = (x: number): string => String(Number(x.toPrecision(4)));

/**
 * evaluate applies one evaluation to a monitor's state and returns the new state and events.
 * It never throws for bad values or evaluation errors; it throws RangeError only for an
 * invalid policy (a programming error).
 *
 * @example
 * const policy = { threshold: { op: '<', value: 0.8 }, alertAfter: 1 } as const;
 * evaluate(INITIAL_STATE, { time: 0, value: 0.7 }, policy).events[0]?.state; // 'alert'
 */
export function evaluate(state: MonitorState, evaluation: Evaluation, policy: AlertPolicy): Transition {
  const p = resolvePolicy(policy);
  const time = evaluation.time;
  if (state.evaluatedAt !== null && !(time > state.evaluatedAt)) return { state, events: [] };
  const events: AlertEvent[] = [];
  let s: MonitorState = { ...state, evaluatedAt: time };

  const problem =
    'error' in evaluation
      ? evaluation.error
      : evaluation.value !== null && !Number.isFinite(evaluation.value)
        ? `value is not a finite number (${evaluation.value})`
        : null;
  if (problem !== null) {
    if (s.status !== 'error' || s.error !== problem) {
      s = { ...s, status: 'error', error: problem };
      events.push(event(s, time, 'error', `evaluation failed: ${problem}`, p, state.status !== 'error'));
    }
    return { state: s, events };
  }
  if (!('value' in evaluation) || evaluation.value === null) return { state: s, events };
  const value = evaluation.value;
  if (s.status === 'error') {
    s = { ...s, status: s.state, error: null, value };
    events.push(event(s, time, s.state, 'evaluation recovered', p, false));
  }

  const breaching = breaches(p.threshold, value);
  const clean = !breaching && insideBy(p.threshold, value) >= p.hysteresis;
  const outlook = evaluation.outlook ?? null;
  const probability = outlook !== null && Number.isFinite(outlook.probability) ? outlook.probability : 0;
  const predicted = probability >= p.warnProbability;
  const calm = probability < p.warnProbability / 2;
  s = {
    ...s,
    value,
    predictedBreach: predicted
      ? (outlook?.predictedBreach ?? null)
      : s.state === 'warning'
        ? s.predictedBreach
        : null,
    breachStreak: breaching ? s.breachStreak + 1 : 0,
    cleanStreak: clean ? s.cleanStreak + 1 : 0,
    warnStreak: predicted ? s.warnStreak + 1 : 0,
    calmStreak: calm ? s.calmStreak + 1 : 0,
  };
  const op = p.threshold.op;
  const thr = fmt(p.threshold.value);
  const change = (
    next: AlertStateName,
    reason: string,
    notify: boolean,
    patch: Partial<MonitorState> = {},
  ): void => {
    s = { ...s, state: next, status: next, since: time, ...patch };
    events.push(event(s, time, next, reason, p, notify && s.acknowledgedAt === null));
  };
  const breachReason = `value ${fmt(value)} ${op} ${thr} for ${s.breachStreak} consecutive evaluations`;

  switch (s.state) {
    case 'ok':
    case 'resolved':
      if (s.breachStreak >= p.alertAfter) {
        change('alert', breachReason, true, { opened: time, acknowledgedAt: null });
      } else if (s.warnStreak >= p.warnAfter) {
        const at = s.predictedBreach === null ? '' : ` around ${new Date(s.predictedBreach).toISOString()}`;
        const reason = `forecast: P(value ${op} ${thr} within the horizon) = ${fmt(probability)}${at}`;
        change('warning', reason, true, { opened: time, acknowledgedAt: null });
      } else if (s.state === 'resolved') {
        change('ok', 'back to normal', false);
      }
      break;
    case 'warning':
      if (s.breachStreak >= p.alertAfter) change('alert', breachReason, true);
      else if (s.calmStreak >= p.resolveAfter && s.cleanStreak >= p.resolveAfter) {
        s = { ...s, acknowledgedAt: null };
        change(
          'resolved',
          `forecast no longer predicts a breach and the value is clean (${s.calmStreak} evaluations)`,
          true,
        );
        s = { ...s, opened: null, acknowledgedAt: null, predictedBreach: null };
      }
      break;
    case 'alert':
      if (s.cleanStreak >= p.resolveAfter) {
        const margin = p.hysteresis > 0 ? ` by ≥ ${fmt(p.hysteresis)}` : '';
        s = { ...s, acknowledgedAt: null };
        change('resolved', `value back inside ${thr}${margin} for ${s.cleanStreak} evaluations`, true);
        s = { ...s, opened: null, predictedBreach: null };
      }
      break;
  }
  return { state: s, events };
}

/**
 * replay folds a list of evaluations, in order, into a final state and all events.
 *
 * @example
 * replay([{ time: 1, value: 0.7 }, { time: 2, value: 0.7 }], { threshold: { op: '<', value: 0.8 }, alertAfter: 2 }).events.length; // 1
 */
export function replay(
  evaluations: readonly Evaluation[],
  policy: AlertPolicy,
  initial: MonitorState = INITIAL_STATE,
): Transition {
  let state = initial;
  const events: AlertEvent[] = [];
  for (const e of evaluations) {
    const t = evaluate(state, e, policy);
    state = t.state;
    events.push(...t.events);
  }
  return { state, events };
}

/**
 * acknowledge marks the open episode as seen: its escalation is no longer notified. No-op
 * outside an episode.
 *
 * @example acknowledge(INITIAL_STATE, 5).acknowledgedAt // null (nothing open)
 */
export function acknowledge(state: MonitorState, time: number): MonitorState {
  return state.opened === null ? state : { ...state, acknowledgedAt: time };
}

/**
 * mute suppresses notifications until `until` (epoch ms; null unmutes). State still moves.
 *
 * @example mute(INITIAL_STATE, 1_000).mutedUntil // 1000
 */
export function mute(state: MonitorState, until: number | null): MonitorState {
  return { ...state, mutedUntil: until };
}

/**
 * resolveManually closes the open episode on an operator's word; a new alert then needs k
 * fresh consecutive breaches.
 *
 * @example resolveManually(INITIAL_STATE, 5, { threshold: { op: '>', value: 1 } }).events // []
 */
export function resolveManually(
  state: MonitorState,
  time: number,
  policy: AlertPolicy,
  reason = 'resolved manually',
): Transition {
  if (state.state !== 'warning' && state.state !== 'alert') return { state, events: [] };
  const p = resolvePolicy(policy);
  const s: MonitorState = {
    ...state,
    state: 'resolved',
    status: state.status === 'error' ? 'error' : 'resolved',
    since: time,
    breachStreak: 0,
    warnStreak: 0,
  };
  const e = event(s, time, 'resolved', reason, p, true);
  return { state: { ...s, opened: null, acknowledgedAt: null, predictedBreach: null }, events: [e] };
}
