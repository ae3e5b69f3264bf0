// npm run bench -- report [--rows N]
//
// Vigil: `vigil report --format json` on a reference/current CSV pair of N rows × 25 features
// (20 numeric, 5 categorical), the current one shifted on 8 of them. Baseline, same run, same
// files: bench/report_baseline.py, a plain numpy/scipy script doing per-feature KS + PSI +
// chi-square (needs python3 with numpy and scipy, e.g. Debian's python3-scipy).
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, normal } from '../src/demo/random.js';

const NUMERIC = Array.from({ length: 20 }, (_, i) => `n${i}`);
const CATEGORICAL = Array.from({ length: 5 }, (_, i) => `c${i}`);

async function makeFile(path: string, rows: number, seed: number, shifted: boolean): Promise<void> {
  if (existsSync(path)) return;
  const rand = mulberry32(seed);
  const out = createWriteStream(`${path}.tmp`);
  out.write(`${[...NUMERIC, ...CATEGORICAL].join(',')}\n`);
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let f = 0; f < NUMERIC.length; f++) {
      const shift = shifted && f < 6 ? 0.2 : 0;
      cells.push((normal(rand) * (1 + f / 10) + shift).toFixed(4));
    }
    for (let f = 0; f < CATEGORICAL.length; f++) {
      const k = 3 + f * 2;
      const skew = shifted && f < 2 ? 0.6 : 1;
      cells.push(`v${Math.floor(rand() ** skew * k)}`);
    }
    if (!out.write(`${cells.join(',')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  renameSync(`${path}.tmp`, path);
}

/** timed runs a command and returns its wall seconds and peak RSS (GNU time), failing loudly. */
function timed(cmd: string, args: string[]): { seconds: number; peakMb: number | null; stdout: string } {
  const started = performance.now();
  const useTime = existsSync('/usr/bin/time');
  const r = spawnSync(useTime ? '/usr/bin/time' : cmd, useTime ? ['-f', 'peak_kb=%M', cmd, ...args] : args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const kb = /peak_kb=(\d+)/.exec(r.stderr)?.[1];
  return { seconds, peakMb: kb ? Math.round(Number(kb) / 1024) : null, stdout: r.stdout };
}

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf('--rows');
  const rows = i >= 0 ? Number(args[i + 1]) : 1_000_000;
  const dir = fileURLToPath(new URL('./.data/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const ref = join(dir, `report-ref-${rows}.csv`);
  const cur = join(dir, `report-cur-${rows}.csv`);
  await makeFile(ref, rows, 1, false);
  await makeFile(cur, rows, 2, true);
  console.log(`report bench: ${rows} rows × 25 features (20 numeric, 5 categorical), 8 shifted`);
  const bin = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
  const vigil = timed(process.execPath, [
    bin,
    'report',
    '--reference',
    ref,
    '--current',
    cur,
    '--format',
    'json',
  ]);
  const report = JSON.parse(vigil.stdout) as { features: Array<{ drifted: boolean }> };
  const vigilDrifted = report.features.filter((f) => f.drifted).length;
  console.log(
    `vigil     report --format json: ${vigil.seconds.toFixed(2)} s, peak ${vigil.peakMb} MB, ${vigilDrifted} of ${report.features.length} drifted`,
  );
  const script = fileURLToPath(new URL('./report_baseline.py', import.meta.url));
  const probe = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(
      'baseline  skipped: python3 with numpy and scipy is not installed (apt-get install python3-scipy)',
    );
    console.log(
      JSON.stringify({
        bench: 'report',
        rows,
        vigil_s: Number(vigil.seconds.toFixed(3)),
        vigil_peak_mb: vigil.peakMb,
        baseline_s: null,
        ratio: null,
      }),
    );
    return;
  }
  const base = timed('python3', [script, ref, cur, NUMERIC.join(','), CATEGORICAL.join(',')]);
  const baseOut = JSON.parse(base.stdout) as { drifted: number };
  console.log(
    `baseline  numpy/scipy KS + PSI + chi-square: ${base.seconds.toFixed(2)} s, peak ${base.peakMb} MB, ${baseOut.drifted} drifted`,
  );
  const ratio = base.seconds / vigil.seconds;
  console.log(`ratio ${ratio.toFixed(2)} (Vigil faster when > 1)`);
  console.log(
    JSON.stringify({
      bench: 'report',
      rows,
      features: 25,
      vigil_s: Number(vigil.seconds.toFixed(3)),
      vigil_peak_mb: vigil.peakMb,
      baseline_s: Number(base.seconds.toFixed(3)),
      baseline_peak_mb: base.peakMb,
      ratio: Number(ratio.toFixed(3)),
    }),
  );
}
