import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chiSquareContingency, ksTwoSample, rocAuc } from '../core/index.js';
import { mulberry32, normal } from '../demo/random.js';
import { runVigil, VIGIL_BIN } from './test-support/vigil-process.js';

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
    expect(col.stderr).toMatch(/--target lable: the current file .*cur\.csv has no such column/);
  });

  it('--fail-on feature-drift exits 1 on one drifted feature of five, which --fail-on drift (dataset drift) passes, and says why', () => {
    const rand = mulberry32(11);
    const five = (shift: number) =>
      `a,b,c,d,e\n${Array.from({ length: 1000 }, () =>
        [shift, 0, 0, 0, 0].map((s) => (normal(rand) + s).toFixed(4)).join(','),
      ).join('\n')}\n`;
    const fiveRef = join(dir, 'five-ref.csv');
    const fiveCur = join(dir, 'five-cur.csv');
    writeFileSync(fiveRef, five(0));
    writeFileSync(fiveCur, five(1));
    const args = ['report', '--reference', fiveRef, '--current', fiveCur];
    const dataset = runVigil([...args, '--format', 'text', '--fail-on', 'drift']);
    expect(dataset.code).toBe(0);
    expect(dataset.stdout).toContain(
      '--fail-on drift (dataset drift): passed: 1 of 5 features drifted (a); dataset drift needs 3.',
    );
    const any = runVigil([...args, '--format', 'text', '--fail-on', 'feature-drift']);
    expect(any.code).toBe(1);
    expect(any.stdout).toContain(
      '--fail-on feature-drift (any drifted feature): FAILED: 1 of 5 features drifted (a); dataset drift needs 3.',
    );
    // JSON keeps stdout for the report; the gate's verdict goes to stderr.
    const json = runVigil([...args, '--format', 'json', '--fail-on', 'feature-drift']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { dataset_drift: boolean }).dataset_drift).toBe(false);
    expect(json.stderr).toContain('--fail-on feature-drift (any drifted feature): FAILED: 1 of 5');
    const file = runVigil([...args, '-o', join(dir, 'five.md'), '--fail-on', 'feature-drift']);
    expect(file.code).toBe(1);
    expect(file.stdout).toContain('--fail-on feature-drift (any drifted feature): FAILED');
    const same = runVigil([
      'report',
      '--reference',
      fiveRef,
      '--current',
      fiveRef,
      '--format',
      'md',
      '--fail-on',
      'feature-drift',
    ]);
    expect(same.code).toBe(0);
    expect(same.stderr).toContain(
      '--fail-on feature-drift (any drifted feature): passed: 0 of 5 features drifted',
    );
    const unknown = runVigil([...args, '--fail-on', 'features']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Allowed choices are drift, feature-drift, performance');
    // A feature in one file only fails this gate too, unless --allow-missing.
    const four = join(dir, 'four.csv');
    const fourRows = readFileSync(fiveRef, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split(',').slice(0, 4).join(','));
    writeFileSync(four, `${fourRows.join('\n')}\n`);
    const missing = runVigil([
      'report',
      '--reference',
      fiveRef,
      '--current',
      four,
      '--format',
      'md',
      '--fail-on',
      'feature-drift',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--fail-on feature-drift: e (only in the reference file');
    expect(
      runVigil([
        'report',
        '--reference',
        fiveRef,
        '--current',
        four,
        '--format',
        'md',
        '--fail-on',
        'feature-drift',
        '--allow-missing',
      ]).code,
    ).toBe(0);
  });

  it('a feature in one file only is named in every format and fails --fail-on drift unless --allow-missing', () => {
    // The reference again, without y: nothing drifts, but y can no longer be judged.
    const noY = join(dir, 'no-y.csv');
    writeFileSync(
      noY,
      `id,x,c,label,score\n${ref.map((r) => `${r.id},${r.x},${r.c},${r.label},${r.score}`).join('\n')}\n`,
    );
    const args = ['report', '--reference', refFile, '--current', noY];
    const gate = runVigil([...args, '--format', 'md', '--fail-on', 'drift']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('- y: only in the reference file (no such column in the current file)');
    expect(gate.stderr).toContain('--fail-on drift: y (only in the reference file');
    expect(runVigil([...args, '--format', 'md', '--fail-on', 'drift', '--allow-missing']).code).toBe(0);
    expect(runVigil([...args, '--format', 'html']).stdout).toContain(
      '<li>y: only in the reference file (no such column in the current file)</li>',
    );
    expect(runVigil([...args, '--format', 'text']).stdout).toContain(
      '  y: only in the reference file (no such column in the current file)',
    );
    const json = JSON.parse(runVigil([...args, '--format', 'json']).stdout) as { skipped: unknown[] };
    expect(json.skipped).toEqual([
      { name: 'y', reason: 'only in the reference file (no such column in the current file)' },
    ]);
  });

  it('a flag naming a column the current file lacks, or a performance gate it cannot judge, exits 2', () => {
    const noLabel = join(dir, 'no-label.csv');
    writeFileSync(noLabel, `id,x,y,c\n${cur.map((r) => `${r.id},${r.x},${r.y},${r.c}`).join('\n')}\n`);
    const r = runVigil(['report', '--reference', refFile, '--current', noLabel, '--target', 'label']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `vigil: --target label: the current file ${noLabel} has no such column; its columns are id, x, y, c`,
    );
    const perf = ['report', '--reference', refFile, '--current', curFile, '--fail-on', 'performance'];
    const noTarget = runVigil(perf);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('--fail-on performance: needs --target COL');
    const noScore = runVigil([...perf, '--target', 'label']);
    expect(noScore.code).toBe(2);
    expect(noScore.stderr).toContain('could not be computed on the current file');
  });

  it('--format text and a terminal give a readable summary; -o picks the format from its extension and says so', () => {
    const args = [
      'report',
      '--reference',
      refFile,
      '--current',
      curFile,
      '--target',
      'label',
      '--score',
      'score',
    ];
    const text = runVigil([...args, '--format', 'text']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Vigil drift report\n/);
    expect(text.stdout).toMatch(/\n {2}x +numeric +ks +0\.\d{4} +\S+ +0\.01 +DRIFTED\n/);
    expect(text.stdout).toMatch(/Prediction \(score\): \w+ [\d.]+/);
    expect(text.stdout).toMatch(/Performance \(binary, positive = 1\): auc 0\.\d{3}/);
    expect(text.stdout).not.toMatch(/<html|<svg/);
    // A pseudo-terminal (util-linux script): no --format and no -o give the text summary.
    const cmd = [process.execPath, VIGIL_BIN, ...args].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 300_000 });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain('Vigil drift report');
    expect(tty.stdout).not.toContain('<!doctype html>');

    const md = join(dir, 'out.md');
    const written = runVigil([...args, '-o', md]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(
      new RegExp(`^Wrote the Markdown report to ${md}: \\d+ of 4 features drifted`),
    );
    const body = readFileSync(md, 'utf8');
    expect(body).toMatch(/^# Vigil drift report/);
    // Counts print as integers.
    expect(body).toMatch(/\| tp \| \d+ \| /);
    expect(body).not.toMatch(/\| (tp|fp|tn|fn) \| \d+\.\d/);
    const bad = runVigil([...args, '-o', join(dir, 'out.xyz')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot tell the format from ".xyz"');
  });

  it('the HTML report shows prediction drift, and its charts label their axes and categories', () => {
    const r = runVigil([
      'report',
      '--reference',
      refFile,
      '--current',
      curFile,
      '--target',
      'label',
      '--score',
      'score',
      '--format',
      'html',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<h2>Prediction drift</h2>');
    expect(r.stdout).toMatch(/<td><b>score<\/b>/);
    expect(r.stdout.match(/>share of rows<\/text>/g)).toHaveLength(4);
    expect(r.stdout).toContain('>c (categories)</text>');
    expect(r.stdout).toMatch(/<text class="cat"[^>]*>d<\/text>/);
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
