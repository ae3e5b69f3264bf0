// npm run bench -- ingest [--rows N]          file import (issue 16, done-when 3)
// npm run bench -- ingest --http [--records N] HTTP ingest
//
// File import: a 25-column CSV (20 features, id, time, score, label, a tag; some cells spelled
// as pandas writes them: 1e-05, NA, empty, inf, quoted numbers; a few rows with a score out of
// [0, 1]) imported by `vigil ingest` into a fresh embedded store, process start to exit,
// against, in the same run and the same engine (chdb), INSERT INTO a plain MergeTree table
// SELECT * FROM file() of the same file (ClickHouse's own parse and insert).
//
// HTTP: a `vigil serve` process on the embedded store; 4 clients POST the NDJSON file in
// batches of 5,000 lines (as services would), each waiting for its 200 (= committed).
// Baseline, same run, same engine: the same NDJSON streamed straight into chdb with
// INSERT ... FORMAT JSONEachRow into a table shaped like the records (no validation, no HTTP).
import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mulberry32, normal } from '../src/demo/random.js';

const NUMERIC = 14;
const CATEGORICAL = 6;
const BATCH = 5000;
const CLIENTS = 4;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function makeFile(path: string, n: number): Promise<void> {
  if (existsSync(path)) return;
  const rand = mulberry32(7);
  const out = createWriteStream(`${path}.tmp`);
  const t0 = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i++) {
    const features: Record<string, number | string> = {};
    for (let f = 0; f < NUMERIC; f++) features[`num_${f}`] = Math.round(normal(rand) * 1000) / 100;
    for (let f = 0; f < CATEGORICAL; f++) features[`cat_${f}`] = `v${Math.floor(rand() * (5 + f * 3))}`;
    const score = Math.round(rand() * 1e4) / 1e4;
    const line = JSON.stringify({
      model: 'bench',
      version: 'v1',
      environment: 'production',
      id: `r${i}`,
      timestamp: new Date(t0 + i * 100).toISOString(),
      features,
      tags: { region: i % 3 === 0 ? 'EU' : 'US' },
      prediction: { label: score > 0.5 ? 'yes' : 'no', score },
    });
    if (!out.write(`${line}\n`)) await new Promise((r) => out.once('drain', () => r(undefined)));
  }
  await new Promise<void>((r) => out.end(r));
  const { renameSync } = await import('node:fs');
  renameSync(`${path}.tmp`, path);
}

async function* batches(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }) });
  let lines: string[] = [];
  for await (const line of rl) {
    lines.push(line);
    if (lines.length === BATCH) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length) yield `${lines.join('\n')}\n`;
}

async function startServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.on('exit', (c) => reject(new Error(`vigil serve exited ${c} (did you run npm run build?)`)));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        proc.on('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

async function vigilRun(file: string): Promise<{ seconds: number; accepted: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const server = await startServer(join(dir, 'data'));
  try {
    const source = batches(file);
    let accepted = 0;
    const started = performance.now();
    const client = async () => {
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        for (;;) {
          const res = await fetch(`${server.url}/v1/records`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson' },
            body: next.value,
          });
          const body = (await res.json()) as { accepted: number };
          if (res.status === 503) continue;
          if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
          accepted += body.accepted;
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const seconds = (performance.now() - started) / 1000;
    const check = (await (await fetch(`${server.url}/v1/models`)).json()) as {
      models: Array<{ environments: { production?: { records: number } } }>;
    };
    const stored = check.models[0]?.environments.production?.records ?? 0;
    if (stored !== accepted) throw new Error(`stored ${stored} != accepted ${accepted}`);
    return { seconds, accepted };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function baselineRun(file: string): Promise<{ seconds: number; rows: number }> {
  const { Session } = await import('chdb');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-base-'));
  const session = new Session(join(dir, 'data'));
  try {
    const features = [
      ...Array.from({ length: NUMERIC }, (_, f) => `num_${f} Float64`),
      ...Array.from({ length: CATEGORICAL }, (_, f) => `cat_${f} String`),
    ].join(', ');
    await session.queryAsync(
      `CREATE TABLE raw (model String, version String, environment String, id String, timestamp DateTime64(3, 'UTC'),
        features Tuple(${features}), tags Tuple(region String), prediction Tuple(label String, score Float64))
       ENGINE = MergeTree ORDER BY (model, id)`,
    );
    const started = performance.now();
    await session.insert({
      table: 'raw',
      values: createReadStream(file),
      format: 'JSONEachRow',
      settings: { date_time_input_format: 'best_effort' },
    });
    const seconds = (performance.now() - started) / 1000;
    const rows = Number((await session.queryAsync('SELECT count() FROM raw')).text().trim());
    return { seconds, rows };
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function httpMain(args: string[]): Promise<void> {
  const n = option(args, '--records', 1_000_000);
  const dataDir = fileURLToPath(new URL('./.data/', import.meta.url));
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `ingest-${n}.ndjson`);
  await makeFile(file, n);
  const mb = statSync(file).size / 1e6;
  console.log(`ingest bench: ${n} records, ${NUMERIC + CATEGORICAL} features, ${mb.toFixed(0)} MB NDJSON`);
  const base = await baselineRun(file);
  if (base.rows !== n) throw new Error(`baseline stored ${base.rows} of ${n}`);
  const baseRate = n / base.seconds;
  console.log(
    `baseline  chdb INSERT FORMAT JSONEachRow (no HTTP, no validation): ${base.seconds.toFixed(2)} s, ${Math.round(baseRate)} records/s`,
  );
  const vigil = await vigilRun(file);
  if (vigil.accepted !== n) throw new Error(`vigil accepted ${vigil.accepted} of ${n}`);
  const rate = n / vigil.seconds;
  console.log(
    `vigil     HTTP NDJSON, ${CLIENTS} clients x ${BATCH}-record batches, committed: ${vigil.seconds.toFixed(2)} s, ${Math.round(rate)} records/s`,
  );
  const ratio = rate / baseRate;
  console.log(`ratio ${ratio.toFixed(2)} (target >= 0.5)`);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      records: n,
      features: NUMERIC + CATEGORICAL,
      vigil_records_per_s: Math.round(rate),
      baseline_records_per_s: Math.round(baseRate),
      vigil_s: Number(vigil.seconds.toFixed(3)),
      baseline_s: Number(base.seconds.toFixed(3)),
      ratio: Number(ratio.toFixed(3)),
    }),
  );
}

const CSV_NUMERIC = 14;
const CSV_CATEGORICAL = 6;

export async function makeCsv(path: string, n: number): Promise<void> {
  if (existsSync(path)) return;
  const rand = mulberry32(11);
  const out = createWriteStream(`${path}.tmp`);
  const header = [
    'id',
    'ts',
    ...Array.from({ length: CSV_NUMERIC }, (_, f) => `num_${f}`),
    ...Array.from({ length: CSV_CATEGORICAL }, (_, f) => `cat_${f}`),
    'region',
    'score',
    'label',
  ];
  out.write(`${header.join(',')}\n`);
  const t0 = Date.UTC(2026, 10, 1);
  let lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const cells: string[] = [`r${i}`, new Date(t0 + i * 100).toISOString()];
    for (let f = 0; f < CSV_NUMERIC; f++) {
      const x = normal(rand);
      const u = rand();
      // pandas to_csv: tiny values in exponent form, NaN as empty, NA, inf; some tools quote.
      cells.push(
        u < 0.01
          ? ''
          : u < 0.012
            ? 'NA'
            : u < 0.0125
              ? 'inf'
              : u < 0.02
                ? (x * 1e-5).toExponential(1)
                : u < 0.025
                  ? `"${x.toFixed(3)}"`
                  : x.toFixed(4),
      );
    }
    for (let f = 0; f < CSV_CATEGORICAL; f++) cells.push(`v${Math.floor(rand() * (5 + f * 3))}`);
    const score = Math.round(rand() * 1e4) / 1e4;
    cells.push(i % 3 === 0 ? 'EU' : 'US', i % 100_000 === 7 ? '1.5' : String(score), score > 0.5 ? '1' : '0');
    lines.push(cells.join(','));
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`))
        await new Promise((r) => out.once('drain', () => r(undefined)));
      lines = [];
    }
  }
  if (lines.length) out.write(`${lines.join('\n')}\n`);
  await new Promise<void>((r) => out.end(r));
  const { renameSync } = await import('node:fs');
  renameSync(`${path}.tmp`, path);
}

async function csvBaseline(file: string): Promise<{ seconds: number; rows: number }> {
  const { Session } = await import('chdb');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-base-'));
  const session = new Session(join(dir, 'data'));
  try {
    const started = performance.now();
    await session.queryAsync(
      `CREATE TABLE raw ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM file('${file}', 'CSVWithNames')`,
    );
    const seconds = (performance.now() - started) / 1000;
    const rows = Number((await session.queryAsync('SELECT count() FROM raw')).text().trim());
    return { seconds, rows };
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function csvVigil(file: string): Promise<{ seconds: number; accepted: number; rejected: number }> {
  const bin = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  try {
    const args = [bin, 'ingest', file, '--model', 'bench', '--id', 'id', '--timestamp', 'ts'];
    args.push('--score', 'score', '--target', 'label', '--tag', 'region', '--format', 'json');
    args.push('--data', join(dir, 'data'));
    const started = performance.now();
    const out = await new Promise<string>((resolve, reject) => {
      const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      proc.stdout.on('data', (d: Buffer) => {
        text += d.toString();
      });
      proc.on('exit', (c) => (c === 0 ? resolve(text) : reject(new Error(`vigil ingest exited ${c}`))));
    });
    const seconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(out) as { accepted: number; rejected: number };
    return { seconds, accepted: summary.accepted, rejected: summary.rejected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--http')) return httpMain(args);
  const n = option(args, '--rows', 1_000_000);
  const dataDir = fileURLToPath(new URL('./.data/', import.meta.url));
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `ingest-${n}.csv`);
  await makeCsv(file, n);
  const mb = statSync(file).size / 1e6;
  const columns = CSV_NUMERIC + CSV_CATEGORICAL + 5;
  console.log(`ingest bench: ${n} rows, ${columns} columns, ${mb.toFixed(0)} MB CSV`);
  const base = await csvBaseline(file);
  if (base.rows !== n) throw new Error(`baseline stored ${base.rows} of ${n}`);
  const baseRate = n / base.seconds;
  console.log(
    `baseline  chdb INSERT … SELECT * FROM file() into a plain MergeTree: ${base.seconds.toFixed(2)} s, ${Math.round(baseRate)} rows/s`,
  );
  const vigil = await csvVigil(file);
  if (vigil.accepted + vigil.rejected !== n)
    throw new Error(`vigil accepted ${vigil.accepted} + rejected ${vigil.rejected} of ${n}`);
  const rate = n / vigil.seconds;
  console.log(
    `vigil     vigil ingest (embedded, process start to exit; ${vigil.rejected} rows refused): ${vigil.seconds.toFixed(2)} s, ${Math.round(rate)} rows/s`,
  );
  const ratio = rate / baseRate;
  console.log(`ratio ${ratio.toFixed(2)} (target >= 0.5)`);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      rows: n,
      columns,
      vigil_rows_per_s: Math.round(rate),
      baseline_rows_per_s: Math.round(baseRate),
      vigil_s: Number(vigil.seconds.toFixed(3)),
      baseline_s: Number(base.seconds.toFixed(3)),
      accepted: vigil.accepted,
      rejected: vigil.rejected,
      ratio: Number(ratio.toFixed(3)),
    }),
  );
}
