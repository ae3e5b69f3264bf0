import { describe, expect, it } from 'vitest';
import { DRIFT_PENDING, modelStatus } from './models.js';

describe('modelStatus', () => {
  it('is alert when an alert is open and names what is open', () => {
    expect(
      modelStatus(
        [
          { state: 'alert', kind: 'estimated_performance', metric: 'accuracy' },
          { state: 'alert', kind: 'drift', metric: '*' },
          { state: 'warning', kind: 'latency', metric: 'p99' },
        ],
        { datasetDrift: true, driftedShare: 0.6 },
      ),
    ).toEqual({
      status: 'alert',
      status_reason:
        '2 open alerts: accuracy (estimated), drift; 1 open warning: latency p99; dataset drift in the default view (60% of features drifted)',
    });
  });
  it('is warning for an open warning, or for dataset drift alone', () => {
    expect(
      modelStatus([{ state: 'warning', kind: 'performance', metric: 'f1' }], { datasetDrift: false }).status,
    ).toBe('warning');
    expect(modelStatus([], { datasetDrift: true })).toEqual({
      status: 'warning',
      status_reason: 'dataset drift in the default view',
    });
  });
  it('is ok otherwise (drift not judged says nothing)', () => {
    expect(modelStatus([], { datasetDrift: false }).status).toBe('ok');
    expect(modelStatus([], { datasetDrift: null }).status).toBe('ok');
  });
  it('says when drift is not judged yet (its view not computed), without changing the status', () => {
    expect(modelStatus([], { datasetDrift: null, pending: true })).toEqual({
      status: 'ok',
      status_reason: `no open alerts or warnings; ${DRIFT_PENDING}`,
    });
    expect(
      modelStatus([{ state: 'alert', kind: 'volume', metric: 'count' }], {
        datasetDrift: null,
        pending: true,
      }),
    ).toEqual({ status: 'alert', status_reason: `1 open alert: volume; ${DRIFT_PENDING}` });
  });
});
