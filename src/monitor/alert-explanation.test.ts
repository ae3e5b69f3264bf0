import { describe, expect, it } from 'vitest';
import { type AlertExplanation, explainedMetricOf, explanationLines } from './alert-explanation.js';
import { parseMonitorSpec } from './monitor-spec.js';
import { genericPayload, type Notification, slackPayload } from './webhook.js';

const explanation: AlertExplanation = {
  metric: 'accuracy',
  baseline: { environment: 'training', from: null, to: null },
  current: { environment: 'production', from: '2026-03-01T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' },
  before: 0.85,
  after: 0.72,
  change: -0.13,
  top: [
    {
      dimension: 'region',
      segment: 'LATAM',
      contribution: -0.1092,
      share_of_change: 0.84,
      mix: -0.06,
      rate: -0.0492,
      low: -0.13,
      high: -0.09,
    },
    {
      dimension: 'feature:device',
      segment: 'ios',
      contribution: -0.02,
      share_of_change: 0.154,
      mix: 0,
      rate: -0.02,
      low: -0.03,
      high: -0.01,
    },
  ],
  features: [{ feature: 'device', drift: 0.3, importance: 0.5, share: 0.7 }],
};

const notification: Notification = {
  id: 'n1',
  monitor: 'fraud accuracy',
  model: 'fraud',
  state: 'alert',
  value: 0.72,
  threshold: { op: '<', value: 0.8 },
  predicted_breach: null,
  reason: 'accuracy 0.72 < 0.8',
  time: Date.UTC(2026, 2, 9),
  explanation,
};

describe('alert explanations', () => {
  it('decompose what each monitor kind watches', () => {
    const spec = (s: Record<string, unknown>) => parseMonitorSpec({ name: 'x', model: 'm', ...s });
    expect(
      explainedMetricOf(
        spec({ kind: 'performance', metric: 'accuracy', threshold: { op: '<', value: 1 } }),
        'binary',
      ),
    ).toBe('accuracy');
    expect(
      explainedMetricOf(
        spec({ kind: 'estimated_performance', metric: 'accuracy', threshold: { op: '<', value: 1 } }),
        'binary',
      ),
    ).toBe('estimated_accuracy');
    expect(explainedMetricOf(spec({ kind: 'volume', threshold: { op: '<', value: 1 } }), 'binary')).toBe(
      'volume',
    );
    expect(
      explainedMetricOf(
        spec({ kind: 'performance', metric: 'rmse', threshold: { op: '>', value: 1 } }),
        'regression',
      ),
    ).toBe('mse');
    expect(
      explainedMetricOf(spec({ kind: 'latency', metric: 'p99', threshold: { op: '>', value: 1 } }), 'binary'),
    ).toBeNull();
  });

  it('ride in the webhook payload and the Slack message', () => {
    const json = genericPayload(notification) as { explanation: AlertExplanation };
    expect(json.explanation.top.map((c) => c.segment)).toEqual(['LATAM', 'ios']);
    const slack = JSON.stringify(slackPayload(notification).blocks);
    expect(slack).toContain('Why it moved');
    expect(slack).toContain('region=LATAM: -0.109 (84% of the change); mix -0.06, rate -0.0492');
    expect(explanationLines(explanation).at(-1)).toBe('features: device 70%');
    // Without one, the payload says so and Slack adds nothing.
    const bare = { ...notification, explanation: null };
    expect('explanation' in genericPayload(bare)).toBe(false);
    expect(JSON.stringify(slackPayload(bare).blocks)).not.toContain('Why it moved');
  });
});
