import { describe, expect, it } from 'vitest';
import { forecastActualId, toActualRow, toRecordRow } from './record-row.js';

const T = Date.UTC(2026, 10, 2);
const ctx = { project: 'p', receivedMs: T + 1000, makeId: (i: number) => `gen-${i}` };
const record = (prediction: unknown, extra: Record<string, unknown> = {}) =>
  toRecordRow({ model: 'demand', timestamp: T, prediction, ...extra }, 0, ctx);

describe('forecast records', () => {
  it('store horizon, target time, series and interval', () => {
    const r = record(
      { value: 12, horizon: 'PT24H', lower: 10, upper: 14, level: 0.9 },
      { tags: { series: 'store-7' } },
    );
    expect(r.ok && r.value).toMatchObject({
      pred_value: 12,
      fc_horizon_ms: 86_400_000,
      fc_target: T + 86_400_000,
      fc_series: 'store-7',
      fc_lower: 10,
      fc_upper: 14,
      fc_level: 0.9,
    });
  });
  it('take a horizon in steps with its target time; the horizon in ms is the lead', () => {
    const r = record({ value: 1, horizon: 3, target_time: T + 3 * 3_600_000 });
    expect(r.ok && r.value).toMatchObject({
      fc_horizon_steps: 3,
      fc_horizon_ms: 3 * 3_600_000,
      fc_series: '',
    });
  });

  type Case = { name: string; prediction: unknown; field: string; message: RegExp };
  const cases: Case[] = [
    { name: 'no value', prediction: { horizon: 'PT1H' }, field: 'prediction.value', message: /required/ },
    {
      name: 'no horizon',
      prediction: { value: 1, target_time: T + 5 },
      field: 'prediction.horizon',
      message: /ISO 8601.*steps/,
    },
    {
      name: 'a month horizon',
      prediction: { value: 1, horizon: 'P1M' },
      field: 'prediction.horizon',
      message: /PT24H/,
    },
    {
      name: 'a fractional step',
      prediction: { value: 1, horizon: 2.5, target_time: T + 5 },
      field: 'prediction.horizon',
      message: /whole number/,
    },
    {
      name: 'steps without target',
      prediction: { value: 1, horizon: 2 },
      field: 'prediction.target_time',
      message: /required when the horizon is a number of steps/,
    },
    {
      name: 'target before timestamp',
      prediction: { value: 1, horizon: 'PT1H', target_time: T - 1 },
      field: 'prediction.target_time',
      message: /after the record timestamp/,
    },
    {
      name: 'lower without level',
      prediction: { value: 1, horizon: 'PT1H', lower: 0, upper: 2 },
      field: 'prediction.level',
      message: /together/,
    },
    {
      name: 'level as percent',
      prediction: { value: 1, horizon: 'PT1H', lower: 0, upper: 2, level: 90 },
      field: 'prediction.level',
      message: /\(0, 1\)/,
    },
    {
      name: 'upper below lower',
      prediction: { value: 1, horizon: 'PT1H', lower: 3, upper: 2, level: 0.9 },
      field: 'prediction.upper',
      message: /below lower/,
    },
    {
      name: 'a label',
      prediction: { value: 1, label: 'x', horizon: 'PT1H' },
      field: 'prediction.label',
      message: /not a label/,
    },
    {
      name: 'unknown field',
      prediction: { value: 1, horizon: 'PT1H', quantile: 0.5 },
      field: 'prediction.quantile',
      message: /horizon, target_time/,
    },
  ];
  it.each(cases)('refuse $name, naming the field', ({ prediction, field, message }) => {
    const r = record(prediction);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.field).toBe(field);
      expect(r.error.message).toMatch(message);
    }
  });
});

describe('forecast actuals', () => {
  it('join by series and target time', () => {
    const r = toActualRow({ model: 'demand', series: 's1', target_time: T, actual: { value: 4 } }, 0, ctx);
    expect(r.ok && r.value).toMatchObject({
      id: forecastActualId('s1', T),
      fc_series: 's1',
      fc_target: T,
      act_value: 4,
    });
  });
  it('default to the empty series', () => {
    const r = toActualRow({ model: 'demand', target_time: T, actual: { value: 4 } }, 0, ctx);
    expect(r.ok && r.value).toMatchObject({ fc_series: '' });
  });
  it.each([
    [{ model: 'd', series: 's', actual: { value: 1 } }, 'target_time'],
    [{ model: 'd', id: 'x', target_time: T, actual: { value: 1 } }, 'id'],
    [{ model: 'd', target_time: T, actual: { label: 'a' } }, 'actual.value'],
  ])('refuse %j naming %s', (input, field) => {
    const r = toActualRow(input, 0, ctx);
    expect(!r.ok && r.error.field).toBe(field);
  });
});
