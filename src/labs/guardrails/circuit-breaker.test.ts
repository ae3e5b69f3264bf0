import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

const t0 = 1_000_000;
type Step = ['admit', number, string] | ['record', number, boolean] | ['release', number];

describe('CircuitBreaker', () => {
  const cases: Array<{ name: string; steps: Step[]; state: string }> = [
    {
      name: 'stays closed below the threshold; a success resets the count',
      steps: [
        ['admit', t0, 'call'],
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0, true],
        ['record', t0, false],
        ['record', t0, false],
        ['admit', t0, 'call'],
      ],
      state: 'closed',
    },
    {
      name: 'opens on the third consecutive failure and refuses during the cool-down',
      steps: [
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0, false],
        ['admit', t0 + 999, 'refuse'],
      ],
      state: 'open',
    },
    {
      name: 'lets one probe through after the cool-down, refusing others meanwhile',
      steps: [
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0, false],
        ['admit', t0 + 1000, 'probe'],
        ['admit', t0 + 1001, 'refuse'],
      ],
      state: 'half_open',
    },
    {
      name: 'a successful probe closes it',
      steps: [
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0, false],
        ['admit', t0 + 1000, 'probe'],
        ['record', t0 + 1010, true],
        ['admit', t0 + 1011, 'call'],
      ],
      state: 'closed',
    },
    {
      name: 'a failed probe opens it for another cool-down',
      steps: [
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0, false],
        ['admit', t0 + 1000, 'probe'],
        ['record', t0 + 1010, false],
        ['admit', t0 + 2009, 'refuse'],
        ['admit', t0 + 2010, 'probe'],
      ],
      state: 'half_open',
    },
    {
      name: 'late answers of calls admitted before it opened change nothing',
      steps: [
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0 + 500, true],
        ['record', t0 + 900, false],
        ['admit', t0 + 999, 'refuse'],
        ['admit', t0 + 1000, 'probe'],
      ],
      state: 'half_open',
    },
    {
      name: 'an aborted probe releases the slot: the next call probes at once',
      steps: [
        ['record', t0, false],
        ['record', t0, false],
        ['record', t0, false],
        ['admit', t0 + 1000, 'probe'],
        ['release', t0 + 1005],
        ['admit', t0 + 1006, 'probe'],
      ],
      state: 'half_open',
    },
  ];

  it.each(cases)('$name', ({ steps, state }) => {
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1000 });
    for (const step of steps) {
      if (step[0] === 'admit') expect(b.admit(step[1])).toBe(step[2]);
      else if (step[0] === 'record') b.record(step[2], step[1]);
      else b.release(step[1]);
    }
    expect(b.state.kind).toBe(state);
  });
});
