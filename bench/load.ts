// npm run bench -- load [--minutes 10] [--solo-seconds N] [--baseline-seconds 30]
//
// Mixed load on one `vigil serve` (embedded store, temp folder, loopback), for --minutes:
//   ingest       4 connections POSTing NDJSON batches of 1,000 records (20 features)
//   models       1 connection  GET /v1/models
//   drift        2 connections GET /v1/models/bench/drift   (production vs training)
//   performance  1 connection  GET /v1/models/bench/performance
// all at once (autocannon, in this process). The server's RSS is sampled every second (peak,
// at start, at the end: is memory flat?). Baseline, same run, same load: a bare Fastify server
// that parses the same bodies (NDJSON split + JSON.parse per line) and answers the reads with a
// constant, writing nothing (parser_ratio = Vigil's records/s over that). And, same run, Vigil
// alone: a fresh `vigil serve`, the same ingest connections and bodies, no reads, for
// --solo-seconds (default: as long as the mixed run). ratio = Vigil's records/s with the reads
// over its records/s without them (issue 16, done-when 2: >= 0.5). The last line is one JSON
// object of the figures. Not part of the test suite: it takes --minutes (default 10).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { mulberry32, normal } from '../src/demo/random.js';

const BATCH = 1000;
const BODIES = 40;
const NUMERIC = 14;
const CATEGORICAL = 6;
const T0 = Date.UTC(2026, 10, 1);

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: must be a positive number`);
  return v;
}

/** bodies builds the NDJSON batches the ingest connections cycle through (ids repeat: re-sent ids replace). */
function bodies(environment: string, count: number, seed: number): string[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, (_, b) => {
    const lines: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const features: Record<string, number | string> = {};
      const shift = environment === 'training' ? 0 : 0.3;
      for (let f = 0; f < NUMERIC; f++) features[`num_${f}`] = Math.round((normal(rand) + shift) * 100) / 100;
      for (let f = 0; f < CATEGORICAL; f++) features[`cat_${f}`] = `v${Math.floor(rand() * (4 + f * 2))}`;
      const score = Math.round(rand() * 1e4) / 1e4;
      lines.push(
        JSON.stringify({
          model: 'bench',
          environment,
          id: `${environment}-${b}-${i}`,
          timestamp: new Date(T0 + (b * BATCH + i) * 1000).toISOString(),
          features,
          tags: { region: i % 3 === 0 ? 'EU' : 'US' },
          prediction: { label: score > 0.5 ? 'yes' : 'no', score },
          ...(i % 4 === 0 ? { actual: { label: rand() > 0.5 ? 'yes' : 'no' } } : {}),
        }),
      );
    }
    return `${lines.join('\n')}\n`;
  });
}

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function spawnServer(args: string[], label: string): Promise<Server> {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.on('exit', (c) => reject(new Error(`${label} exited ${c} (did you run npm run build?)`)));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http\S+)/.exec(out);
      if (m?.[1] && proc.pid)
        resolve({
          url: m[1],
          pid: proc.pid,
          stop: () =>
            new Promise((r) => {
              proc.removeAllListeners('exit');
              proc.on('exit', () => r());
              proc.kill('SIGTERM');
            }),
        });
    });
  });
}

/** rssMb reads a process's resident set from /proc (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
}

interface KindResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
}

/**
 * mixedLoad runs the four kinds at once against `url` for `seconds`, sampling `pid`'s RSS;
 * with `reads` false, the ingest connections alone.
 */
async function mixedLoad(url: string, pid: number, seconds: number, ingest: string[], reads = true) {
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMb(pid)), 1000);
  rss.push(rssMb(pid));
  const run = (opts: autocannon.Options) => autocannon({ url, duration: seconds, timeout: 120, ...opts });
  const started = performance.now();
  const [ing, models, drift, perf] = await Promise.all([
    run({
      connections: 4,
      requests: ingest.map((body) => ({
        method: 'POST' as const,
        path: '/v1/records',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      })),
    }),
    ...(reads
      ? [
          run({ connections: 1, requests: [{ method: 'GET', path: '/v1/models' }] }),
          run({ connections: 2, requests: [{ method: 'GET', path: '/v1/models/bench/drift' }] }),
          run({ connections: 1, requests: [{ method: 'GET', path: '/v1/models/bench/performance' }] }),
        ]
      : []),
  ]);
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rss.push(rssMb(pid));
  const kind = (r: autocannon.Result | undefined): KindResult =>
    r
      ? {
          requests: r.requests.total,
          ok: r['2xx'],
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
          p50_ms: r.latency.p50,
          p99_ms: r.latency.p99,
        }
      : { requests: 0, ok: 0, non2xx: 0, errors: 0, p50_ms: 0, p99_ms: 0 };
  const results = { ingest: kind(ing), models: kind(models), drift: kind(drift), performance: kind(perf) };
  const queriesOk = results.models.ok + results.drift.ok + results.performance.ok;
  // Flatness: the mean of the last tenth of the run against the mean of its second tenth
  // (the first holds start-up growth: caches, the first parts and merges).
  const tenth = Math.max(1, Math.floor(rss.length / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    elapsed,
    results,
    recordsPerS: (results.ingest.ok * BATCH) / elapsed,
    queriesPerS: queriesOk / elapsed,
    rssStart: mean(rss.slice(tenth, 2 * tenth)),
    rssEnd: mean(rss.slice(-tenth)),
    rssPeak: Math.max(...rss),
  };
}

/** The baseline: parse like Vigil does (split lines, JSON.parse each), write nothing. */
async function serveBaseline(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.post('/v1/records', async (req) => {
    let accepted = 0;
    for (const line of String(req.body).split('\n')) {
      if (!line.trim()) continue;
      JSON.parse(line);
      accepted++;
    }
    return { accepted, rejected: 0, errors: [] };
  });
  const constant = { models: [{ model: 'bench' }] };
  app.get('/v1/models', async () => constant);
  app.get('/v1/models/:model/drift', async () => constant);
  app.get('/v1/models/:model/performance', async () => constant);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  console.log(
    `baseline listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
  );
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

const round = (x: number, d = 1) => Number(x.toFixed(d));

/** vigilRun starts a fresh `vigil serve` (temp folder), seeds it and runs the load on it. */
async function vigilRun(seconds: number, ingest: string[], training: string[], reads: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-load-'));
  const bin = fileURLToPath(new URL('../bin/vigil.mjs', import.meta.url));
  const vigil = await spawnServer(
    [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data')],
    'vigil serve',
  );
  try {
    // The training baseline drift compares against, and a first production batch.
    for (const body of [...training, ingest[0] as string]) {
      const res = await fetch(`${vigil.url}/v1/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      });
      if (res.status !== 200) throw new Error(`seeding: HTTP ${res.status} ${await res.text()}`);
    }
    const load = await mixedLoad(vigil.url, vigil.pid, seconds, ingest, reads);
    const check = (await (await fetch(`${vigil.url}/v1/models`)).json()) as {
      models: Array<{ environments: Record<string, { records: number }> }>;
    };
    return { load, rows: check.models[0]?.environments['production']?.records ?? 0 };
  } finally {
    await vigil.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  const minutes = option(args, '--minutes', 10);
  const seconds = Math.round(minutes * 60);
  const baselineSeconds = Math.min(seconds, option(args, '--baseline-seconds', 30));
  const ingest = bodies('production', BODIES, 7);
  const training = bodies('training', 5, 8);
  console.log(
    `load bench: ${minutes} min mixed load; ingest batches of ${BATCH} records (${NUMERIC + CATEGORICAL} features); ` +
      'machine shared, 2 cores: figures are noisy',
  );

  const solo = Math.round(option(args, '--solo-seconds', seconds));
  const { load: v, rows } = await vigilRun(seconds, ingest, training, true);
  // The same server and ingest, no reads: what the reads cost ingestion.
  const { load: s } = await vigilRun(solo, ingest, training, false);

  const here = fileURLToPath(import.meta.url);
  const base = await spawnServer(['--import', 'tsx', here, '--serve-baseline'], 'baseline');
  let b: Awaited<ReturnType<typeof mixedLoad>>;
  try {
    b = await mixedLoad(base.url, base.pid, baselineSeconds, ingest);
  } finally {
    await base.stop();
  }

  for (const [name, r] of Object.entries(v.results))
    console.log(
      `vigil ${name.padEnd(12)} ${r.ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors; p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms`,
    );
  console.log(
    `vigil     ${Math.round(v.recordsPerS)} records/s, ${v.queriesPerS.toFixed(1)} queries/s over ${v.elapsed.toFixed(0)} s; ` +
      `RSS start ${v.rssStart.toFixed(0)} MB, end ${v.rssEnd.toFixed(0)} MB, peak ${v.rssPeak.toFixed(0)} MB; ` +
      `${rows} distinct production records stored`,
  );
  console.log(
    `vigil     without reads: ${Math.round(s.recordsPerS)} records/s over ${s.elapsed.toFixed(0)} s ` +
      `(ingest p50 ${s.results.ingest.p50_ms} ms, p99 ${s.results.ingest.p99_ms} ms)`,
  );
  console.log(
    `baseline  ${Math.round(b.recordsPerS)} records/s, ${b.queriesPerS.toFixed(1)} queries/s over ${b.elapsed.toFixed(0)} s ` +
      '(bare Fastify, parses the bodies, writes nothing)',
  );
  const parserRatio = v.recordsPerS / b.recordsPerS;
  const ratio = v.recordsPerS / s.recordsPerS;
  console.log(
    `ratio ${ratio.toFixed(3)} (Vigil records/s with the reads over without them; target >= 0.5); ` +
      `${parserRatio.toFixed(3)} of the bare parser's`,
  );
  console.log(
    JSON.stringify({
      bench: 'load',
      minutes,
      baseline_seconds: baselineSeconds,
      records_per_s: Math.round(v.recordsPerS),
      queries_per_s: round(v.queriesPerS, 2),
      ingest_p50_ms: v.results.ingest.p50_ms,
      ingest_p99_ms: v.results.ingest.p99_ms,
      models_p50_ms: v.results.models.p50_ms,
      models_p99_ms: v.results.models.p99_ms,
      drift_p50_ms: v.results.drift.p50_ms,
      drift_p99_ms: v.results.drift.p99_ms,
      performance_p50_ms: v.results.performance.p50_ms,
      performance_p99_ms: v.results.performance.p99_ms,
      non2xx: Object.values(v.results).reduce((n, r) => n + r.non2xx + r.errors, 0),
      rss_start_mb: round(v.rssStart),
      rss_end_mb: round(v.rssEnd),
      rss_peak_mb: round(v.rssPeak),
      baseline_records_per_s: Math.round(b.recordsPerS),
      baseline_queries_per_s: round(b.queriesPerS, 2),
      solo_seconds: solo,
      solo_records_per_s: Math.round(s.recordsPerS),
      solo_ingest_p50_ms: s.results.ingest.p50_ms,
      solo_ingest_p99_ms: s.results.ingest.p99_ms,
      parser_ratio: round(parserRatio, 3),
      ratio: round(ratio, 3),
    }),
  );
}

if (process.argv.includes('--serve-baseline')) await serveBaseline();
