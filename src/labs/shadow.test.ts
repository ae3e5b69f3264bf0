import { describe, expect, it } from 'vitest';
import { noopLogger } from '../shared/logger.js';
import type { Experiment } from './experiment.js';
import type { Gateway, PredictAnswer } from './gateway.js';
import { predictionColumns, ShadowMirror, type ShadowRecord, shareOf } from './shadow.js';

const exp = (over: Partial<Experiment> = {}): Experiment =>
  ({
    id: 'e1',
    project: 'p',
    state: 'live',
    limits: { concurrency: 1 },
    shadow: { model: 'm', version: 'shadow', environment: 'lab', percent: 100, queue: 3 },
    ...over,
  }) as Experiment;

const rec = (id: string, over: Partial<ShadowRecord> = {}): ShadowRecord => ({
  project: 'p',
  model: 'm',
  environment: 'production',
  version: 'v1',
  id,
  ts: 1,
  num_keys: ['x'],
  num_values: [Number(id.slice(1))],
  ...over,
});

/** A gateway whose calls wait until released; it sees every input. */
function heldGateway() {
  const inputs: unknown[] = [];
  const waiting: Array<(a: PredictAnswer) => void> = [];
  const gateway = {
    predict: (_e: Experiment, req: { input: unknown }) => {
      inputs.push(req.input);
      return new Promise<PredictAnswer>((resolve) => waiting.push(resolve));
    },
  } as unknown as Gateway;
  const releaseAll = () => {
    for (const r of waiting.splice(0)) r({ outcome: 'ok', output: { score: 0.7 }, latency_ms: 1 });
  };
  return { gateway, inputs, waiting, releaseAll };
}

function mirror(gateway: Gateway, written: string[], list: Experiment[]) {
  const m = new ShadowMirror({
    gateway,
    queue: { write: async (_t: string, lines: string[]) => void written.push(...lines) } as never,
    clock: { nowMs: () => 5 },
    logger: noopLogger,
    list: async () => list,
    start: () => {},
  });
  for (const e of list) m.note(e);
  return m;
}

describe('ShadowMirror', () => {
  it('queues at most `queue` records of a batch, drops and counts the rest, and never waits', async () => {
    const g = heldGateway();
    const written: string[] = [];
    const e = exp();
    const m = mirror(g.gateway, written, [e]);
    m.offer(Array.from({ length: 10 }, (_, i) => rec(`r${i}`)));
    // Three queued, seven dropped; then one of the three starts (concurrency 1).
    expect(m.stats(e)).toEqual({ mirrored: 10, dropped: 7, logged: 0, failed: 0, queued: 2 });
    for (let i = 0; i < 20 && m.stats(e).logged < 3; i++) {
      await new Promise((r) => setImmediate(r));
      g.releaseAll();
      await new Promise((r) => setImmediate(r));
    }
    await m.idle();
    expect(m.stats(e)).toEqual({ mirrored: 10, dropped: 7, logged: 3, failed: 0, queued: 0 });
    expect(g.inputs).toEqual([{ x: 0 }, { x: 1 }, { x: 2 }]);
    const row = JSON.parse(written[0]!);
    expect(row).toMatchObject({
      model: 'm',
      version: 'shadow',
      environment: 'lab',
      id: 'r0',
      pred_score: 0.7,
    });
  });

  it('mirrors only the shadowed model in production, not its own version, and only the share', () => {
    const g = heldGateway();
    const e = exp({
      limits: { concurrency: 100 } as Experiment['limits'],
      shadow: { model: 'm', version: 'shadow', environment: 'lab', percent: 30, queue: 1000 },
    });
    const m = mirror(g.gateway, [], [e]);
    const ids = Array.from({ length: 1000 }, (_, i) => `id-${i}`);
    m.offer([
      ...ids.map((id) => rec(id)),
      rec('other', { model: 'n' }),
      rec('lab', { environment: 'lab' }),
      rec('self', { version: 'shadow' }),
    ]);
    const expected = ids.filter((id) => shareOf(id) < 30).length;
    expect(expected).toBeGreaterThan(250);
    expect(expected).toBeLessThan(350);
    expect(m.stats(e).mirrored).toBe(expected);
    m.close();
  });

  it('stops mirroring when the experiment is paused', () => {
    const g = heldGateway();
    const e = exp();
    const m = mirror(g.gateway, [], [e]);
    m.note({ ...e, state: 'paused' });
    m.offer([rec('r1')]);
    expect(m.stats(e).mirrored).toBe(0);
  });

  it('reads a prediction from an output: an object, {prediction}, or a number as a score', () => {
    expect(predictionColumns({ score: 0.2, label: 'fraud' })).toEqual({
      pred_score: 0.2,
      pred_label: 'fraud',
    });
    expect(predictionColumns({ prediction: { value: 3 } })).toEqual({ pred_value: 3 });
    expect(predictionColumns(0.4)).toEqual({ pred_score: 0.4 });
    expect(predictionColumns({ classes: { a: 0.1, b: 0.9 } })).toEqual({
      pred_class_keys: ['a', 'b'],
      pred_class_scores: [0.1, 0.9],
    });
    expect(predictionColumns({ y: 1 })).toBeNull();
    expect(predictionColumns('x')).toBeNull();
  });
});
