import { describe, expect, it } from 'vitest';
import { VigilError } from '../shared/errors.js';
import type { Store, TableName } from './store.js';
import { payloadOf, WriteQueue } from './write-queue.js';

/** A store whose insert refuses any body holding `bad`, or everything while `down`. */
function fakeStore() {
  const committed: string[] = [];
  const state = { down: false };
  const store = {
    async insert(_table: TableName, body: Buffer) {
      await new Promise((r) => setTimeout(r, 5));
      const text = body.toString();
      if (state.down) throw new VigilError('store_unavailable', 'down', { status: 503 });
      if (text.includes('bad')) throw new VigilError('store_error', 'Cannot parse input', { status: 500 });
      committed.push(...text.trim().split('\n'));
    },
  } as unknown as Store;
  return { store, committed, state };
}

describe('WriteQueue', () => {
  it('fails only the request whose row ClickHouse refuses, not the others sharing its commit', async () => {
    const { store, committed } = fakeStore();
    const q = new WriteQueue({ store, maxConcurrentInserts: 1 });
    const first = q.write('records', ['{"a":0}']); // runs alone; the next three share one insert
    const results = await Promise.allSettled([
      first,
      q.write('records', ['{"a":1}']),
      q.write('records', ['{"a":"bad"}']),
      q.write('records', ['{"a":3}']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(committed.sort()).toEqual(['{"a":0}', '{"a":1}', '{"a":3}']);
    expect(q.depth).toBe(0);
  });

  it('refuses every request of a batch when the store is unreachable, and acknowledges none', async () => {
    const { store, committed, state } = fakeStore();
    state.down = true;
    const q = new WriteQueue({ store });
    const results = await Promise.allSettled([
      q.write('records', ['{"a":1}']),
      q.write('records', ['{"a":2}']),
    ]);
    expect(results.every((r) => r.status === 'rejected' && (r.reason as VigilError).status === 503)).toBe(
      true,
    );
    expect(committed).toEqual([]);
    state.down = false;
    await q.write('records', ['{"a":3}']);
    expect(committed).toEqual(['{"a":3}']);
  });

  it('turns lone surrogate escapes into U+FFFD and leaves escaped backslashes and pairs alone', () => {
    const lines = [
      JSON.stringify({ s: 'a\ud800b', t: '\udfff\ud800' }),
      JSON.stringify({ s: '\\ud800', pair: '😀' }),
    ];
    const out = payloadOf(lines).toString();
    expect(out).toBe(
      `${JSON.stringify({ s: 'a\ufffdb', t: '\ufffd\ufffd' }).replaceAll('\ufffd', '\\ufffd')}\n${lines[1]}\n`,
    );
    expect(JSON.parse(out.split('\n')[1] as string)).toEqual({ s: '\\ud800', pair: '😀' });
  });
});
