// `vigil evaluate` end to end: the built CLI on CSV files (npm run build first), as a CI gate.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../core/timeseries/synthetic.js';
import { runVigil } from './test-support/vigil-process.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Two prediction files on the same records; the candidate's signal changes by gainOld / gainNew. */
function files(seed: number, n: number, gainOld: number, gainNew: number): [string, string] {
  const u = mulberry32(seed);
  const z = gaussian(u);
  const ref = ['id,label,score,user'];
  const cand = ['id,label,score,user'];
  for (let i = 0; i < n; i++) {
    const y = u() < 0.5 ? 1 : 0;
    const isNew = u() < 0.25;
    const s = 2 * y - 1;
    const user = isNew ? 'new' : 'returning';
    ref.push(`r${i},${y},${sigmoid(s + z()).toFixed(4)},${user}`);
    cand.push(`r${i},${y},${sigmoid((1 + (isNew ? gainNew : gainOld)) * s + z()).toFixed(4)},${user}`);
  }
  return [`${ref.join('\n')}\n`, `${cand.join('\n')}\n`];
}

describe('vigil evaluate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-evaluate-'));
  const path = (name: string) => join(dir, name);
  beforeAll(() => {
    const [ref, worseForNew] = files(7, 2000, 0.8, -0.7);
    writeFileSync(path('ref.csv'), ref);
    writeFileSync(path('cand-segment-regression.csv'), worseForNew);
    const [, same] = files(7, 2000, 0, 0);
    writeFileSync(path('cand-better.csv'), files(7, 2000, 0.6, 0.6)[1]);
    writeFileSync(path('cand-same.csv'), same);
    writeFileSync(path('other-ids.csv'), 'id,label,score,user\nx1,1,0.9,new\nx2,0,0.2,new\n');
    // Regression: the candidate's errors are 60% larger.
    const u = mulberry32(3);
    const z = gaussian(u);
    const reg = (scale: number) => (i: number, y: number) =>
      `${i},${y.toFixed(4)},${(y + scale * z()).toFixed(4)}`;
    const ys = Array.from({ length: 400 }, () => 10 + z());
    const [r1, r2] = [reg(0.5), reg(0.8)];
    writeFileSync(path('reg-ref.csv'), `id,y,yhat\n${ys.map((y, i) => r1(i, y)).join('\n')}\n`);
    writeFileSync(path('reg-cand.csv'), `id,y,yhat\n${ys.map((y, i) => r2(i, y)).join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = (cand: string) => [
    'evaluate',
    '--reference',
    path('ref.csv'),
    '--candidate',
    path(cand),
    '--target',
    'label',
    '--score',
    'score',
  ];

  it('exits 1 on --fail-on regression when the candidate is better overall but worse for a segment; JSON has the full table', () => {
    const r = runVigil([
      ...base('cand-segment-regression.csv'),
      '--id',
      'id',
      '--segment',
      'user',
      '--format',
      'json',
      '--fail-on',
      'regression',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      task: 'binary',
      paired: true,
      primary_metric: 'auc',
      verdict: 'better',
      regression: true,
    });
    const auc = j.metrics.find((m: { metric: string }) => m.metric === 'auc');
    for (const k of ['difference', 'ci', 'p_value', 'test', 'verdict', 'mde', 'needed_n', 'additional_n'])
      expect(auc).toHaveProperty(k);
    expect(auc.test).toBe('delong_paired');
    expect(auc.ci[0]).toBeLessThan(auc.difference);
    const acc = j.metrics.find((m: { metric: string }) => m.metric === 'accuracy');
    expect(acc.test).toMatch(/^mcnemar/);
    const seg = (value: string) => j.segments.find((s: { value: string }) => s.value === value);
    expect(seg('new')).toMatchObject({ column: 'user', verdict: 'worse' });
    expect(seg('new').adjusted_p_value).toBeGreaterThanOrEqual(seg('new').p_value);
    expect(seg('returning').verdict).toBe('better');
  });

  it('exits 0 without --fail-on, and 0 with it when the candidate is better everywhere', () => {
    expect(runVigil([...base('cand-segment-regression.csv'), '--id', 'id', '--segment', 'user']).code).toBe(
      0,
    );
    const r = runVigil([
      ...base('cand-better.csv'),
      '--id',
      'id',
      '--segment',
      'user',
      '--fail-on',
      'regression',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Candidate vs reference on auc: better');
    expect(r.stdout).toContain('user=new');
  });

  it('without --id compares unpaired samples and says so; Markdown to a file', () => {
    const out = path('out.md');
    const r = runVigil([...base('cand-same.csv'), '--format', 'md', '-o', out, '--fail-on', 'regression']);
    expect(r.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('unpaired (independent samples');
    expect(md).toContain('| auc |');
    expect(md).toContain('delong_unpaired');
  });

  it('regression: Diebold–Mariano finds larger errors, exit 1 with --fail-on regression', () => {
    const r = runVigil([
      'evaluate',
      '--reference',
      path('reg-ref.csv'),
      '--candidate',
      path('reg-cand.csv'),
      '--id',
      'id',
      '--target',
      'y',
      '--prediction',
      'yhat',
      '--format',
      'json',
      '--fail-on',
      'regression',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ task: 'regression', primary_metric: 'mae', verdict: 'worse' });
    expect(j.metrics[0]).toMatchObject({
      metric: 'mae',
      test: 'diebold_mariano_absolute',
      higher_is_better: false,
    });
  });

  it('ranking from NDJSON lists: NDCG@10 and MRR by a sign-flip randomization test', () => {
    const lines = (better: boolean) =>
      Array.from({ length: 60 }, (_, q) => {
        const ranked = better || q % 4 === 0 ? ['hit', 'x', 'y'] : ['x', 'y', 'hit'];
        return JSON.stringify({ qid: q, relevant: 'hit', ranked });
      }).join('\n');
    writeFileSync(path('rank-ref.ndjson'), `${lines(false)}\n`);
    writeFileSync(path('rank-cand.ndjson'), `${lines(true)}\n`);
    const r = runVigil([
      'evaluate',
      '--reference',
      path('rank-ref.ndjson'),
      '--candidate',
      path('rank-cand.ndjson'),
      '--id',
      'qid',
      '--target',
      'relevant',
      '--prediction',
      'ranked',
      '--task',
      'ranking',
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.metrics.map((m: { metric: string; test: string }) => [m.metric, m.test])).toEqual([
      ['ndcg@10', 'randomization_sign_flip'],
      ['mrr', 'randomization_sign_flip'],
    ]);
    expect(j.verdict).toBe('better');
  });

  it.each([
    [['--segment', 'country'], /--segment country: .* has no such column/],
    [['--task', 'clustering'], /--task/],
    [['--fail-on', 'drift'], /--fail-on/],
    [['--metric', 'f2'], /unknown metric f2/],
  ])('exits 2 on bad input %j', (extra, message) => {
    const r = runVigil([...base('cand-same.csv'), '--id', 'id', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 when no id appears in both files, naming --id', () => {
    const r = runVigil([...base('other-ids.csv'), '--id', 'id']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--id id: no id appears in both/);
  });

  it('exits 2 naming --target when it is missing', () => {
    const r = runVigil([
      'evaluate',
      '--reference',
      path('ref.csv'),
      '--candidate',
      path('cand-same.csv'),
      '--score',
      'score',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target is required/);
  });
});
