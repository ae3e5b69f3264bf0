// npm run bench -- scale [--sizes 1000000,10000000] [--keep DIR] [--runs 5]
//
// Growth bench (issue 16): one binary classifier with 20 features (15 numeric: normal,
// lognormal, integer counts, a bounded rate, three with missing values; 5 categorical, one of
// 200 values), two tags (region, tier), a score, a predicted label and, for about half the rows
// older than a week, the actual label; 90 days of timestamps ending at the hour the store is
// built, a shift in the last 30 days (a numeric mean, a lognormal's scale, a categorical mix,
// a missing rate) so drift has something to find; plus a training set (5% of the size, no shift).
//
// For each size: CSV chunks are written straight as text and imported through `vigil ingest`'s
// own code path (runIngest: the embedded store's INSERT … SELECT FROM file()), timed (ingest
// rows/s, file writing excluded). Then --runs times: a fresh server process on that store
// (buildServer as `vigil serve` wires it, with the response cache and the view warmer OFF)
// gets every request the dashboard's model page makes in its default view, at once as the
// browser sends them (GET /v1/models/{model}, /v1/alerts, and modelPageUrls: performance,
// drift, the drift heat map, segments by the first tags, quality, rejected); the cold page time
// is until the last answer. Then, each on its own fresh server, /drift, /performance and
// /segments alone. Medians over the runs. "Cold" is a fresh process: the OS page cache stays
// warm, as on a server that restarts.
//
// Reads run without the server's 60 s query time limit (VIGIL_MAX_QUERY_SECONDS=3600 unless
// set): the bench reports how long an answer takes, not that it was cut off.
//
// --keep DIR keeps the built stores (DIR/store-N) and reuses them on the next run (no re-import;
// the ingest figure is then the one recorded when the store was built).
//
// The last line is one JSON object: cold_page_ms_1m, cold_page_ms_10m, ingest_rows_per_s,
// growth (10M over 1M cold page), projected_cold_page_ms_100m (the 1M→10M power law carried one
// decade further) and ratio = 300 / cold_page_ms_10m: issue 16's done-when 1 asks for a model
// page under 300 ms at 10M records, so ratio >= 1 means that target is met.
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, normal } from '../src/demo/random.js';

const MODEL = 'scale';
const DAY = 86_400_000;
const SPAN = 90 * DAY;
const CHUNK = 1_000_000;
const NUMERIC = 15;
const CATEGORICAL = 5;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'IN', 'BR', 'JP', 'ES', 'IT', 'CA'];
const COUNTRY_W = [30, 12, 10, 10, 9, 8, 7, 5, 5, 4];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const PLANS = ['basic', 'standard', 'premium', 'family'];
const CHANNELS = ['organic', 'ads', 'email', 'referral', 'social', 'partner'];

function weighted(r: number, items: readonly string[], weights: readonly number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r * total;
  for (let i = 0; i < items.length; i++) {
    x -= weights[i] ?? 0;
    if (x <= 0) return items[i] as string;
  }
  return items[items.length - 1] as string;
}

const HEADER = [
  'id',
  'ts',
  ...Array.from({ length: NUMERIC }, (_, f) => `n${f}`),
  'country',
  'device',
  'plan',
  'channel',
  'segment',
  'region',
  'tier',
  'score',
  'pred',
  'label',
].join(',');

const fmt = (x: number, d: number) => x.toFixed(d);

/**
 * writeChunk writes rows [from, to) of `n` as CSV: row i is at t0 + i·SPAN/n. `shiftFromMs`:
 * rows at or after it are drawn from the shifted distributions (Infinity: none).
 */
async function writeChunk(
  path: string,
  prefix: string,
  from: number,
  to: number,
  n: number,
  t0: number,
  shiftFromMs: number,
  seed: number,
): Promise<void> {
  const rand = mulberry32(seed);
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  const step = SPAN / n;
  const labelsUntil = t0 + SPAN - 7 * DAY;
  let lines: string[] = [];
  for (let i = from; i < to; i++) {
    const ts = t0 + Math.floor(i * step);
    const shifted = ts >= shiftFromMs;
    const z0 = normal(rand) + (shifted ? 0.6 : 0);
    const z1 = normal(rand);
    const income = Math.exp(10.5 + 0.6 * normal(rand));
    const spend = Math.exp(3 + (shifted ? 1.0 : 0.8) * normal(rand));
    const latency = Math.exp(4 + 0.3 * normal(rand));
    const age = Math.min(90, Math.max(18, Math.round(40 + 13 * normal(rand))));
    const visits = Math.floor(-Math.log(Math.max(rand(), 1e-12)) * 4);
    const items = Math.floor(rand() * 12);
    const tenure = rand() < (shifted ? 0.2 : 0.05) ? '' : fmt(Math.abs(24 * normal(rand)), 1);
    const rating = rand() < 0.08 ? '' : fmt(Math.min(5, Math.max(1, 3.8 + normal(rand))), 1);
    const rate = fmt(rand() ** 2, 4);
    const balance = rand() < 0.01 ? '' : fmt(1000 * normal(rand) + 200, 2);
    const cells: string[] = [
      `${prefix}${i}`,
      new Date(ts).toISOString(),
      fmt(z0, 4),
      fmt(z1 * 2 + 5, 4),
      fmt(normal(rand) * 0.1, 5),
      fmt(normal(rand) * 15 + 100, 3),
      fmt(normal(rand), 4),
      fmt(income, 2),
      fmt(spend, 2),
      fmt(latency, 1),
      String(age),
      String(visits),
      String(items),
      tenure,
      rating,
      rate,
      balance,
      weighted(rand(), COUNTRIES, COUNTRY_W),
      weighted(rand(), DEVICES, shifted ? [40, 50, 10] : [60, 32, 8]),
      PLANS[Math.floor(rand() * PLANS.length)] as string,
      CHANNELS[Math.floor(rand() * rand() * CHANNELS.length)] as string,
      `s${Math.floor(rand() * rand() * 200)}`,
      rand() < 0.5 ? 'NA' : rand() < 0.6 ? 'EU' : 'APAC',
      rand() < 0.7 ? 'free' : rand() < 0.8 ? 'pro' : 'enterprise',
    ];
    const logit = 0.9 * z0 - 0.4 * z1 + 0.3 * Math.log(spend / 20) - 1;
    const p = 1 / (1 + Math.exp(-logit));
    const score = Math.round(p * 1e4) / 1e4;
    cells.push(String(score), score > 0.5 ? '1' : '0');
    cells.push(ts < labelsUntil && rand() < 0.5 ? (rand() < p ? '1' : '0') : '');
    lines.push(cells.join(','));
    if (lines.length === 5000) {
      if (!out.write(`${lines.join('\n')}\n`))
        await new Promise((r) => out.once('drain', () => r(undefined)));
      lines = [];
    }
  }
  if (lines.length) out.write(`${lines.join('\n')}\n`);
  await new Promise<void>((r) => out.end(r));
}

interface Built {
  size: number;
  training: number;
  ingest_s: number;
  ingest_rows_per_s: number;
  t0: string;
  built_at: string;
}

/** build writes the store of `size` production records (+5% training) through runIngest. */
async function build(dir: string, size: number): Promise<Built> {
  const { runIngest } = await import('../src/cli/ingest-command.js');
  const dataDir = join(dir, 'data');
  const files = join(dir, 'files');
  mkdirSync(files, { recursive: true });
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const t0 = end - SPAN;
  const shiftFrom = end - 30 * DAY;
  const training = Math.round(size * 0.05);
  const ingestOpts = {
    model: MODEL,
    project: 'default',
    id: 'id',
    timestamp: 'ts',
    score: 'score',
    prediction: 'pred',
    target: 'label',
    tags: ['region', 'tier'],
    batchSize: 10_000,
    format: 'text' as const,
  };
  let seconds = 0;
  let rows = 0;
  const ingest = async (file: string, env: string) => {
    const started = performance.now();
    const code = await runIngest([file], { ...ingestOpts, env }, { dataDir });
    seconds += (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`vigil ingest of ${file} exited ${code}`);
  };
  // Training: the first 5% of the period's distributions, unshifted.
  const tfile = join(files, 'training.csv');
  await writeChunk(tfile, 't', 0, training, training, t0, Number.POSITIVE_INFINITY, 3);
  await ingest(tfile, 'training');
  rows += training;
  rmSync(tfile);
  for (let from = 0, c = 0; from < size; from += CHUNK, c++) {
    const to = Math.min(size, from + CHUNK);
    const file = join(files, `production-${c}.csv`);
    const w = performance.now();
    await writeChunk(file, 'p', from, to, size, t0, shiftFrom, 100 + c);
    const wrote = (performance.now() - w) / 1000;
    const before = seconds;
    await ingest(file, 'production');
    rows += to - from;
    rmSync(file);
    console.log(
      `  ${size}: rows ${from}..${to} written in ${wrote.toFixed(1)} s, imported in ${(seconds - before).toFixed(1)} s`,
    );
  }
  rmSync(files, { recursive: true, force: true });
  const built: Built = {
    size,
    training,
    ingest_s: Number(seconds.toFixed(2)),
    ingest_rows_per_s: Math.round(rows / seconds),
    t0: new Date(t0).toISOString(),
    built_at: new Date(end).toISOString(),
  };
  writeFileSync(join(dir, 'built.json'), JSON.stringify(built));
  return built;
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

/** startServer runs this file with --serve on a store: buildServer with no response cache, no warmer. */
function startServer(dataDir: string): Promise<Server> {
  const here = fileURLToPath(import.meta.url);
  // No 60 s ceiling on a read: the bench measures how long answers take, however long.
  const env = { ...process.env, VIGIL_MAX_QUERY_SECONDS: process.env['VIGIL_MAX_QUERY_SECONDS'] ?? '3600' };
  const proc = spawn(process.execPath, ['--import', 'tsx', here, '--serve', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.on('exit', (c) => reject(new Error(`bench server exited ${c}`)));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http\S+)/.exec(out);
      if (m?.[1])
        resolve({
          url: m[1],
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

async function serve(dataDir: string): Promise<void> {
  const { openStore } = await import('../src/store/index.js');
  const { buildServer } = await import('../src/server/index.js');
  const store = await openStore({ dataDir });
  const server = await buildServer({ store, responseCache: false, warmViews: false });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => store.close())
      .finally(() => process.exit(0));
  });
}

/** timedGet GETs a path and times it to the last byte (node:http: no client-side timeout, unlike fetch's 300 s). */
function timedGet(base: string, path: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = get(`${base}${path}`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        if (body.length < 1000) body += d;
      });
      res.on('end', () => {
        if (res.statusCode !== 200)
          reject(new Error(`GET ${path}: HTTP ${res.statusCode} ${body.slice(0, 300)}`));
        else resolve(performance.now() - started);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** shortName names a page URL for the printout (path tail and the parameters that tell them apart). */
function shortName(path: string): string {
  const [p = '', q = ''] = path.split('?');
  const tail = p.replace(`/v1/models/${MODEL}`, '') || '/model';
  const params = new URLSearchParams(q);
  const extra = ['granularity', 'by'].map((k) => params.get(k) && `${k}=${params.get(k)}`).filter(Boolean);
  return `${tail}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

interface SizeResult {
  size: number;
  built: Built;
  pageMs: number;
  perUrl: Array<{ name: string; ms: number }>;
  aloneMs: Record<string, number>;
}

async function measure(dataDir: string, runs: number, built: Built): Promise<SizeResult> {
  const { modelPageUrls } = await import('../src/server/cache/dashboard-views.js');
  // The page's URLs from the model's summary, as the dashboard derives them (read on a throw-away server).
  let urls: string[];
  {
    const s = await startServer(dataDir);
    try {
      const res = await fetch(`${s.url}/v1/models/${MODEL}`);
      const detail = (await res.json()) as Parameters<typeof modelPageUrls>[0];
      urls = [
        `/v1/models/${MODEL}`,
        `/v1/alerts?model=${MODEL}`,
        ...modelPageUrls({ ...detail, model: MODEL }, Date.now()),
      ];
    } finally {
      await s.stop();
    }
  }
  const pages: number[] = [];
  const per = new Map<string, number[]>(urls.map((u) => [u, []]));
  for (let r = 0; r < runs; r++) {
    const s = await startServer(dataDir);
    try {
      const started = performance.now();
      const times = await Promise.all(urls.map((u) => timedGet(s.url, u)));
      pages.push(performance.now() - started);
      urls.forEach((u, i) => {
        per.get(u)?.push(times[i] as number);
      });
    } finally {
      await s.stop();
    }
  }
  const alone: Record<string, number[]> = { drift: [], performance: [], segments: [] };
  const aloneUrl = (kind: string) =>
    urls.find(
      (u) =>
        u.startsWith(`/v1/models/${MODEL}/${kind}?`) && (kind !== 'drift' || !u.includes('granularity=')),
    );
  for (let r = 0; r < runs; r++)
    for (const kind of Object.keys(alone)) {
      const u = aloneUrl(kind);
      if (!u) continue;
      const s = await startServer(dataDir);
      try {
        alone[kind]?.push(await timedGet(s.url, u));
      } finally {
        await s.stop();
      }
    }
  return {
    size: built.size,
    built,
    pageMs: median(pages),
    perUrl: urls.map((u) => ({ name: shortName(u), ms: median(per.get(u) ?? []) })),
    aloneMs: Object.fromEntries(
      Object.entries(alone).map(([k, v]) => [k, v.length ? median(v) : Number.NaN]),
    ),
  };
}

const label = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}m` : String(n));

export async function main(args: string[]): Promise<void> {
  const sizes = (option(args, '--sizes') ?? '1000000,10000000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1000))
    throw new Error('--sizes: integers >= 1000, comma-separated');
  const runs = Number(option(args, '--runs') ?? 5);
  const keep = option(args, '--keep');
  const root = keep ?? mkdtempSync(join(tmpdir(), 'vigil-scale-'));
  mkdirSync(root, { recursive: true });
  console.log(
    `scale bench: sizes ${sizes.join(', ')}; ${NUMERIC} numeric + ${CATEGORICAL} categorical features, 90 days; ` +
      `${runs} cold starts each; machine shared (2 cores): figures are noisy`,
  );
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const dir = join(root, `store-${size}`);
      const marker = join(dir, 'built.json');
      let built: Built;
      if (existsSync(marker)) {
        built = JSON.parse(readFileSync(marker, 'utf8')) as Built;
        console.log(
          `${size}: reusing ${dir} (built ${built.built_at}, ingest ${built.ingest_rows_per_s} rows/s then)`,
        );
      } else {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        built = await build(dir, size);
        console.log(
          `${size}: imported ${size + built.training} rows in ${built.ingest_s} s, ${built.ingest_rows_per_s} rows/s`,
        );
      }
      const r = await measure(join(dir, 'data'), runs, built);
      results.push(r);
      console.log(`${size}: cold model page ${r.pageMs.toFixed(0)} ms (median of ${runs}); per request:`);
      for (const u of r.perUrl) console.log(`    ${u.name.padEnd(40)} ${u.ms.toFixed(0)} ms`);
      console.log(
        `  alone: drift ${r.aloneMs['drift']?.toFixed(0)} ms, performance ${r.aloneMs['performance']?.toFixed(0)} ms, ` +
          `segments ${r.aloneMs['segments']?.toFixed(0)} ms`,
      );
    }
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
  console.log('curve (records → cold page ms, drift, performance, segments alone; ingest rows/s):');
  for (const r of results)
    console.log(
      `  ${String(r.size).padStart(10)}  page ${r.pageMs.toFixed(0).padStart(7)}  drift ${r.aloneMs['drift']?.toFixed(0).padStart(7)}` +
        `  perf ${r.aloneMs['performance']?.toFixed(0).padStart(7)}  segments ${r.aloneMs['segments']?.toFixed(0).padStart(7)}` +
        `  ingest ${r.built.ingest_rows_per_s}`,
    );
  const at = (n: number) => results.find((r) => r.size === n);
  const r1 = at(1_000_000);
  const r10 = at(10_000_000);
  const growth = r1 && r10 ? r10.pageMs / r1.pageMs : null;
  // Power law through the two points, carried a decade on: t(100M) = t(10M) · (t(10M) / t(1M)).
  const projected = r10 && growth !== null ? r10.pageMs * growth : null;
  const figures: Record<string, unknown> = { bench: 'scale', sizes, runs };
  for (const r of results) {
    const l = label(r.size);
    figures[`cold_page_ms_${l}`] = Math.round(r.pageMs);
    figures[`drift_ms_${l}`] = Math.round(r.aloneMs['drift'] ?? Number.NaN);
    figures[`performance_ms_${l}`] = Math.round(r.aloneMs['performance'] ?? Number.NaN);
    figures[`segments_ms_${l}`] = Math.round(r.aloneMs['segments'] ?? Number.NaN);
    figures[`ingest_rows_per_s_${l}`] = r.built.ingest_rows_per_s;
  }
  const largest = results[results.length - 1];
  figures['cold_page_ms_1m'] = r1 ? Math.round(r1.pageMs) : null;
  figures['cold_page_ms_10m'] = r10 ? Math.round(r10.pageMs) : null;
  figures['ingest_rows_per_s'] = largest?.built.ingest_rows_per_s ?? null;
  figures['growth'] = growth === null ? null : Number(growth.toFixed(3));
  figures['projected_cold_page_ms_100m'] = projected === null ? null : Math.round(projected);
  // ratio: the 300 ms target over the 10M cold page (>= 1: done-when 1's time target met).
  figures['ratio'] = r10 ? Number((300 / r10.pageMs).toFixed(4)) : null;
  console.log(JSON.stringify(figures));
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0 && process.argv[serveAt + 1]) await serve(process.argv[serveAt + 1] as string);
