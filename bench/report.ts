// npm run bench -- report [--rows N] [--runs K] [--python PATH] [--no-parquet]
//
// Vigil: `vigil report --format json` on a reference/current CSV pair of N rows × 25 features
// (20 numeric, 5 categorical), the current one shifted on 8 of them, run as a child process under
// /usr/bin/time (wall, user + sys CPU of every thread, peak RSS). Baseline, same run, same files,
// same way: the yardstick in ../shared/baselines/drift_files.py `--tool sortonce` — pandas'
// C-engine `read_csv`, then one sort per side per numeric column (exact KS with scipy's p-value,
// Wasserstein, PSI, JS) and chi-square per categorical column: the script a skilled user would
// write. It runs on Debian's python3 (/usr/bin/python3 with python3-pandas, python3-scipy, as
// ../shared/baselines/README.md documents), or --python PATH. Both must find the same drifted
// features (the yardstick's `vigil` rule is Vigil's default verdicts). `ratio` is the
// yardstick's wall over Vigil's, `cpu_ratio` the same in CPU seconds: ClickHouse uses every
// core, the script one. The same data as Parquet (written by ClickHouse) is timed too
// (`parquet_*`); the yardstick reads CSV only. With --runs K each tool runs K times, and the
// figures are the median run's.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, normal } from '../src/demo/random.js';

const NUMERIC = Array.from({ length: 20 }, (_, i) => `n${i}`);
const CATEGORICAL = Array.from({ length: 5 }, (_, i) => `c${i}`);

export async function makeFile(path: string, rows: number, seed: number, shifted: boolean): Promise<void> {
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

interface Timed {
  seconds: number;
  cpuSeconds: number | null;
  peakMb: number | null;
  stdout: string;
}

/** timed runs a command under GNU time and returns its wall and CPU seconds and peak RSS, failing loudly. */
function timed(cmd: string, args: string[]): Timed {
  const started = performance.now();
  const useTime = existsSync('/usr/bin/time');
  const r = spawnSync(
    useTime ? '/usr/bin/time' : cmd,
    useTime ? ['-f', 'peak_kb=%M cpu_s=%U+%S', cmd, ...args] : args,
    { encoding: 'utf8', maxBuffer: 1 << 30 },
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

/** toParquet writes a CSV's rows as Parquet with ClickHouse (same columns, same values). */
async function toParquet(csv: string, parquet: string): Promise<void> {
  if (existsSync(parquet)) return;
  const { Session } = await import('chdb');
  const session = new Session();
  try {
    const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    await session.queryAsync(
      `INSERT INTO FUNCTION file(${q(`${parquet}.tmp`)}, 'Parquet') SELECT * FROM file(${q(csv)}, 'CSVWithNames')`,
    );
  } finally {
    session.close();
  }
  renameSync(`${parquet}.tmp`, parquet);
}

const arg = (args: string[], flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};

/** median is the run with the median wall time (the lower middle of an even count). */
function median<T extends { seconds: number }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const m = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!m) throw new Error('no runs');
  return m;
}

const fmt = (t: Timed) =>
  `${t.seconds.toFixed(2)} s wall, ${t.cpuSeconds?.toFixed(1) ?? '?'} CPU-s, peak ${t.peakMb ?? '?'} MB`;

export async function main(args: string[]): Promise<void> {
  const rows = Number(arg(args, '--rows') ?? 1_000_000);
  const runs = Number(arg(args, '--runs') ?? 1);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(runs) || runs < 1)
    throw new Error('--rows and --runs take positive integers');
  const dir = fileURLToPath(new URL('./.data/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const ref = join(dir, `report-ref-${rows}.csv`);
  const cur = join(dir, `report-cur-${rows}.csv`);
  await makeFile(ref, rows, 1, false);
  await makeFile(cur, rows, 2, true);
  const parquet = !args.includes('--no-parquet');
  const refPq = join(dir, `report-ref-${rows}.parquet`);
  const curPq = join(dir, `report-cur-${rows}.parquet`);
  if (parquet) {
    await toParquet(ref, refPq);
    await toParquet(cur, curPq);
  }
  console.log(
    `report bench: ${rows} rows × 25 features (20 numeric, 5 categorical), 8 shifted; ${runs} run(s) each`,
  );
  const bin = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
  const vigilRun = (r: string, c: string) => {
    const t = timed(process.execPath, [bin, 'report', '--reference', r, '--current', c, '--format', 'json']);
    const report = JSON.parse(t.stdout) as { features: Array<{ name: string; drifted: boolean }> };
    return {
      ...t,
      drifted: report.features
        .filter((f) => f.drifted)
        .map((f) => f.name)
        .sort(),
    };
  };
  const script = fileURLToPath(new URL('../../shared/baselines/drift_files.py', import.meta.url));
  const versions = (py: string) =>
    spawnSync(
      py,
      ['-c', 'import numpy, scipy, pandas; print(pandas.__version__, numpy.__version__, scipy.__version__)'],
      {
        encoding: 'utf8',
      },
    );
  // Debian's python3 (the documented yardstick), or --python; the first python3 on PATH at worst.
  const python = [arg(args, '--python'), '/usr/bin/python3', 'python3'].find(
    (py): py is string => py !== undefined && versions(py).status === 0,
  );
  const baseRuns: Array<Timed & { drifted: string[]; read_s: number; compute_s: number }> = [];
  const vigilRuns: Array<ReturnType<typeof vigilRun>> = [];
  const pqRuns: Array<ReturnType<typeof vigilRun>> = [];
  for (let i = 0; i < runs; i++) {
    const v = vigilRun(ref, cur);
    vigilRuns.push(v);
    console.log(`run ${i + 1} vigil    CSV:     ${fmt(v)}; drifted ${v.drifted.join(' ')}`);
    if (parquet) {
      const p = vigilRun(refPq, curPq);
      pqRuns.push(p);
      console.log(`run ${i + 1} vigil    Parquet: ${fmt(p)}; drifted ${p.drifted.join(' ')}`);
    }
    if (python && existsSync(script)) {
      const b = timed(python, [script, '--tool', 'sortonce', ref, cur]);
      const out = JSON.parse(b.stdout.trim().split('\n').at(-1) ?? '{}') as {
        drifted_lists: { vigil: string[] };
        read_s: number;
        compute_s: number;
      };
      baseRuns.push({
        ...b,
        drifted: [...out.drifted_lists.vigil].sort(),
        read_s: out.read_s,
        compute_s: out.compute_s,
      });
      console.log(
        `run ${i + 1} baseline CSV:     ${fmt(b)} (read ${out.read_s} s, compute ${out.compute_s} s); drifted ${[...out.drifted_lists.vigil].sort().join(' ')}`,
      );
    }
  }
  const v = median(vigilRuns);
  const p = pqRuns.length ? median(pqRuns) : null;
  const figures = {
    bench: 'report',
    rows,
    features: 25,
    runs,
    vigil_s: Number(v.seconds.toFixed(3)),
    vigil_cpu_s: v.cpuSeconds,
    vigil_peak_mb: v.peakMb,
    vigil_drifted: v.drifted,
    parquet_s: p ? Number(p.seconds.toFixed(3)) : null,
    parquet_cpu_s: p?.cpuSeconds ?? null,
    parquet_peak_mb: p?.peakMb ?? null,
    parquet_same_drifted: p ? p.drifted.join() === v.drifted.join() : null,
  };
  if (!python || !existsSync(script) || baseRuns.length === 0) {
    console.log(
      `baseline  skipped: ${!python ? 'no python3 with numpy, scipy and pandas (apt-get install python3-pandas python3-scipy)' : `${script} is missing`}`,
    );
    console.log(JSON.stringify({ ...figures, baseline_s: null, ratio: null, cpu_ratio: null }));
    return;
  }
  const b = median(baseRuns);
  const libs = versions(python).stdout.trim().split(' ');
  const same = b.drifted.join() === v.drifted.join();
  const ratio = b.seconds / v.seconds;
  const cpuRatio = b.cpuSeconds && v.cpuSeconds ? b.cpuSeconds / v.cpuSeconds : null;
  console.log(
    `baseline  drift_files.py --tool sortonce on ${python} (pandas ${libs[0]}, numpy ${libs[1]}, scipy ${libs[2]}): ${fmt(b)}`,
  );
  console.log(`vigil     CSV ${fmt(v)}${p ? `; Parquet ${fmt(p)}` : ''}`);
  console.log(
    `ratio ${ratio.toFixed(2)} wall, ${cpuRatio?.toFixed(2) ?? '?'} CPU (Vigil faster when > 1); same drifted features: ${same ? 'yes' : `NO (vigil ${v.drifted.join(' ')}; baseline ${b.drifted.join(' ')})`}`,
  );
  console.log(
    JSON.stringify({
      ...figures,
      baseline: 'drift_files.py --tool sortonce',
      baseline_python: python,
      baseline_versions: { pandas: libs[0], numpy: libs[1], scipy: libs[2] },
      baseline_s: Number(b.seconds.toFixed(3)),
      baseline_cpu_s: b.cpuSeconds,
      baseline_peak_mb: b.peakMb,
      baseline_read_s: b.read_s,
      baseline_compute_s: b.compute_s,
      baseline_drifted: b.drifted,
      same_drifted: same,
      ratio: Number(ratio.toFixed(3)),
      cpu_ratio: cpuRatio === null ? null : Number(cpuRatio.toFixed(3)),
      parquet_ratio: p ? Number((b.seconds / p.seconds).toFixed(3)) : null,
      runs_s: {
        vigil: vigilRuns.map((r) => r.seconds),
        parquet: pqRuns.map((r) => r.seconds),
        baseline: baseRuns.map((r) => r.seconds),
      },
    }),
  );
}
