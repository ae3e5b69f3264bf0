import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runVigil } from './test-support/vigil-process.js';

// pandas to_csv files with features on a 1e-5 and a 1e9 scale, and scipy's statistics on them
// (src/cli/fixtures/make_small_scale.py). vigil report reads files with the embedded engine.
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

interface Expected {
  scipy: string;
  columns: Record<
    string,
    { ks_statistic: number; ks_pvalue: number; wasserstein: number; std: number; wasserstein_norm: number }
  >;
}

interface JsonReport {
  features: Array<{
    name: string;
    method: string;
    statistic: number;
    drifted: boolean;
    stats: { ks: { statistic: number; p_value: number }; wasserstein: number; wasserstein_norm: number };
  }>;
}

const args = [
  'report',
  '--reference',
  fixture('small-scale-reference.csv.gz'),
  '--current',
  fixture('small-scale-current.csv.gz'),
];

describe('vigil report on features far from unit scale', () => {
  it('a 1e-5-scale feature shifted by one sd in a pandas CSV is drifted (normed Wasserstein read 0.01 under a 0.001 std floor)', () => {
    const expected = JSON.parse(readFileSync(fixture('small-scale-expected.json'), 'utf8')) as Expected;
    const r = runVigil([...args, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as JsonReport;
    const byName = new Map(out.features.map((f) => [f.name, f]));
    for (const [name, e] of Object.entries(expected.columns)) {
      const f = byName.get(name);
      if (!f) throw new Error(`${name} missing from the report`);
      expect(f.method, name).toBe('wasserstein');
      // W1 and σ near 1e9 (offset) are differences of numbers a float64 step of 1.2e-7 apart.
      const rel = name === 'offset' ? 1e-6 : 1e-9;
      expect(Math.abs(f.stats.wasserstein / e.wasserstein - 1), `${name} W1`).toBeLessThan(rel);
      expect(Math.abs(f.stats.wasserstein_norm / e.wasserstein_norm - 1), `${name} normed`).toBeLessThan(rel);
      expect(f.stats.ks.statistic, `${name} KS D`).toBeCloseTo(e.ks_statistic, 12);
      expect(f.drifted, name).toBe(e.wasserstein_norm >= 0.1);
    }
    expect(byName.get('tiny')?.drifted).toBe(true);
    expect(byName.get('offset')?.drifted).toBe(true);
    expect(byName.get('tiny_same')?.drifted).toBe(false);
    expect(byName.get('huge_same')?.drifted).toBe(false);
  });

  it('the text summary calls the 1e-5-scale feature drifted', () => {
    const r = runVigil([...args, '--format', 'text']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+tiny\s+numeric\s+wasserstein\s+1\.00\d+\s.*DRIFTED$/m);
    expect(r.stdout).toMatch(/^\s+tiny_same\s+numeric\s+wasserstein\s+0\.0\d+\s.*stable$/m);
  });
});
