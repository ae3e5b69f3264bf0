import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AlertEvent,
  type AlertPolicy,
  acknowledge,
  breaches,
  type Evaluation,
  evaluate,
  INITIAL_STATE,
  type MonitorState,
  mute,
  replay,
  resolveManually,
} from './alert-state.js';

// Fixed instants: evaluation i happens at t(i), one hour apart.
const t0 = Date.UTC(2026, 10, 29, 8);
const HOUR = 3_600_000;
const t = (i: number): number => t0 + i * HOUR;

const ACCURACY: AlertPolicy = {
  threshold: { op: '<', value: 0.8 },
  hysteresis: 0.02,
  alertAfter: 3,
  resolveAfter: 3,
  warnProbability: 0.5,
  warnAfter: 2,
};

/** Step is one evaluation in compact form: a value, [value, P(breach)], 'err:…' or null. */
type Step = number | [number, number] | `err:${string}` | null;

function evaluations(steps: readonly Step[], start = 0): Evaluation[] {
  return steps.map((s, i) => {
    const time = t(start + i);
    if (s === null) return { time, value: null };
    if (typeof s === 'string') return { time, error: s.slice(4) };
    if (Array.isArray(s))
      return { time, value: s[0], outlook: { probability: s[1], predictedBreach: t(start + i + 6) } };
    return { time, value: s };
  });
}

/** timeline renders events as "index:state" for compact expectations. */
const timeline = (events: readonly AlertEvent[]): string[] =>
  events.map((e) => `${(e.time - t0) / HOUR}:${e.state}${e.notify ? '' : '(quiet)'}`);

type Case = {
  name: string;
  steps: Step[];
  policy?: AlertPolicy;
  expected: string[];
  final?: Partial<MonitorState>;
};

const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

const cases: Case[] = [
  {
    name: 'a healthy metric emits nothing',
    steps: [0.9, 0.91, 0.88, 0.9],
    expected: [],
    final: { state: 'ok' },
  },
  {
    name: 'k consecutive breaches open one alert at the k-th',
    steps: [0.9, 0.7, 0.7, 0.7],
    expected: ['3:alert'],
    final: { state: 'alert', opened: t(3), breachStreak: 3 },
  },
  {
    name: 'k − 1 breaches and a clean value do not alert',
    steps: [0.7, 0.7, 0.85, 0.7, 0.7, 0.9],
    expected: [],
  },
  {
    name: 'a breach run interrupted by an in-between value (inside the margin) starts over',
    steps: [0.7, 0.7, 0.81, 0.7, 0.7],
    expected: [],
    final: { breachStreak: 2 },
  },
  {
    name: 'a long breach stays one alert (de-duplication)',
    steps: repeat(50, 0.6),
    expected: ['2:alert'],
    final: { state: 'alert', breachStreak: 50, opened: t(2) },
  },
  {
    name: 'oscillating around the threshold after an alert yields one alert, not a stream (issue item 5)',
    steps: [0.75, 0.75, 0.75, ...Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.79 : 0.81))],
    expected: ['2:alert'],
    final: { state: 'alert' },
  },
  {
    name: 'oscillating from the start never alerts (no k consecutive breaches)',
    steps: Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.79 : 0.81)),
    expected: [],
  },
  {
    name: 'oscillation without hysteresis still resolves only after m clean in a row',
    steps: [0.7, 0.7, 0.7, 0.81, 0.79, 0.81, 0.81, 0.79, 0.81, 0.81, 0.81],
    policy: { ...ACCURACY, hysteresis: 0 },
    expected: ['2:alert', '10:resolved'],
  },
  {
    name: 'resolve needs m values inside the threshold by the margin',
    steps: [0.7, 0.7, 0.7, 0.81, 0.81, 0.81, 0.83, 0.83, 0.83],
    expected: ['2:alert', '8:resolved'],
    final: { state: 'resolved', opened: null },
  },
  {
    name: 'resolved moves to ok quietly on the next evaluation',
    steps: [0.7, 0.7, 0.7, 0.9, 0.9, 0.9, 0.9],
    expected: ['2:alert', '5:resolved', '6:ok(quiet)'],
    final: { state: 'ok', status: 'ok' },
  },
  {
    name: 'a new breach after resolve opens a new episode',
    steps: [0.7, 0.7, 0.7, 0.9, 0.9, 0.9, 0.9, 0.7, 0.7, 0.7],
    expected: ['2:alert', '5:resolved', '6:ok(quiet)', '9:alert'],
    final: { opened: t(9) },
  },
  {
    name: 'resolved → ok even when the next value breaches; the re-alert still needs k',
    steps: [0.7, 0.7, 0.7, 0.9, 0.9, 0.9, 0.7, 0.7, 0.7],
    expected: ['2:alert', '5:resolved', '6:ok(quiet)', '8:alert'],
  },
  {
    name: 'a warning precedes the alert when the forecast saw it coming',
    steps: [[0.86, 0.2], [0.85, 0.7], [0.84, 0.8], [0.82, 0.9], 0.79, 0.78, 0.77],
    expected: ['2:warning', '6:alert'],
    final: { state: 'alert', opened: t(2) },
  },
  {
    name: 'one confident forecast is not enough (warnAfter = 2)',
    steps: [
      [0.86, 0.9],
      [0.86, 0.1],
      [0.86, 0.9],
      [0.86, 0.1],
    ],
    expected: [],
  },
  {
    name: 'a warning clears (resolved) after m calm forecasts with clean values',
    steps: [[0.85, 0.9], [0.85, 0.9], [0.86, 0.1], [0.87, 0.1], [0.88, 0.1], 0.88],
    expected: ['1:warning', '4:resolved', '5:ok(quiet)'],
  },
  {
    name: 'a middling forecast (between ½·p and p) neither warns nor clears',
    steps: [
      [0.85, 0.9],
      [0.85, 0.9],
      [0.85, 0.3],
      [0.85, 0.3],
      [0.85, 0.3],
      [0.85, 0.3],
    ],
    expected: ['1:warning'],
    final: { state: 'warning' },
  },
  {
    name: 'a warning does not clear until the value has also been clean m times',
    steps: [
      [0.85, 0.9],
      [0.85, 0.9],
      [0.79, 0.1],
      [0.79, 0.1],
      [0.85, 0.1],
      [0.85, 0.1],
    ],
    expected: ['1:warning'],
    final: { state: 'warning' },
  },
  {
    name: 'a sudden drop alerts without a warning',
    steps: [
      [0.9, 0],
      [0.6, 0],
      [0.6, 0],
      [0.6, 0],
    ],
    expected: ['3:alert'],
  },
  {
    name: 'an evaluation error yields an error status, not a crash, and recovers',
    steps: [0.9, 'err:store timeout', 'err:store timeout', 0.9],
    expected: ['1:error', '3:ok(quiet)'],
    final: { status: 'ok', error: null },
  },
  {
    name: 'a new error message while in error is recorded quietly',
    steps: ['err:timeout', 'err:no such table'],
    expected: ['0:error', '1:error(quiet)'],
    final: { status: 'error', error: 'no such table' },
  },
  {
    name: 'an error keeps the lifecycle and its streaks',
    steps: [0.7, 0.7, 'err:timeout', 0.7],
    expected: ['2:error', '3:ok(quiet)', '3:alert'],
    final: { state: 'alert', breachStreak: 3 },
  },
  {
    name: 'an error during an alert shows error, then the alert again',
    steps: [0.7, 0.7, 0.7, 'err:x', 0.7],
    expected: ['2:alert', '3:error', '4:alert(quiet)'],
    final: { status: 'alert' },
  },
  {
    name: 'a NaN value is an evaluation error',
    steps: [Number.NaN],
    expected: ['0:error'],
    final: { status: 'error', error: 'value is not a finite number (NaN)' },
  },
  {
    name: 'an infinite value is an evaluation error',
    steps: [Number.NEGATIVE_INFINITY],
    expected: ['0:error'],
  },
  {
    name: 'no data (null) changes nothing and keeps streaks',
    steps: [0.7, null, 0.7, null, 0.7],
    expected: ['4:alert'],
  },
  {
    name: "'>' thresholds (latency) with hysteresis below the threshold",
    steps: [250, 260, 270, 195, 195, 195, 150, 150, 150],
    policy: { threshold: { op: '>', value: 200 }, hysteresis: 10, alertAfter: 3, resolveAfter: 3 },
    expected: ['2:alert', '8:resolved'],
  },
  {
    name: "'<=' counts the threshold itself as a breach",
    steps: [0.8, 0.8, 0.8],
    policy: { ...ACCURACY, threshold: { op: '<=', value: 0.8 } },
    expected: ['2:alert'],
  },
  {
    name: "'<' does not count the threshold itself",
    steps: [0.8, 0.8, 0.8],
    expected: [],
  },
  {
    name: 'k = 1 and m = 1 follow every crossing (the flapping configuration)',
    steps: [0.7, 0.9, 0.7, 0.9],
    policy: { threshold: { op: '<', value: 0.8 }, alertAfter: 1, resolveAfter: 1 },
    expected: ['0:alert', '1:resolved', '2:alert', '3:resolved'],
  },
];

describe('evaluate (table)', () => {
  it.each(cases)('$name', ({ steps, policy, expected, final }) => {
    const { state, events } = replay(evaluations(steps), policy ?? ACCURACY);
    expect(timeline(events)).toEqual(expected);
    if (final) expect(state).toMatchObject(final);
  });
});

describe('events', () => {
  it('carry time, state, value, threshold, predicted breach, reason and the episode', () => {
    const { events } = replay(evaluations([[0.85, 0.9], [0.84, 0.9], 0.7, 0.7, 0.7]), ACCURACY);
    expect(events[0]).toEqual({
      time: t(1),
      state: 'warning',
      value: 0.84,
      threshold: { op: '<', value: 0.8 },
      predicted_breach: t(7),
      reason: `forecast: P(value < 0.8 within the horizon) = 0.9 around ${new Date(t(7)).toISOString()}`,
      opened: t(1),
      notify: true,
    });
    expect(events[1]).toMatchObject({
      time: t(4),
      state: 'alert',
      value: 0.7,
      opened: t(1),
      reason: 'value 0.7 < 0.8 for 3 consecutive evaluations',
    });
  });

  it('a resolve event still names the episode it closes', () => {
    const { events } = replay(evaluations([0.7, 0.7, 0.7, 0.9, 0.9, 0.9]), ACCURACY);
    expect(events[1]).toMatchObject({
      state: 'resolved',
      opened: t(2),
      reason: 'value back inside 0.8 by ≥ 0.02 for 3 evaluations',
    });
  });

  it('a warning without a predicted time still explains itself', () => {
    const evals: Evaluation[] = [
      { time: t(0), value: 0.85, outlook: { probability: 0.6, predictedBreach: null } },
      { time: t(1), value: 0.85, outlook: { probability: 0.6, predictedBreach: null } },
    ];
    const { events } = replay(evals, ACCURACY);
    expect(events[0]?.reason).toBe('forecast: P(value < 0.8 within the horizon) = 0.6');
    expect(events[0]?.predicted_breach).toBeNull();
  });

  it('a NaN forecast probability is treated as no forecast', () => {
    const evals: Evaluation[] = [0, 1, 2].map((i) => ({
      time: t(i),
      value: 0.85,
      outlook: { probability: Number.NaN, predictedBreach: null },
    }));
    expect(replay(evals, ACCURACY).events).toEqual([]);
  });
});

describe('mute', () => {
  it('suppresses notifications but not state', () => {
    const muted = mute(INITIAL_STATE, t(4));
    const { state, events } = replay(evaluations([0.7, 0.7, 0.7, 0.9, 0.9, 0.9]), ACCURACY, muted);
    expect(timeline(events)).toEqual(['2:alert(quiet)', '5:resolved']);
    expect(state.state).toBe('resolved');
  });

  it('mutes errors too, and unmuting restores notifications', () => {
    const muted = replay(evaluations(['err:x']), ACCURACY, mute(INITIAL_STATE, t(10)));
    expect(timeline(muted.events)).toEqual(['0:error(quiet)']);
    const unmuted = replay(evaluations([0.9, 'err:y'], 1), ACCURACY, mute(muted.state, null));
    expect(timeline(unmuted.events)).toEqual(['1:ok(quiet)', '2:error']);
  });

  it('ends exactly at the until instant', () => {
    const { events } = replay(evaluations([0.7, 0.7, 0.7]), ACCURACY, mute(INITIAL_STATE, t(2)));
    expect(events[0]?.notify).toBe(true);
  });
});

describe('acknowledge', () => {
  it('silences the escalation of an acknowledged warning, not its resolve', () => {
    const warned = replay(
      evaluations([
        [0.85, 0.9],
        [0.84, 0.9],
      ]),
      ACCURACY,
    );
    const acked = acknowledge(warned.state, t(2));
    expect(acked.acknowledgedAt).toBe(t(2));
    const rest = replay(evaluations([0.7, 0.7, 0.7, 0.9, 0.9, 0.9], 2), ACCURACY, acked);
    expect(timeline(rest.events)).toEqual(['4:alert(quiet)', '7:resolved']);
    expect(rest.state.acknowledgedAt).toBeNull();
  });

  it('is a no-op outside an episode', () => {
    expect(acknowledge(INITIAL_STATE, t(0))).toBe(INITIAL_STATE);
  });

  it('does not carry over to the next episode', () => {
    const first = replay(evaluations([0.7, 0.7, 0.7]), ACCURACY);
    const acked = acknowledge(first.state, t(3));
    const { events } = replay(evaluations([0.9, 0.9, 0.9, 0.9, 0.7, 0.7, 0.7], 3), ACCURACY, acked);
    expect(timeline(events)).toEqual(['5:resolved', '6:ok(quiet)', '9:alert']);
  });
});

describe('resolveManually', () => {
  it('closes the open episode; a new alert needs k fresh breaches', () => {
    const open = replay(evaluations([0.7, 0.7, 0.7]), ACCURACY);
    const closed = resolveManually(open.state, t(3), ACCURACY);
    expect(timeline(closed.events)).toEqual(['3:resolved']);
    expect(closed.events[0]).toMatchObject({ reason: 'resolved manually', opened: t(2) });
    expect(closed.state).toMatchObject({ state: 'resolved', opened: null, breachStreak: 0 });
    const after = replay(evaluations([0.7, 0.7, 0.7], 4), ACCURACY, closed.state);
    expect(timeline(after.events)).toEqual(['4:ok(quiet)', '6:alert']);
  });

  it('is a no-op without an open episode', () => {
    expect(resolveManually(INITIAL_STATE, t(0), ACCURACY).events).toEqual([]);
  });

  it('keeps an error status visible', () => {
    const open = replay(evaluations([0.7, 0.7, 0.7, 'err:x']), ACCURACY);
    expect(resolveManually(open.state, t(4), ACCURACY).state.status).toBe('error');
  });
});

describe('robustness', () => {
  it('ignores evaluations that are not newer than the last (a re-run tick)', () => {
    const first = evaluate(INITIAL_STATE, { time: t(5), value: 0.7 }, ACCURACY);
    const again = evaluate(first.state, { time: t(5), value: 0.7 }, ACCURACY);
    const older = evaluate(first.state, { time: t(4), value: 0.7 }, ACCURACY);
    expect(again.state).toBe(first.state);
    expect(older.state).toBe(first.state);
    expect(first.state.breachStreak).toBe(1);
  });

  it('does not mutate the state it is given', () => {
    const before = structuredClone(INITIAL_STATE);
    evaluate(INITIAL_STATE, { time: t(0), value: 0.1 }, { ...ACCURACY, alertAfter: 1 });
    expect(INITIAL_STATE).toEqual(before);
  });

  type Bad = { name: string; policy: AlertPolicy };
  const bad: Bad[] = [
    { name: 'alertAfter 0', policy: { ...ACCURACY, alertAfter: 0 } },
    { name: 'resolveAfter 1.5', policy: { ...ACCURACY, resolveAfter: 1.5 } },
    { name: 'warnAfter −1', policy: { ...ACCURACY, warnAfter: -1 } },
    { name: 'negative hysteresis', policy: { ...ACCURACY, hysteresis: -0.1 } },
    { name: 'NaN hysteresis', policy: { ...ACCURACY, hysteresis: Number.NaN } },
  ];
  it.each(bad)('rejects an invalid policy: $name', ({ policy }) => {
    expect(() => evaluate(INITIAL_STATE, { time: t(0), value: 1 }, policy)).toThrow(RangeError);
  });

  it('applies the defaults (k = 3, m = 3, no margin, warnAfter = 2)', () => {
    const policy: AlertPolicy = { threshold: { op: '<', value: 0.8 } };
    const { events } = replay(evaluations([0.7, 0.7, 0.7, 0.8, 0.8, 0.8]), policy);
    expect(timeline(events)).toEqual(['2:alert', '5:resolved']);
  });

  it('breaches() follows each operator at the boundary', () => {
    expect([breaches({ op: '<', value: 1 }, 1), breaches({ op: '<=', value: 1 }, 1)]).toEqual([false, true]);
    expect([breaches({ op: '>', value: 1 }, 1), breaches({ op: '>=', value: 1 }, 1)]).toEqual([false, true]);
  });

  it('noise around the threshold opens at most one alert with hysteresis and minimum duration (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 50, maxLength: 300 }),
        (u) => {
          // Values within ±0.01 of the threshold: never 0.02 inside it, so never clean.
          const steps = [0.7, 0.7, 0.7, ...u.map((x) => 0.8 + 0.01 * x)];
          const { events } = replay(evaluations(steps), ACCURACY);
          expect(events.filter((e) => e.state === 'alert')).toHaveLength(1);
          expect(events.filter((e) => e.state === 'resolved')).toHaveLength(0);
        },
      ),
    );
  });

  it('the same noisy series flaps without hysteresis and minimum duration', () => {
    const steps = Array.from({ length: 100 }, (_, i) => 0.8 + 0.01 * Math.sin(i * 2.1));
    const naive = replay(evaluations(steps), {
      threshold: { op: '<', value: 0.8 },
      alertAfter: 1,
      resolveAfter: 1,
    });
    const robust = replay(evaluations(steps), ACCURACY);
    expect(naive.events.filter((e) => e.state === 'alert').length).toBeGreaterThan(10);
    expect(robust.events.filter((e) => e.state === 'alert').length).toBeLessThanOrEqual(1);
  });

  it('the state survives a JSON round trip (it is stored between ticks)', () => {
    const mid = replay(evaluations([[0.85, 0.9], [0.84, 0.9], 0.7]), ACCURACY).state;
    const restored = JSON.parse(JSON.stringify(mid)) as MonitorState;
    const a = replay(evaluations([0.7, 0.7], 3), ACCURACY, mid);
    const b = replay(evaluations([0.7, 0.7], 3), ACCURACY, restored);
    expect(b).toEqual(a);
  });
});
