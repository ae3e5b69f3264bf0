import { describe, expect, it } from 'vitest';
import { type Entry, serializeRow, toLines } from './serialize.js';

const AT = Date.UTC(2026, 10, 29, 8);

function ids() {
  let n = 0;
  return () => `id${n++}`;
}

describe('serializeRow', () => {
  type Case = { name: string; entry: Entry; expected: unknown };
  const cases: Case[] = [
    {
      name: 'a record without id or timestamp gets both',
      entry: { endpoint: 'records', row: { model: 'm' }, at: AT },
      expected: { model: 'm', id: 'id0', timestamp: AT },
    },
    {
      name: 'a null id counts as missing',
      entry: { endpoint: 'records', row: { model: 'm', id: null, timestamp: 5 }, at: AT },
      expected: { model: 'm', id: 'id0', timestamp: 5 },
    },
    {
      name: 'what the caller gave is kept',
      entry: { endpoint: 'records', row: { model: 'm', id: 'x', timestamp: '2026-11-29T08:00:00Z' }, at: AT },
      expected: { model: 'm', id: 'x', timestamp: '2026-11-29T08:00:00Z' },
    },
    {
      name: 'an actual gets a timestamp but never an id (it must name its prediction)',
      entry: { endpoint: 'actuals', row: { model: 'm', actual: { label: 'a' } }, at: AT },
      expected: { model: 'm', actual: { label: 'a' }, timestamp: AT },
    },
    {
      name: 'a Date timestamp is sent as RFC 3339',
      entry: { endpoint: 'actuals', row: { model: 'm', id: 'p', timestamp: new Date(AT) }, at: 0 },
      expected: { model: 'm', id: 'p', timestamp: '2026-11-29T08:00:00.000Z' },
    },
    {
      name: 'a non-object goes as is, for the server to refuse with its reason',
      entry: { endpoint: 'records', row: [1, 2], at: AT },
      expected: [1, 2],
    },
  ];
  it.each(cases)('$name', ({ entry, expected }) => {
    expect(JSON.parse(serializeRow(entry, ids()) ?? 'null')).toEqual(expected);
  });

  it('does not touch the object the caller logged', () => {
    const row = { model: 'm' };
    serializeRow({ endpoint: 'records', row, at: AT }, ids());
    expect(row).toEqual({ model: 'm' });
  });

  it('never puts a raw newline in a line', () => {
    const line = serializeRow(
      { endpoint: 'records', row: { model: 'm', note: 'a\nb\r\u2028' }, at: AT },
      ids(),
    );
    expect(line).not.toMatch(/[\n\r]/);
  });
});

describe('toLines', () => {
  it('keeps rows beside their lines and sets aside what JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = { model: 'm' };
    cyclic['self'] = cyclic;
    const ok = { model: 'm', id: 'a', timestamp: 1 };
    const entries: Entry[] = [
      { endpoint: 'records', row: cyclic, at: AT },
      { endpoint: 'records', row: ok, at: AT },
      { endpoint: 'records', row: undefined, at: AT },
      { endpoint: 'records', row: { model: 'm', id: 'b', timestamp: 1, big: 1n }, at: AT },
    ];
    const { lines, rows, bad } = toLines(entries, ids());
    expect(lines).toEqual(['{"model":"m","id":"a","timestamp":1}']);
    expect(rows).toEqual([ok]);
    expect(bad.map((b) => [b.row === cyclic, b.message.slice(0, 24)])).toEqual([
      [true, 'is not JSON-serializable'],
      [false, 'is not JSON-serializable'],
      [false, 'is not JSON-serializable'],
    ]);
    expect(bad[0]?.message).toMatch(/circular/i);
  });
});
