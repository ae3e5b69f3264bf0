// npm run bench -- report [--rows N]
//
// Vigil: `vigil report --format json` on a reference/current CSV pair of N rows × 25 features
// (20 numeric, 5 categorical), the current one shifted on 8 of them. Baseline, same run, same
// files: the yardstick in ../shared/baselines/drift_files.py `--tool sortonce` — pandas' C-engine
// `read_csv`, then one sort per side per numeric column (exact KS with scipy's p-value,
// Wasserstein, PSI, JS) and chi-square per categorical column: the script a skilled user would
// write. Needs a python3 with numpy, scipy and pandas (Debian's python3-pandas, python3-scipy).
// Wall and CPU seconds are both reported: ClickHouse uses every core, the script one.
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
function timed(
  cmd: string,
  args: string[],
): { seconds: number; cpuSeconds: number | null; peakMb: number | null; stdout: string } {
  const started = performance.now();
  const useTime = existsSync('/usr/bin/time');
  const r = spawnSync(
    useTime ? '/usr/bin/time' : cmd,
    useTime ? ['-f', 'peak_kb=%M cpu_s=%U+%S', cmd, ...args] : args,
    {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const kb = /peak_kb=(\d+)/.exec(r.stderr)?.[1];
  const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return {
    seconds,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : null,
    peakMb: kb ? Math.round(Number(kb) / 1024) : null,
    stdout: r.stdout,
  };
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
  const script = fileURLToPath(new URL('../../shared/baselines/drift_files.py', import.meta.url));
  // The first python3 that has the yardstick's libraries (pyenv's may lack them; Debian's has them).
  const python = ['python3', '/usr/bin/python3'].find(
    (py) => spawnSync(py, ['-c', 'import numpy, scipy, pandas'], { encoding: 'utf8' }).status === 0,
  );
  const vigilFigures = {
    vigil_s: Number(vigil.seconds.toFixed(3)),
    vigil_cpu_s: vigil.cpuSeconds,
    vigil_peak_mb: vigil.peakMb,
  };
  if (!python || !existsSync(script)) {
    console.log(
      `baseline  skipped: ${!python ? 'no python3 with numpy, scipy and pandas (apt-get install python3-pandas python3-scipy)' : `${script} is missing`}`,
    );
    console.log(JSON.stringify({ bench: 'report', rows, ...vigilFigures, baseline_s: null, ratio: null }));
    return;
  }
  const base = timed(python, [script, '--tool', 'sortonce', ref, cur]);
  const baseOut = JSON.parse(base.stdout.trim().split('\n').at(-1) ?? '{}') as {
    drifted: number;
    read_s: number;
    compute_s: number;
  };
  console.log(
    `baseline  pandas read_csv + sort-once numpy (drift_files.py --tool sortonce): ${base.seconds.toFixed(2)} s wall, ${base.cpuSeconds?.toFixed(1)} CPU-s (read ${baseOut.read_s} s, compute ${baseOut.compute_s} s), peak ${base.peakMb} MB, ${baseOut.drifted} drifted`,
  );
  console.log(
    `vigil     ${vigil.seconds.toFixed(2)} s wall, ${vigil.cpuSeconds?.toFixed(1)} CPU-s, peak ${vigil.peakMb} MB`,
  );
  const ratio = base.seconds / vigil.seconds;
  const cpuRatio =
    base.cpuSeconds && vigil.cpuSeconds ? Number((base.cpuSeconds / vigil.cpuSeconds).toFixed(3)) : null;
  console.log(`ratio ${ratio.toFixed(2)} wall, ${cpuRatio} CPU (Vigil faster when > 1)`);
  console.log(
    JSON.stringify({
      bench: 'report',
      rows,
      features: 25,
      ...vigilFigures,
      baseline: 'drift_files.py --tool sortonce',
      baseline_s: Number(base.seconds.toFixed(3)),
      baseline_cpu_s: base.cpuSeconds,
      baseline_peak_mb: base.peakMb,
      baseline_drifted: baseOut.drifted,
      vigil_drifted: vigilDrifted,
      ratio: Number(ratio.toFixed(3)),
      cpu_ratio: cpuRatio,
    }),
  );
}
