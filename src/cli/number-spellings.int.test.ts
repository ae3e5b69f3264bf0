import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ksTwoSample } from '../core/index.js';
import { testEngine, uniqueName } from '../store/test-support/test-store.js';
import { runVigil, startVigil, storeArgs } from './test-support/vigil-process.js';

// Files as pandas, numpy, R, Excel and Spark write them (src/store/files/fixtures/make_fixtures.py).
const FIXTURES = fileURLToPath(new URL('../store/files/fixtures/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

interface JsonReport {
  features: Array<{
    name: string;
    type: string;
    method: string;
    stats: Record<string, { statistic: number; p_value: number } | number>;
  }>;
  skipped: Array<{ name: string; reason: string }>;
  infinite: Array<{
    name: string;
    reference: { pos: number; neg: number };
    current: { pos: number; neg: number };
  }>;
}

function report(reference: string, current: string, ...args: string[]): JsonReport {
  const r = runVigil(['report', '--reference', reference, '--current', current, '--format', 'json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JsonReport;
}

/** closeTo asserts |actual − expected| ≤ 1e-9·|expected| (1e-300 absolute for a zero). */
function closeTo(actual: unknown, expected: number) {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    Math.max(1e-9 * Math.abs(expected), 1e-300),
  );
}

describe('number spellings in files', () => {
  it('vigil report on pandas to_csv files (8.2e-05, inf, empty cells) judges every column with scipy’s statistics', () => {
    const expected = JSON.parse(readFileSync(fixture('expected-pandas.json'), 'utf8')) as {
      scipy: string;
      features: Record<
        string,
        {
          ks?: { statistic: number; p_value: number };
          chi2?: { statistic: number; p_value: number };
          wasserstein?: number;
          infinite?: { reference: { pos: number; neg: number }; current: { pos: number; neg: number } };
        }
      >;
    };
    expect(expected.scipy).toMatch(/^\d+\.\d+/);
    const out = report(
      fixture('pandas-reference.csv'),
      fixture('pandas-current.csv'),
      '--id',
      'id',
      '--target',
      'label',
      '--score',
      'score',
    );
    expect(out.skipped).toEqual([]);
    expect(out.features.map((f) => [f.name, f.type]).sort()).toEqual([
      ['big', 'numeric'],
      ['city', 'categorical'],
      ['one', 'numeric'],
      ['tiny', 'numeric'],
      ['x', 'numeric'],
    ]);
    for (const [name, e] of Object.entries(expected.features)) {
      const f = out.features.find((g) => g.name === name);
      if (e.ks) {
        const ks = f?.stats['ks'] as { statistic: number; p_value: number };
        closeTo(ks.statistic, e.ks.statistic);
        closeTo(ks.p_value, e.ks.p_value);
        closeTo(f?.stats['wasserstein'], e.wasserstein ?? Number.NaN);
      }
      if (e.chi2) {
        const chi = f?.stats['chi2'] as { statistic: number; p_value: number };
        closeTo(chi.statistic, e.chi2.statistic);
        closeTo(chi.p_value, e.chi2.p_value);
      }
      const inf = e.infinite;
      if (inf && inf.reference.pos + inf.reference.neg + inf.current.pos + inf.current.neg > 0)
        expect(out.infinite).toContainEqual(expect.objectContaining({ name, ...inf }));
    }
    expect(out.infinite.map((i) => i.name)).toEqual(['x']);
  });

  // x is numeric, grp text, n counts, as each tool spells them; x's finite values per file.
  const X: Record<string, number[]> = {
    'r-write.csv': [8.2e-5, 1e6],
    'excel.csv': [8.2e-5, 1e6, -2.5, 1.5],
    'spark.csv': [8.2e-5, 1e7, 1.5],
    'spark.ndjson': [8.2e-5, 1e7, 1.5],
    'windows.tsv': [8.2e-5, 1e6, 2.5, 1.5],
  };
  it.each(Object.keys(X))('vigil report reads %s: numbers, infinities and missing spellings', (name) => {
    const out = report(fixture('excel.csv'), fixture(name));
    expect(out.skipped).toEqual([]);
    expect(out.features.map((f) => [f.name, f.type]).sort()).toEqual([
      ['grp', 'categorical'],
      ['n', 'numeric'],
      ['x', 'numeric'],
    ]);
    const ks = ksTwoSample(X['excel.csv'] ?? [], X[name] ?? []);
    if (!ks.ok) throw new Error(ks.message);
    const f = out.features.find((g) => g.name === 'x');
    closeTo((f?.stats['ks'] as { statistic: number } | undefined)?.statistic, ks.statistic);
  });

  it('vigil report reads numpy savetxt and fully quoted pandas files as numbers', () => {
    const np = report(fixture('numpy-savetxt.csv'), fixture('numpy-savetxt.csv'));
    expect(np.features.map((f) => [f.name, f.type])).toEqual([
      ['a', 'numeric'],
      ['b', 'numeric'],
    ]);
    expect(np.infinite).toEqual([
      expect.objectContaining({ name: 'b', reference: { pos: 1, neg: 0 }, current: { pos: 1, neg: 0 } }),
    ]);
    const quoted = report(fixture('pandas-quoted.csv'), fixture('pandas-quoted.csv'));
    expect(quoted.features.map((f) => [f.name, f.type])).toEqual([
      ['grp', 'categorical'],
      ['x', 'numeric'],
    ]);
  });

  it('vigil report reads Parquet: NaN is missing, ±inf counted apart, text columns by spelling', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-parquet-'));
    try {
      const parquet = join(dir, 'floats.parquet');
      // Written with chdb in a child process (this test process must not hold an engine).
      const script = `import { Session } from 'chdb'; const s = new Session();
        s.query("INSERT INTO FUNCTION file('${parquet}', Parquet) SELECT multiIf(number = 3, nan, number = 5, inf, number = 7, -inf, number / 10) AS f, multiIf(number = 2, 'NA', number = 4, '', toString(number * 1e-5)) AS t FROM numbers(20)");
        s.close();`;
      const gen = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(gen.stderr).toBe('');
      const out = report(parquet, parquet);
      expect(out.skipped).toEqual([]);
      expect(out.features.map((f) => [f.name, f.type])).toEqual([
        ['f', 'numeric'],
        ['t', 'numeric'],
      ]);
      expect(out.infinite).toEqual([
        expect.objectContaining({ name: 'f', reference: { pos: 1, neg: 1 }, current: { pos: 1, neg: 1 } }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('vigil detect reads a pandas series with exponents, skipping NaN and inf and saying so', () => {
    const r = runVigil(['detect', fixture('pandas-series.csv'), '--timestamp', 'ts', '--value', 'value']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1 + 46);
    expect(Number(lines[1]?.split(',')[1])).toBeCloseTo(1.0041040109270432e-5, 15);
    expect(r.stderr).toContain('2 rows had no time or no finite value and were skipped (1 of them ±inf');
  });

  describe(`vigil ingest on ${testEngine}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-spellings-'));
    const database = uniqueName();
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('imports Spark and R files with numeric features, storing ±inf as missing and saying so', async () => {
      for (const [file, env] of [
        ['spark.csv', 'training'],
        ['r-write.csv', 'production'],
      ] as const) {
        const r = runVigil([
          'ingest',
          fixture(file),
          '--model',
          'spelled',
          '--env',
          env,
          '--format',
          'json',
          ...storeArgs(join(dir, 'data'), database),
        ]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const out = JSON.parse(r.stdout) as { accepted: number; rejected: number; notes: string[] };
        expect(out).toMatchObject({ accepted: 6, rejected: 0 });
        expect(out.notes).toEqual([expect.stringContaining('x held 2 ±inf values, stored as missing')]);
      }
      const server = await startVigil(storeArgs(join(dir, 'data'), database));
      try {
        const res = await fetch(`${server.url}/v1/models/spelled/drift?baseline=training`);
        expect(res.status).toBe(200);
        const drift = (await res.json()) as { features: Array<{ name: string; type: string }> };
        expect(drift.features.map((f) => [f.name, f.type]).sort()).toEqual([
          ['grp', 'categorical'],
          ['n', 'numeric'],
          ['x', 'numeric'],
        ]);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    });
  });
});
