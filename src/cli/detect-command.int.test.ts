import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVigil } from './test-support/vigil-process.js';

const NAB = new URL('../../../shared/data/nab/data/realKnownCause/nyc_taxi.csv', import.meta.url).pathname;

describe('vigil detect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-detect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints expected value, bounds, score and flag for every point of a NAB file', () => {
    const r = runVigil(['detect', NAB, '--timestamp', 'timestamp', '--value', 'value']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,expected,lower,upper,score,anomaly,changepoint');
    expect(lines.length - 1).toBe(10320);
    const cols = lines[5000]?.split(',') ?? [];
    expect(cols).toHaveLength(8);
    const [, value, expected, lower, upper, score] = cols.map(Number);
    expect(lower).toBeLessThanOrEqual(expected ?? Number.NaN);
    expect(upper).toBeGreaterThanOrEqual(expected ?? Number.NaN);
    expect(Number.isFinite(value)).toBe(true);
    expect(score).toBeGreaterThanOrEqual(0);
    expect(lines.slice(1).some((l) => l.split(',')[6] === 'true')).toBe(true);
  });

  it('flags only points outside the band it prints, and prints no negative bound for a count series (nyc_taxi)', () => {
    const r = runVigil(['detect', NAB, '--timestamp', 'timestamp', '--value', 'value']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows).toHaveLength(10320);
    const points = rows.map(([timestamp, value, expected, lower, upper, , anomaly]) => ({
      timestamp,
      value: Number(value),
      expected: Number(expected),
      lower: Number(lower),
      upper: Number(upper),
      anomaly: anomaly === 'true',
    }));
    expect(points.filter((p) => p.anomaly).length).toBeGreaterThan(0);
    expect(points.filter((p) => p.anomaly && p.lower <= p.value && p.value <= p.upper)).toEqual([]);
    // Taxi passengers are never negative, and neither are their bands.
    expect(points.every((p) => p.value >= 0)).toBe(true);
    expect(points.filter((p) => p.lower < 0 || p.upper < 0 || p.expected < 0)).toEqual([]);
  });

  it('sorts unsorted rows and merges duplicate timestamps, and says so', () => {
    const f = join(dir, 'messy.csv');
    writeFileSync(
      f,
      't,v\n2026-01-01 02:00:00,3\n2026-01-01 00:00:00,1\n2026-01-01 01:00:00,2\n2026-01-01 01:00:00,4\n',
    );
    const r = runVigil(['detect', f, '--timestamp', 't', '--value', 'v', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      points: Array<{ timestamp: string; value: number }>;
      repairs: { merged: number };
    };
    expect(out.points.map((p) => [p.timestamp, p.value])).toEqual([
      ['2026-01-01T00:00:00.000Z', 1],
      ['2026-01-01T01:00:00.000Z', 3],
      ['2026-01-01T02:00:00.000Z', 3],
    ]);
    expect(out.repairs.merged).toBe(1);
    expect(r.stderr).toMatch(/1 rows shared a timestamp/);
  });

  it('lists anomaly events: in the JSON output, and on stderr beside CSV (issue 18)', () => {
    const f = join(dir, 'spike.csv');
    const t0 = Date.UTC(2026, 0, 1);
    const rows = Array.from({ length: 400 }, (_, i) => {
      const v = 100 + Math.sin(i * 7.3) + (i === 300 ? 50 : 0);
      return `${new Date(t0 + i * 300_000).toISOString()},${v}`;
    });
    writeFileSync(f, `t,v\n${rows.join('\n')}\n`);
    const json = runVigil(['detect', f, '--timestamp', 't', '--value', 'v', '--format', 'json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { events: Array<{ start: string; end: string; kind: string }> };
    expect(out.events).toEqual([
      expect.objectContaining({ start: new Date(t0 + 300 * 300_000).toISOString(), kind: 'spike' }),
    ]);
    const csv = runVigil(['detect', f, '--timestamp', 't', '--value', 'v']);
    expect(csv.code).toBe(0);
    expect(csv.stderr).toMatch(/1 anomaly events/);
    expect(csv.stderr).toMatch(/spike up from 2026-01-02T01:00:00\.000Z/);
  });

  it('exits 2 naming the problem: no such column, or a value that is not a number', () => {
    const missing = runVigil(['detect', NAB, '--timestamp', 'time', '--value', 'value']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /--timestamp time: .* has no such column; its columns are timestamp, value/,
    );
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 't,v\n2026-01-01 00:00:00,1\n2026-01-01 01:00:00,oops\n');
    const bad = runVigil(['detect', f, '--timestamp', 't', '--value', 'v']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--value v: not every value is a number \(data row 2: "oops"\)/);
  });
});
