import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chiSquareContingency, ksTwoSample, rocAuc } from '../core/index.js';
import { mulberry32, normal } from '../demo/random.js';
import { runVigil } from './test-support/vigil-process.js';

interface Row {
  id: string;
  x: number;
  y: number;
  c: string;
  label: number;
  score: number;
}

function makeRows(n: number, shift: number, seed: number, cats: string[]): Row[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const x = Math.round((normal(rand) + shift) * 1e4) / 1e4;
    const label = rand() < 0.3 ? 1 : 0;
    return {
      id: `${seed}-${i}`,
      x,
      y: Math.round((5 + 2 * normal(rand)) * 1e3) / 1e3,
      c: cats[Math.floor(rand() * cats.length)] as string,
      label,
      score:
        Math.round(Math.min(1, Math.max(0, 0.3 + (label ? 0.25 : -0.05) + 0.2 * normal(rand))) * 1e4) / 1e4,
    };
  });
}

const csv = (rows: Row[]) =>
  `id,x,y,c,label,score\n${rows.map((r) => `${r.id},${r.x},${r.y},${r.c},${r.label},${r.score}`).join('\n')}\n`;

describe('vigil report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-report-'));
  const ref = makeRows(3000, 0, 1, ['a', 'b', 'c']);
  const cur = makeRows(2000, 0.3, 2, ['a', 'b', 'c', 'd']);
  const refFile = join(dir, 'ref.csv');
  const curFile = join(dir, 'cur.csv');
  beforeAll(() => {
    writeFileSync(refFile, csv(ref));
    writeFileSync(curFile, csv(cur));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('JSON gives per feature the KS and chi-square of the core statistics (scipy-checked) on the same columns', () => {
    const r = runVigil([
      'report',
      '--reference',
      refFile,
      '--current',
      curFile,
      '--id',
      'id',
      '--target',
      'label',
      '--score',
      'score',
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      features: Array<{
        name: string;
        drifted: boolean;
        stats: Record<string, { statistic: number; p_value: number }>;
      }>;
      performance: { task: string; metrics: Record<string, number> };
      dataset_drift: boolean;
    };
    for (const col of ['x', 'y'] as const) {
      const ks = ksTwoSample(
        ref.map((row) => row[col]),
        cur.map((row) => row[col]),
      );
      if (!ks.ok) throw new Error(ks.message);
      const f = out.features.find((g) => g.name === col);
      expect(f?.stats['ks']?.statistic).toBeCloseTo(ks.statistic, 12);
      expect(f?.stats['ks']?.p_value).toBeCloseTo(ks.pValue, 12);
    }
    const cats = ['a', 'b', 'c', 'd'];
    const table = [ref, cur].map((rows) => cats.map((k) => rows.filter((row) => row.c === k).length));
    const chi = chiSquareContingency(table, { correction: false });
    if (!chi.ok) throw new Error(chi.message);
    expect(out.features.find((g) => g.name === 'c')?.stats['chi2']?.statistic).toBeCloseTo(chi.statistic, 9);
    expect(out.features.find((g) => g.name === 'x')?.drifted).toBe(true);
    expect(out.features.find((g) => g.name === 'y')?.drifted).toBe(false);
    expect(out.performance.task).toBe('binary');
    expect(out.performance.metrics['auc']).toBeCloseTo(
      rocAuc(
        cur.map((row) => row.label),
        cur.map((row) => row.score),
      ),
      12,
    );
  });

  it('--fail-on drift exits 1 on drift and 0 without; errors exit 2', () => {
    const drift = runVigil([
      'report',
      '--reference',
      refFile,
      '--current',
      curFile,
      '--format',
      'md',
      '--fail-on',
      'drift',
    ]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/^# Vigil drift report/);
    const same = runVigil([
      'report',
      '--reference',
      refFile,
      '--current',
      refFile,
      '--format',
      'md',
      '--fail-on',
      'drift',
    ]);
    expect(same.code).toBe(0);
    const perf = runVigil([
      'report',
      '--reference',
      refFile,
      '--current',
      refFile,
      '--target',
      'label',
      '--score',
      'score',
      '--format',
      'json',
      '--fail-on',
      'performance',
    ]);
    expect(perf.code).toBe(0);
    const missing = runVigil(['report', '--reference', join(dir, 'nope.csv'), '--current', curFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--reference .*nope\.csv: no such file/);
    const col = runVigil(['report', '--reference', refFile, '--current', curFile, '--target', 'lable']);
    expect(col.code).toBe(2);
    expect(col.stderr).toMatch(/--target lable: neither file has such a column/);
  });

  it('writes a self-contained HTML file with one chart per feature', () => {
    const out = join(dir, 'report.html');
    const r = runVigil([
      'report',
      '--reference',
      refFile,
      '--current',
      curFile,
      '--id',
      'id',
      '--target',
      'label',
      '--score',
      'score',
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(3);
  });
});
