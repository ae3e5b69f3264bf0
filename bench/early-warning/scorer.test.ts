import { describe, expect, it } from 'vitest';
import {
  benchLine,
  familyFalseAlerts,
  familyLeadTimes,
  formatTable,
  median,
  openings,
  type ScenarioOutcome,
  scoreScenario,
  summarize,
} from './scorer.js';

const H = 3_600_000;
const D = 86_400_000;
const t0 = Date.UTC(2026, 0, 20);

const outcome = (over: Partial<ScenarioOutcome>): ScenarioOutcome => ({
  name: 'x',
  family: 'control',
  evalStartMs: t0,
  evalEndMs: t0 + 30 * D,
  changeStartMs: null,
  breachMs: null,
  events: [],
  ...over,
});

const ev = (hours: number, state: string) => ({ time: t0 + hours * H, state });

describe('openings', () => {
  type Case = { name: string; events: { time: number; state: string }[]; expected: number[] };
  const cases: Case[] = [
    { name: 'none', events: [], expected: [] },
    {
      name: 'a warning escalated to an alert is one opening',
      events: [ev(1, 'warning'), ev(5, 'alert')],
      expected: [1],
    },
    {
      name: 'resolve then re-open is two',
      events: [ev(1, 'alert'), ev(3, 'resolved'), ev(4, 'ok'), ev(9, 'warning')],
      expected: [1, 9],
    },
    {
      name: 'errors neither open nor close',
      events: [ev(1, 'error'), ev(2, 'alert'), ev(3, 'error'), ev(4, 'alert')],
      expected: [2],
    },
    {
      name: 'events are sorted first',
      events: [ev(9, 'warning'), ev(3, 'resolved'), ev(1, 'alert')],
      expected: [1, 9],
    },
  ];
  it.each(cases)('$name', ({ events, expected }) => {
    expect(openings(events)).toEqual(expected.map((h) => t0 + h * H));
  });
});

describe('scoreScenario', () => {
  type Case = {
    name: string;
    input: Partial<ScenarioOutcome>;
    lead: number | null;
    falseAlerts: number;
    days: number;
  };
  const cases: Case[] = [
    { name: 'quiet control', input: {}, lead: null, falseAlerts: 0, days: 30 },
    {
      name: 'every opening on a scenario without a breach is false',
      input: {
        family: 'benign',
        changeStartMs: t0 + 5 * D,
        events: [ev(10, 'alert'), ev(20, 'resolved'), ev(200, 'warning')],
      },
      lead: null,
      falseAlerts: 2,
      days: 30,
    },
    {
      name: 'a warning 12 h before the breach is a 12 h lead',
      input: {
        family: 'gradual',
        changeStartMs: t0 + 5 * D,
        breachMs: t0 + 10 * D,
        events: [ev(228, 'warning'), ev(250, 'alert')],
      },
      lead: 12,
      falseAlerts: 0,
      days: 5,
    },
    {
      name: 'an alert after the breach is a negative lead',
      input: {
        family: 'sudden',
        changeStartMs: t0 + 5 * D,
        breachMs: t0 + 10 * D,
        events: [ev(400, 'alert')],
      },
      lead: -160,
      falseAlerts: 0,
      days: 5,
    },
    {
      name: 'openings before the change are false, the first after it gives the lead',
      input: {
        family: 'gradual',
        changeStartMs: t0 + 5 * D,
        breachMs: t0 + 10 * D,
        events: [
          ev(24, 'alert'),
          ev(30, 'resolved'),
          ev(130, 'warning'),
          ev(140, 'resolved'),
          ev(200, 'warning'),
        ],
      },
      lead: 110,
      falseAlerts: 1,
      days: 5,
    },
    {
      name: 'no opening after the change is a miss',
      input: {
        family: 'gradual',
        changeStartMs: t0 + 5 * D,
        breachMs: t0 + 10 * D,
        events: [ev(10, 'warning')],
      },
      lead: null,
      falseAlerts: 1,
      days: 5,
    },
  ];
  it.each(cases)('$name', ({ input, lead, falseAlerts, days }) => {
    const s = scoreScenario(outcome(input));
    expect(s.leadTimeH).toBe(lead);
    expect(s.falseAlerts).toBe(falseAlerts);
    expect(s.falseAlertDays).toBeCloseTo(days, 12);
  });
});

describe('summaries', () => {
  const scores = [
    scoreScenario(
      outcome({
        name: 'g1',
        family: 'gradual',
        changeStartMs: t0,
        breachMs: t0 + 5 * D,
        events: [ev(100, 'warning')],
      }),
    ),
    scoreScenario(
      outcome({ name: 'g2', family: 'gradual', changeStartMs: t0, breachMs: t0 + 5 * D, events: [] }),
    ),
    scoreScenario(
      outcome({
        name: 's1',
        family: 'sudden',
        changeStartMs: t0,
        breachMs: t0 + 5 * D,
        events: [ev(124, 'alert')],
      }),
    ),
    scoreScenario(outcome({ name: 'c1', family: 'control', events: [ev(1, 'alert')] })),
    scoreScenario(outcome({ name: 'b1', family: 'benign', evalEndMs: t0 + 60 * D, events: [] })),
  ];

  it('median lead over detected degrading scenarios, false alerts pooled over the rest', () => {
    expect(summarize(scores)).toEqual({
      lead_time_h_median: 8,
      false_alerts_per_30d: (30 * 1) / 90,
      detected: 2,
      degrading: 3,
    });
  });

  it('per family', () => {
    expect(familyLeadTimes(scores)).toEqual({ gradual: 20, sudden: -4 });
    expect(familyFalseAlerts(scores)).toEqual({ control: 1, benign: 0 });
  });

  it('is empty-safe', () => {
    expect(summarize([])).toEqual({
      lead_time_h_median: null,
      false_alerts_per_30d: 0,
      detected: 0,
      degrading: 0,
    });
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('renders a Markdown table with one row per method', () => {
    const table = formatTable({ vigil: scores, psi: [] }).split('\n');
    expect(table[0]).toBe(
      '| method | lead h median | lead h gradual | lead h sudden | detected | false/30d | false/30d control | false/30d benign |',
    );
    expect(table[2]).toBe('| vigil | 8.0 | 20.0 | -4.0 | 2/3 | 0.33 | 1.00 | 0.00 |');
    expect(table[3]).toBe('| psi | — | — | — | 0/0 | 0.00 | 0.00 | 0.00 |');
  });

  it('prints the bench line the issue asks for', () => {
    const line = JSON.parse(
      benchLine({ vigil: scores, realized_baseline: [], psi_baseline: scores }),
    ) as Record<string, unknown>;
    expect(line).toEqual({
      bench: 'early-warning',
      vigil: { lead_time_h_median: 8, false_alerts_per_30d: 1 / 3 },
      realized_baseline: { lead_time_h_median: null, false_alerts_per_30d: 0 },
      psi_baseline: { lead_time_h_median: 8, false_alerts_per_30d: 1 / 3 },
    });
  });
});
