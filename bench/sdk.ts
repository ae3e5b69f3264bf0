// npm run bench -- sdk [--records N]   (needs `npm run build`: it starts the built `vigil serve`)
//
// What a service pays on its own thread per log() call: each call is timed alone (hrtime around
// it), for N realistic records (12 features, tags, a binary prediction), while the client's
// sender really posts batches to a `vigil serve` on an embedded store. The caller yields every
// 100 calls, as a server handling requests does, so the sender runs meanwhile. Baseline, same
// run, same records, same yields: the least a logger that keeps the row can do on the caller's
// thread, JSON.stringify(record) + array push (Python: json.dumps + list.append). ratio = the
// baseline's median time / Vigil's median time (> 1: log() is cheaper than that baseline).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVigil } from '../src/cli/test-support/vigil-process.js';
import { VigilClient } from '../src/sdk/index.js';

const YIELD_EVERY = 100;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function makeRecords(n: number, offset: number) {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return {
      model: 'sdk-bench',
      version: 'v1',
      id: `r${i}`,
      features: {
        amount: (i % 997) * 1.37,
        age: 18 + (i % 60),
        balance: (i % 5003) * 3.1,
        n_tx_24h: i % 17,
        distance_km: (i % 311) * 0.7,
        hour: i % 24,
        score_ext: (i % 101) / 100,
        country: ['US', 'DE', 'FR', 'BR', 'IN'][i % 5] ?? 'US',
        device: i % 3 === 0 ? 'ios' : 'android',
        channel: i % 4 === 0 ? 'web' : 'app',
        is_new: i % 2 === 0,
        merchant: `m${i % 211}`,
      },
      tags: { region: i % 2 === 0 ? 'EU' : 'US' },
      prediction: { label: i % 5 === 0 ? 'fraud' : 'legit', score: (i % 100) / 100 },
    };
  });
}

type Rec = ReturnType<typeof makeRecords>[number];

/** timeCalls times `call` once per record, yielding to the event loop every YIELD_EVERY calls. */
async function timeCalls(records: Rec[], call: (r: Rec) => void): Promise<Float64Array> {
  const out = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!; // i < records.length
    const t0 = process.hrtime.bigint();
    call(r);
    out[i] = Number(process.hrtime.bigint() - t0);
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((res) => setImmediate(res));
  }
  return out;
}

function summary(ns: Float64Array) {
  const s = Float64Array.from(ns).sort();
  const at = (q: number) => (s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN) / 1000;
  return { median_us: round(at(0.5)), p99_us: round(at(0.99)) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function tsFigures(url: string, n: number) {
  let baselineSink: string[] = [];
  const baseline = (r: Rec) => {
    baselineSink.push(JSON.stringify(r));
    if (baselineSink.length >= 500) baselineSink = [];
  };
  const client = new VigilClient({ url });
  const vigil = (r: Rec) => {
    client.log(r);
  };
  // Warm both paths up (JIT), then measure them interleaved in halves so drift in the machine's
  // load hits both alike.
  await timeCalls(makeRecords(20_000, 10_000_000), baseline);
  await timeCalls(makeRecords(20_000, 20_000_000), vigil);
  const halves = [makeRecords(n / 2, 0), makeRecords(n / 2, n / 2)];
  const b: Float64Array[] = [];
  const v: Float64Array[] = [];
  for (const h of halves) {
    // The baseline runs with the client idle, so Vigil's own sender cannot slow it down.
    await client.flush();
    b.push(await timeCalls(h, baseline));
    v.push(await timeCalls(h, vigil));
  }
  await client.close();
  const stats = client.stats();
  // A near-empty call timed the same way: what hrtime itself adds to every figure.
  const empty = summary(await timeCalls(halves[0] ?? [], () => {}));
  const vs = summary(concat(v));
  const bs = summary(concat(b));
  return {
    median_us: vs.median_us,
    p99_us: vs.p99_us,
    baseline_median_us: bs.median_us,
    baseline_p99_us: bs.p99_us,
    timer_overhead_median_us: empty.median_us,
    ratio: round(bs.median_us / vs.median_us),
    accepted: stats.accepted,
    dropped: stats.dropped,
    logged: stats.logged,
  };
}

function concat(xs: Float64Array[]): Float64Array {
  const out = new Float64Array(xs.reduce((a, x) => a + x.length, 0));
  let o = 0;
  for (const x of xs) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

function pythonFigures(url: string, n: number): Record<string, number> | { error: string } {
  const script = fileURLToPath(new URL('../clients/python/tests/bench_log.py', import.meta.url));
  const r = spawnSync('python3', [script, '--url', url, '--records', String(n)], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Record<string, number>;
  } catch {
    return { error: `python3 bench failed (${r.status}): ${r.stderr.slice(-500)}` };
  }
}

export async function main(args: string[]): Promise<void> {
  const n = Math.max(2, Math.floor(option(args, '--records', 200_000) / 2) * 2);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sdk-bench-'));
  const server = await startVigil(['--data', join(dir, 'data')]);
  try {
    const ts = await tsFigures(server.url, n);
    console.log(
      `TypeScript log(): median ${ts.median_us} µs, p99 ${ts.p99_us} µs per call ` +
        `(baseline JSON.stringify+push: median ${ts.baseline_median_us} µs, p99 ${ts.baseline_p99_us} µs; ` +
        `timer alone ${ts.timer_overhead_median_us} µs) over ${n} records; ratio ${ts.ratio}; ` +
        `server accepted ${ts.accepted}/${ts.logged}, dropped ${ts.dropped}`,
    );
    const py = pythonFigures(server.url, n);
    if ('error' in py) console.log(py.error);
    else
      console.log(
        `Python log(): median ${py['median_us']} µs, p99 ${py['p99_us']} µs per call ` +
          `(baseline json.dumps+append: median ${py['baseline_median_us']} µs, p99 ${py['baseline_p99_us']} µs) ` +
          `over ${n} records; ratio ${py['ratio']}; server accepted ${py['accepted']}/${py['logged']}`,
      );
    console.log(
      JSON.stringify({
        bench: 'sdk',
        records: n,
        target_ts_median_us: 5,
        ts,
        python: py,
        ratio: ts.ratio,
      }),
    );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
