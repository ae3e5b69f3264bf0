import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureDrift } from '../analysis/drift.js';
import { aggregateDriftParts } from '../analysis/drift-aggregates.js';
import { aggregateFileDrift, type DriftFile } from '../analysis/file-drift-aggregates.js';
import { mulberry32, normal } from '../demo/random.js';
import type { FileColumn } from '../shared/files/index.js';
import { insertFileRecords, type Store, sql, str } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { measureFileDrift } from './file-drift.js';

/** expectSame compares deeply; numbers to 1e-12 relative (ClickHouse sums in any order). */
function expectSame(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected)) expect(actual, path).toBeNaN();
    else
      expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
  } else if (expected instanceof Map) {
    expect(actual, path).toBeInstanceOf(Map);
    expectSame(Object.fromEntries(actual as Map<string, unknown>), Object.fromEntries(expected), path);
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual, path).toBeTypeOf('object');
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(e).sort());
    for (const k of Object.keys(e)) expectSame(a[k], e[k], `${path}.${k}`);
  } else expect(actual, path).toEqual(expected);
}

// file() reads the local disk: the embedded engine only (the server engine has the API test).
describe.skipIf(testEngine !== 'chdb')('drift straight from files equals drift from loaded records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-file-drift-'));
  let store: Store;
  const rand = mulberry32(7);
  const write = (name: string, header: string[], rows: string[][]) => {
    const path = join(dir, name);
    writeFileSync(path, `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    return path;
  };
  // Normal values (many distinct), a 4-valued integer (compared per value), a column with blanks
  // (nulls), a categorical with blanks, a column only the reference has, one numeric in the
  // reference but text in the current file, and the model's score and label.
  const rowsOf = (n: number, shift: number, current: boolean) =>
    Array.from({ length: n }, (_, i) => {
      const x = normal(rand) + shift;
      return [
        `r${i}`,
        x.toFixed(3),
        String(Math.floor(rand() * (current ? 4 : 3))),
        i % 7 === 0 ? '' : (rand() * 10 + shift).toFixed(1),
        i % 11 === 0 ? '' : (['a', 'b', 'c'][Math.floor(rand() * (current ? 2 : 3))] ?? 'a'),
        current ? `t${i % 3}` : String(i % 5),
        (1 / (1 + Math.exp(-x))).toFixed(4),
        x > 0 ? 'yes' : 'no',
        ...(current ? [] : [(rand() * 3).toFixed(2)]),
      ];
    });
  const header = ['id', 'x', 'k', 'y', 'c', 'mixed', 'score', 'pred'];
  let ref: DriftFile;
  let cur: DriftFile;

  beforeAll(async () => {
    store = await openTestStore();
    const describeFile = (path: string) =>
      store.query<FileColumn>(sql`DESCRIBE file(${str(path)}, 'CSVWithNames')`);
    const refPath = write('ref.csv', [...header, 'only_ref'], rowsOf(1500, 0, false));
    const curPath = write('cur.csv', header, rowsOf(1100, 0.3, true));
    const roles = { id: 'id', score: 'score', prediction: 'pred' };
    ref = { path: refPath, format: 'CSVWithNames', columns: await describeFile(refPath), roles };
    cur = { path: curPath, format: 'CSVWithNames', columns: await describeFile(curPath), roles };
    await store.exec(
      sql`CREATE TABLE ${store.table('records')}_mem AS ${store.table('records')} ENGINE = Memory`,
    );
    await store.exec(sql`DROP TABLE ${store.table('records')}`);
    await store.exec(sql`RENAME TABLE ${store.table('records')}_mem TO ${store.table('records')}`);
    for (const [file, environment] of [
      [ref, 'training'],
      [cur, 'production'],
    ] as const)
      await insertFileRecords(store, file, { project: 'p', model: 'm', environment }, file.roles, false);
  });
  afterAll(async () => {
    await dropTestStore(store);
    cleanupTestDataDir();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the aggregates of the records path: counts, nulls, deciles, bins, exact KS and W1', async () => {
    const fromRecords = await aggregateDriftParts(store, {
      kind: 'windows',
      project: 'p',
      model: 'm',
      baseline: { environment: 'training', final: false },
      current: { environment: 'production', final: false },
      outputs: true,
    });
    const fromFiles = await aggregateFileDrift(
      store,
      { reference: ref, current: cur },
      { regression: false, outputs: true },
    );
    expectSame(fromFiles, fromRecords);
    const features = fromFiles[0];
    // The fixture reaches every branch: nulls, a one-sided column, per-value counts, categories.
    expect(features?.explicitNull.get('y')).toEqual({ ref: 215, cur: 158 });
    expect(features?.numeric.find((f) => f.name === 'only_ref')?.cur).toBeNull();
    expect(features?.numeric.find((f) => f.name === 'k')?.valueCounts?.values).toEqual([0, 1, 2, 3]);
    expect(features?.categorical.map((c) => c.name)).toEqual(['c', 'mixed']);
    expect(fromFiles[1]?.numeric.map((f) => f.name)).toEqual(['score']);
    expect(fromFiles[1]?.categorical.map((f) => f.name)).toEqual(['label']);
  });

  it('gives measureDrift’s report: every statistic, distribution, skip and the prediction drift', async () => {
    const fromRecords = await measureDrift(store, {
      project: 'p',
      model: 'm',
      baseline: { environment: 'training', final: false },
      current: { environment: 'production', final: false },
    });
    const fromFiles = await measureFileDrift(
      store,
      { reference: ref, current: cur },
      { regression: false, outputs: true },
    );
    expectSame(fromFiles, fromRecords);
    expect(fromFiles.features.find((f) => f.name === 'x')?.drifted).toBe(true);
    expect(fromFiles.skipped.map((s) => s.name)).toEqual(['mixed', 'only_ref']);
    expect(fromFiles.prediction?.name).toBe('score');
  });

  it('counts −0 as 0, so the value counts ascend strictly as the drift core requires', async () => {
    const columns = [{ name: 'z', type: 'Nullable(Float64)' }] as FileColumn[];
    const file = (name: string, values: string[]): DriftFile => ({
      path: write(
        name,
        ['z'],
        values.map((v) => [v]),
      ),
      format: 'CSVWithNames',
      columns,
      roles: {},
    });
    const [features] = await aggregateFileDrift(
      store,
      { reference: file('zr.csv', ['0.00', '1', '0.00']), current: file('zc.csv', ['-0.00', '2']) },
      { regression: false, outputs: false },
    );
    expect(features?.numeric[0]?.valueCounts).toEqual({ values: [0, 1, 2], ref: [2, 1, 0], cur: [1, 0, 1] });
  });

  it('reads CSV numbers as numbers, and by their spellings once a cell past the sampled rows does not parse', async () => {
    // ClickHouse infers `v` numeric from the first rows; the NA, 1.#IND and blank-padded cells at
    // the end fail the typed read, and the text read (number spellings) gives the aggregates.
    // The same values with an NA first are read as text from the start: same aggregates.
    const values = Array.from({ length: 30_000 }, (_, i) => (normal(rand) + (i % 3)).toFixed(2));
    const odd = ['NA', '1.#IND', ' 2.5 ', '+1.25', 'inf'];
    const file = (name: string, cells: string[]): DriftFile => {
      const path = write(
        name,
        ['v', 'w'],
        cells.map((v, i) => [v, String(i % 4)]),
      );
      return { path, format: 'CSVWithNames', columns: [], roles: {} };
    };
    const described = async (f: DriftFile) => ({
      ...f,
      columns: await store.query<FileColumn>(sql`DESCRIBE file(${str(f.path)}, 'CSVWithNames')`),
    });
    const late = await described(file('late.csv', [...values, ...odd]));
    const early = await described(file('early.csv', [...odd, ...values]));
    expect(late.columns.find((c) => c.name === 'v')?.type).toMatch(/Float64/);
    expect(early.columns.find((c) => c.name === 'v')?.type).toMatch(/String/);
    const current = await described(file('plain.csv', values.slice(0, 5000)));
    const opts = { regression: false, outputs: false, infinite: [] };
    const fromLate = await aggregateFileDrift(store, { reference: late, current }, opts);
    const fromEarly = await aggregateFileDrift(
      store,
      { reference: early, current },
      { ...opts, infinite: [] },
    );
    expectSame(fromLate, fromEarly);
    const v = fromLate[0]?.numeric.find((f) => f.name === 'v');
    // NA and 1.#IND are missing, inf is counted apart: 30 002 finite values.
    expect(v?.ref?.n).toBe(30_002);
    expect(opts.infinite).toEqual([
      { name: 'v', part: 0, reference: { pos: 1, neg: 0 }, current: { pos: 0, neg: 0 } },
    ]);
  });
});
