// npm run bench -- labs [--seconds-per-window 6] [--windows 20] [--labs-rate 100] [--fixture loop] [--breaker-on]
// npm run bench -- labs --shadow [--shadow-percent 100] [--fixture shadow] [--seconds-per-window 6] [--windows 20]
//
// --shadow (issue 19, done-when 4): the same production load, with windows alternating between a
// shadow experiment paused (baseline) and live (shadow): live, it mirrors `--shadow-percent` of the
// ingested records (400 a second) to its prototype, off the ingest path, and logs its outputs as
// a version in `lab`. Prints production p99 with and without shadow (target: within 1.2×), and
// the shadow records logged.
//
// Issue 6, done-when 2: while a hostile prototype is hammered, production routes keep their p99
// within 1.2× of the same load without Labs traffic. One Vigil process (a child of this bench,
// loopback only, embedded store) serves the production API (buildServer) and Labs (labsRoutes
// on a second port of the same process: same event loop, same store, same CPU). This process
// drives an open-loop production load (10 req/s: NDJSON ingest batches, GET /v1/models, GET
// …/performance) through alternating windows — baseline (production only) and labs
// (production + a hammer process firing 100 predict calls a second at a busy-loop prototype
// with a 250 ms timeout, concurrency 2 and, by default, its circuit breaker off, so it burns
// CPU until every timeout). Windows alternate so slow drift in the machine's other load hits
// both sides, in blocks of baseline, labs, labs, baseline (the data grows as production ingests,
// and this order gives neither side more of it); 2 s of production alone (not counted) follow
// the warm-up and every labs window.
// Last line: one JSON object; `p99_slowdown` = pooled p99 with Labs / pooled p99 without (≤ 1.2
// passes), `ratio` its inverse (speed with Labs over speed without, as every bench reports);
// `slowdown_median_of_blocks` compares the windows within each block. Runs ~3 minutes.
// LABS_BENCH_PROF=DIR writes a CPU profile of the Vigil process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);
const FIXTURES = fileURLToPath(new URL('../src/labs/fixtures/', import.meta.url));

/** Production-only traffic, not counted, after the warm-up and after each labs window. */
const SETTLE_MS = 2000;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}

/** serve runs inside the child: production API and Labs in one process, on loopback. */
async function serve(dataDir: string): Promise<void> {
  const [
    { default: Fastify },
    { buildServer },
    { labsRoutes },
    { makeErrorHandler },
    store,
    clockMod,
    logger,
    ent,
  ] = await Promise.all([
    import('fastify'),
    import('../src/server/app.js'),
    import('../src/server/routes/labs.js'),
    import('../src/server/http/error-handler.js'),
    import('../src/store/index.js'),
    import('../src/shared/clock.js'),
    import('../src/shared/logger.js'),
    import('../src/store/entities.js'),
  ]);
  const s = await store.openStore({ dataDir });
  const prod = await buildServer({ store: s });
  const lab = Fastify({ logger: false });
  lab.setErrorHandler(makeErrorHandler(logger.noopLogger));
  await lab.register(labsRoutes, {
    store: s,
    entities: new ent.Entities(s, clockMod.systemClock),
    clock: clockMod.systemClock,
    logger: logger.noopLogger,
  });
  await prod.app.listen({ port: 0, host: '127.0.0.1' });
  await lab.listen({ port: 0, host: '127.0.0.1' });
  const port = (a: ReturnType<typeof lab.server.address>) => (typeof a === 'object' && a ? a.port : 0);
  process.stdout.write(
    `${JSON.stringify({ prod: `http://127.0.0.1:${port(prod.app.server.address())}`, labs: `http://127.0.0.1:${port(lab.server.address())}` })}\n`,
  );
  process.once('SIGTERM', () => {
    void (async () => {
      await lab.close();
      await prod.close();
      await s.close();
      process.exit(0);
    })();
  });
}

async function startChild(dataDir: string): Promise<{ proc: ChildProcess; prod: string; labs: string }> {
  const prof = process.env['LABS_BENCH_PROF']
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env['LABS_BENCH_PROF']}`]
    : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', HERE, '--serve', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the Vigil child did not start in 60 s')), 60_000);
    proc.on('exit', (c) => reject(new Error(`the Vigil child exited with ${c}`)));
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        const urls = JSON.parse(line) as { prod: string; labs: string };
        resolve({ proc, ...urls });
      }
    });
  });
}

async function post(url: string, body: unknown, type = 'application/json') {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

let seq = 0;
function batch(n: number): string {
  const t0 = Date.UTC(2026, 10, 1);
  let out = '';
  for (let i = 0; i < n; i++) {
    const k = seq++;
    out += `${JSON.stringify({
      model: 'bench',
      id: `r${k}`,
      timestamp: t0 + k * 1000,
      features: { amount: (k % 97) * 1.5, country: k % 3 ? 'DE' : 'US', age: 20 + (k % 50) },
      prediction: { label: k % 5 ? 'legit' : 'fraud', score: (k % 100) / 100 },
    })}\n`;
  }
  return out;
}

function p(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

interface Stream {
  name: string;
  perSecond: number;
  send: () => Promise<unknown>;
}

/** openLoop fires each stream at its fixed rate for `ms`, without waiting for answers. */
async function openLoop(
  streams: Stream[],
  ms: number,
  record: (name: string, ms: number, ok: boolean) => void,
) {
  const timers: NodeJS.Timeout[] = [];
  const pending = new Set<Promise<void>>();
  for (const s of streams) {
    timers.push(
      setInterval(() => {
        const t0 = performance.now();
        const done = s.send().then(
          () => record(s.name, performance.now() - t0, true),
          () => record(s.name, performance.now() - t0, false),
        );
        const tracked = done.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }, 1000 / s.perSecond),
    );
  }
  await new Promise((r) => setTimeout(r, ms));
  for (const t of timers) clearInterval(t);
  await Promise.all([...pending]);
}

type Hammer = { run(ms: number): Promise<{ calls: number; errors: number }>; stop(): void };

/**
 * startHammer starts the process that fires predicts; it stays up across windows (its start-up
 * would otherwise land in a measured window) and fires `perSecond` for each `run(ms)`.
 */
async function startHammer(url: string, users: string[], perSecond: number): Promise<Hammer> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', HERE, '--hammer', JSON.stringify({ url, users, perSecond })],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  await new Promise<void>((resolve) => proc.once('message', () => resolve()));
  return {
    run: (ms) =>
      new Promise((resolve) => {
        proc.once('message', (m) => resolve(m as { calls: number; errors: number }));
        proc.send({ ms });
      }),
    stop: () => proc.kill('SIGTERM'),
  };
}

/** hammerMain fires predicts with node:http on keep-alive sockets: the cheapest client Node has. */
function hammerMain(spec: { url: string; users: string[]; perSecond: number }): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(spec.url);
  const predict = (user: string) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ user, input: {} });
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode))),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let u = 0;
  process.on('message', (m: { ms: number }) => {
    let calls = 0;
    let errors = 0;
    void openLoop(
      [
        {
          name: 'labs',
          perSecond: spec.perSecond,
          send: () => predict(spec.users[u++ % spec.users.length] ?? 'u'),
        },
      ],
      m.ms,
      (_n, _ms, ok) => {
        calls++;
        if (!ok) errors++;
      },
    ).then(() => process.send?.({ calls, errors }));
  });
  process.send?.('ready');
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--shadow')) return shadowMain(args);
  const windowMs = option(args, '--seconds-per-window', 6) * 1000;
  const windows = option(args, '--windows', 20);
  if (windows % 4 !== 0)
    throw new Error('--windows must be a multiple of 4 (blocks of baseline, labs, labs, baseline)');
  const labsRate = option(args, '--labs-rate', 100);
  const fixtureAt = args.indexOf('--fixture');
  const fixture = fixtureAt >= 0 ? (args[fixtureAt + 1] ?? 'loop') : 'loop';
  const breaker = args.includes('--breaker-on');
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-labs-'));
  const child = await startChild(dataDir);
  try {
    // Data for the queries, and a hostile experiment: a busy loop, 250 ms timeout, breaker off.
    for (let i = 0; i < 10; i++) await post(`${child.prod}/v1/records`, batch(2000), 'application/x-ndjson');
    const exp = await post(`${child.labs}/v1/labs/experiments`, {
      name: `bench ${fixture}`,
      source: { type: 'module', path: `${FIXTURES}${fixture}` },
      allocation: { percent: 100 },
      limits: {
        timeout_ms: 250,
        concurrency: 2,
        rate_per_user_per_min: 1_000_000,
        memory_mb: 64,
        circuit_failures: breaker ? 5 : 1000,
        circuit_cooldown_ms: 5000,
      },
      prices: { cpu_hour_usd: 0.05, gb_hour_usd: 0.01 },
    });
    const id = String(exp['id']);
    await post(`${child.labs}/v1/labs/experiments/${id}/state`, { state: 'live' });
    const users = Array.from({ length: 50 }, (_, i) => `bench-user-${i}`);
    for (const user of users)
      await post(`${child.labs}/v1/labs/experiments/${id}/enroll`, { user, accept_terms: true });

    const production: Stream[] = [
      {
        name: 'ingest',
        perSecond: 4,
        send: () => post(`${child.prod}/v1/records`, batch(100), 'application/x-ndjson'),
      },
      { name: 'models', perSecond: 4, send: () => fetch(`${child.prod}/v1/models`).then((r) => r.text()) },
      {
        name: 'performance',
        perSecond: 2,
        send: () => fetch(`${child.prod}/v1/models/bench/performance?granularity=hour`).then((r) => r.text()),
      },
    ];
    // The hammer runs in a process of its own, so its client work does not slow this process's
    // clock on the production requests it measures.
    const hammerProc = await startHammer(`${child.labs}/v1/labs/experiments/${id}/predict`, users, labsRate);
    const hammer = (ms: number) => hammerProc.run(ms);

    const lat: Record<'baseline' | 'labs', number[]> = { baseline: [], labs: [] };
    const perWindow: number[] = [];
    const errors = { baseline: 0, labs: 0, hammer: 0 };
    let hammerCalls = 0;
    // Warm-up, not counted: both loads (the sandbox pool starts, the JIT settles), then
    // production alone until the hammer's last calls and their sandbox restarts have drained, so
    // the first baseline window does not count the warm-up's aftermath.
    await Promise.all([openLoop(production, 2000, () => {}), hammer(2000)]);
    await openLoop(production, SETTLE_MS, () => {});
    for (let w = 0; w < windows; w++) {
      // Blocks of baseline, labs, labs, baseline: the stored data grows all along (production
      // ingests), so a fixed order would give one side more rows to query; this order cancels it.
      const phase = w % 4 === 0 || w % 4 === 3 ? 'baseline' : 'labs';
      const samples: number[] = [];
      const [, h] = await Promise.all([
        openLoop(production, windowMs, (_name, ms, ok) => {
          samples.push(ms);
          if (!ok) errors[phase]++;
        }),
        phase === 'labs' ? hammer(windowMs) : Promise.resolve({ calls: 0, errors: 0 }),
      ]);
      hammerCalls += h.calls;
      errors.hammer += h.errors;
      lat[phase].push(...samples);
      perWindow.push(
        p(
          samples.sort((a, b) => a - b),
          0.99,
        ),
      );
      // After a labs window, production alone (not counted) while its aftermath drains: the next
      // baseline window measures production without Labs, not the tail of the last hammer.
      if (phase === 'labs') await openLoop(production, SETTLE_MS, () => {});
      else await new Promise((r) => setTimeout(r, 300));
    }
    const report = await fetch(`${child.labs}/v1/labs/experiments/${id}/report`).then(
      (r) => r.json() as Promise<Record<string, unknown>>,
    );
    const base = [...lat.baseline].sort((a, b) => a - b);
    const labs = [...lat.labs].sort((a, b) => a - b);
    const figures = {
      bench: 'labs',
      windows,
      seconds_per_window: windowMs / 1000,
      production_rate_per_s: production.reduce((a, s) => a + s.perSecond, 0),
      labs_rate_per_s: labsRate,
      prototype: fixture,
      circuit_breaker: breaker ? 'on (5 failures, 5 s cool-down)' : 'off',
      baseline_requests: base.length,
      labs_requests: labs.length,
      baseline_p50_ms: Number(p(base, 0.5).toFixed(2)),
      labs_p50_ms: Number(p(labs, 0.5).toFixed(2)),
      baseline_p95_ms: Number(p(base, 0.95).toFixed(2)),
      labs_p95_ms: Number(p(labs, 0.95).toFixed(2)),
      baseline_p99_ms: Number(p(base, 0.99).toFixed(2)),
      labs_p99_ms: Number(p(labs, 0.99).toFixed(2)),
      production_errors: errors.baseline + errors.labs,
      hammer_calls: hammerCalls,
      hammer_achieved_per_s: Number((hammerCalls / ((windows / 2) * (windowMs / 1000))).toFixed(1)),
      hammer_http_errors: errors.hammer,
      hammer_outcomes: report['outcomes'],
      hammer_reasons_note:
        'timeout: killed at 250 ms; error: sandbox restarting after repeated kills (back-off); rejected: concurrency cap (2)',
      // Per block (baseline, labs, labs, baseline): its labs windows' p99 over its baselines';
      // slow drift in the machine's other load cancels out within a block.
      window_p99_ms: perWindow.map((x) => Number(x.toFixed(1))),
      slowdown_median_of_blocks: Number(
        median(
          perWindow.flatMap((_, i) =>
            i % 4 === 0
              ? [
                  ((perWindow[i + 1] ?? 0) + (perWindow[i + 2] ?? 0)) /
                    ((perWindow[i] ?? 0) + (perWindow[i + 3] ?? 0)),
                ]
              : [],
          ),
        ).toFixed(3),
      ),
      // p99 with Labs over p99 without: the done-when asks ≤ 1.2.
      p99_slowdown: Number((p(labs, 0.99) / p(base, 0.99)).toFixed(3)),
      // As every bench: speed with Labs hammered over speed without (above 1 = faster with Labs;
      // ≥ 0.833 is the done-when's 1.2× bound).
      ratio: Number((p(base, 0.99) / p(labs, 0.99)).toFixed(3)),
    };
    hammerProc.stop();
    console.log(
      `production p99: ${figures.baseline_p99_ms} ms without Labs, ${figures.labs_p99_ms} ms with Labs hammered (×${figures.p99_slowdown})`,
    );
    console.log(JSON.stringify(figures));
  } finally {
    child.proc.kill('SIGTERM');
    await new Promise((r) => child.proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** productionStreams is the production load both modes measure (10 requests a second). */
function productionStreams(prod: string): Stream[] {
  return [
    {
      name: 'ingest',
      perSecond: 4,
      send: () => post(`${prod}/v1/records`, batch(100), 'application/x-ndjson'),
    },
    { name: 'models', perSecond: 4, send: () => fetch(`${prod}/v1/models`).then((r) => r.text()) },
    {
      name: 'performance',
      perSecond: 2,
      send: () => fetch(`${prod}/v1/models/bench/performance?granularity=hour`).then((r) => r.text()),
    },
  ];
}

/** shadowMain: production p99 with a shadow experiment paused (baseline) and live (shadow). */
async function shadowMain(args: string[]): Promise<void> {
  const windowMs = option(args, '--seconds-per-window', 6) * 1000;
  const windows = option(args, '--windows', 20);
  if (windows % 4 !== 0)
    throw new Error('--windows must be a multiple of 4 (blocks of baseline, shadow, shadow, baseline)');
  const percent = option(args, '--shadow-percent', 100);
  const fixtureAt = args.indexOf('--fixture');
  const fixture = fixtureAt >= 0 ? (args[fixtureAt + 1] ?? 'shadow') : 'shadow';
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-shadow-'));
  const child = await startChild(dataDir);
  try {
    for (let i = 0; i < 10; i++) await post(`${child.prod}/v1/records`, batch(2000), 'application/x-ndjson');
    // Shadow hears the production server's ingest: the experiment lives on the production app.
    const exp = await post(`${child.prod}/v1/labs/experiments`, {
      name: `bench shadow ${fixture}`,
      source: { type: 'module', path: `${FIXTURES}${fixture}` },
      limits: { timeout_ms: 250, concurrency: 2, memory_mb: 64 },
      prices: { cpu_hour_usd: 0.05, gb_hour_usd: 0.01 },
      shadow: { model: 'bench', version: 'shadow', percent },
    });
    const id = String(exp['id']);
    const setState = (state: 'live' | 'paused') =>
      post(`${child.prod}/v1/labs/experiments/${id}/state`, { state });
    const production = productionStreams(child.prod);
    const lat: Record<'baseline' | 'shadow', number[]> = { baseline: [], shadow: [] };
    const perWindow: number[] = [];
    const errors = { baseline: 0, shadow: 0 };
    // Warm-up, not counted: shadow live (the sandbox starts), then paused and production alone.
    await setState('live');
    await openLoop(production, 3000, () => {});
    await setState('paused');
    await openLoop(production, SETTLE_MS, () => {});
    for (let w = 0; w < windows; w++) {
      const phase = w % 4 === 0 || w % 4 === 3 ? 'baseline' : 'shadow';
      if (phase === 'shadow' && w % 4 === 1) await setState('live');
      const samples: number[] = [];
      await openLoop(production, windowMs, (_name, ms, ok) => {
        samples.push(ms);
        if (!ok) errors[phase]++;
      });
      lat[phase].push(...samples);
      perWindow.push(
        p(
          samples.sort((a, b) => a - b),
          0.99,
        ),
      );
      if (phase === 'shadow' && w % 4 === 2) {
        await setState('paused');
        // Production alone (not counted) while the queued shadow calls drain.
        await openLoop(production, SETTLE_MS, () => {});
      } else await new Promise((r) => setTimeout(r, 300));
    }
    const models = (await fetch(`${child.prod}/v1/models`).then((r) => r.json())) as {
      models: Array<{ model: string; environments: Record<string, { records: number }> }>;
    };
    const logged = models.models.find((m) => m.model === 'bench')?.environments['lab']?.records ?? 0;
    const base = [...lat.baseline].sort((a, b) => a - b);
    const shadow = [...lat.shadow].sort((a, b) => a - b);
    const figures = {
      bench: 'labs-shadow',
      windows,
      seconds_per_window: windowMs / 1000,
      production_rate_per_s: production.reduce((a, s) => a + s.perSecond, 0),
      records_ingested_per_s: 400,
      shadow_percent: percent,
      prototype: fixture,
      baseline_requests: base.length,
      shadow_requests: shadow.length,
      baseline_p50_ms: Number(p(base, 0.5).toFixed(2)),
      shadow_p50_ms: Number(p(shadow, 0.5).toFixed(2)),
      baseline_p99_ms: Number(p(base, 0.99).toFixed(2)),
      shadow_p99_ms: Number(p(shadow, 0.99).toFixed(2)),
      production_errors: errors.baseline + errors.shadow,
      shadow_records_logged: logged,
      window_p99_ms: perWindow.map((x) => Number(x.toFixed(1))),
      // p99 with shadow over p99 without: the done-when asks ≤ 1.2.
      p99_slowdown: Number((p(shadow, 0.99) / p(base, 0.99)).toFixed(3)),
      ratio: Number((p(base, 0.99) / p(shadow, 0.99)).toFixed(3)),
    };
    console.log(
      `production p99: ${figures.baseline_p99_ms} ms without shadow, ${figures.shadow_p99_ms} ms with shadow on (×${figures.p99_slowdown}); ${logged} shadow records logged`,
    );
    console.log(JSON.stringify(figures));
  } finally {
    child.proc.kill('SIGTERM');
    await new Promise((r) => child.proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === HERE && process.argv[2] === '--serve') await serve(process.argv[3] ?? '');
if (process.argv[1] === HERE && process.argv[2] === '--hammer')
  hammerMain(JSON.parse(process.argv[3] ?? '{}'));
