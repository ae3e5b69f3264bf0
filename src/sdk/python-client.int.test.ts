import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { modelRecords, type RunningVigil, startVigil, storeArgs } from '../cli/test-support/vigil-process.js';
import { testEngine, uniqueName } from '../store/test-support/test-store.js';
import { storeCounts } from './test-support/store-counts.js';

/** OUTAGE_MS: as in vigil-client.int.test.ts (4 s with a 1 s backoff cap; 20 s by hand). */
const OUTAGE_MS = Number(process.env['VIGIL_SDK_OUTAGE_MS'] ?? 4000);
/** GAP_MS is the outage of issue 22's scenario: 20 s, with the default 5 s backoff cap. */
const GAP_MS = 20_000;
const SCENARIO = fileURLToPath(new URL('../../clients/python/tests/scenario.py', import.meta.url));

type Json = Record<string, unknown>;
interface PyStats extends Json {
  logged: number;
  accepted: number;
  rejected: number;
  dropped: number;
  failed: number;
  buffered: number;
  waiting: number;
  in_flight: number;
  retries: number;
}

/** Scenario drives clients/python/tests/scenario.py: its progress lines, stdin, and the final line. */
class Scenario {
  readonly proc: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly done: Promise<{ code: number | null; result: Json | undefined; stderr: string }>;
  last: Json | undefined;
  #result: Json | undefined;
  #stderr = '';

  constructor(name: string, url: string, model: string) {
    this.proc = spawn('python3', [SCENARIO, name, '--url', url, '--model', model], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.#stderr += d.toString();
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const sp = line.indexOf(' ');
      const body = JSON.parse(line.slice(sp + 1)) as Json;
      if (line.startsWith('done ')) this.#result = body;
      else this.last = body;
    });
    this.done = new Promise((resolve) =>
      this.proc.on('close', (code) => resolve({ code, result: this.#result, stderr: this.#stderr })),
    );
  }

  /** until waits for a progress line that satisfies `ok`. */
  async until(ok: (p: Json) => boolean, timeoutMs = 30_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.last && ok(this.last)) return this.last;
      if (this.proc.exitCode !== null) break;
      await sleep(20);
    }
    throw new Error(`no progress line matched; last ${JSON.stringify(this.last)}; stderr ${this.#stderr}`);
  }

  say(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  async finish(): Promise<{ stats: PyStats; records: number; actuals?: number }> {
    const { code, result, stderr } = await this.done;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    return result as { stats: PyStats; records: number; actuals?: number };
  }

  /** finishWarned is finish() for a scenario that loses rows on purpose: it returns its stderr. */
  async finishWarned(): Promise<{ stats: PyStats; stderr: string }> {
    const { code, result, stderr } = await this.done;
    expect(code).toBe(0);
    return { stats: (result as { stats: PyStats }).stats, stderr };
  }
}

// The client's volume and outage scenarios test the client, not the engine: they run once, on
// the embedded engine (each takes 1-3 minutes); the server-engine run keeps the shorter ones.
const heavy = it.skipIf(testEngine === 'server');

describe(`Python client against vigil serve on ${testEngine}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sdk-py-'));
  const dataDir = join(dir, 'data');
  const running = new Set<RunningVigil>();
  const scenarios = new Set<Scenario>();
  const start = async (args: string[]) => {
    const s = await startVigil(args);
    running.add(s);
    return s;
  };
  const stop = async (s: RunningVigil) => {
    running.delete(s);
    return s.stop();
  };
  const scenario = (name: string, url: string, model: string) => {
    const s = new Scenario(name, url, model);
    scenarios.add(s);
    return s;
  };
  afterEach(async () => {
    for (const s of scenarios) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    scenarios.clear();
    for (const s of [...running]) await stop(s);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  heavy(
    'logs 100,000 records and 100,000 delayed actuals; the server holds exactly 100,000 of each',
    async () => {
      const database = uniqueName('sdkpy');
      const server = await start(storeArgs(dataDir, database));
      const { stats } = await scenario('volume', server.url, 'pyvolume').finish();
      expect(stats).toMatchObject({
        logged: 200_000,
        accepted: 200_000,
        rejected: 0,
        dropped: 0,
        failed: 0,
        buffered: 0,
        in_flight: 0,
      });
      expect(await modelRecords(server.url)).toEqual({ pyvolume: { production: 100_000 } });
      expect(await stop(server)).toBe(0);
      expect(storeCounts(dataDir, database, 'pyvolume')).toMatchObject({
        records: 100_000,
        recordIds: 100_000,
        rawRecords: 100_000,
        actuals: 100_000,
        actualIds: 100_000,
      });
    },
    300_000,
  ); // 200,000 rows through a real server: ~1 min, longer on a loaded machine

  heavy(
    `loses nothing and counts nothing twice when the server stops for ${OUTAGE_MS / 1000} s mid-stream`,
    async () => {
      const database = uniqueName('sdkpy');
      const args = storeArgs(dataDir, database);
      let server = await start(args);
      const port = new URL(server.url).port;
      const py = scenario('outage', server.url, 'pyoutage');
      const atStop = await py.until((p) => Number(p['logged']) >= 5000);
      expect(await stop(server)).toBe(0);
      await sleep(OUTAGE_MS);
      const duringOutage = py.last;
      expect(Number(duringOutage?.['logged'])).toBeGreaterThan(Number(atStop['logged']));
      server = await start(['--port', port, ...args]);
      py.say('restarted');
      const { stats, records, actuals = 0 } = await py.finish();
      expect(stats.retries).toBeGreaterThan(0);
      expect(stats).toMatchObject({
        logged: records + actuals,
        accepted: records + actuals,
        rejected: 0,
        dropped: 0,
        failed: 0,
      });
      expect(await modelRecords(server.url)).toEqual({ pyoutage: { production: records } });
      expect(await stop(server)).toBe(0);
      expect(storeCounts(dataDir, database, 'pyoutage')).toMatchObject({
        records,
        recordIds: records,
        rawRecords: records,
        actuals,
        actualIds: actuals,
      });
    },
  );

  heavy(
    `issue 22: block mode, 100,000 records and 100,000 actuals, the server away for ${GAP_MS / 1000} s: all stored once, nothing lost`,
    async () => {
      const database = uniqueName('sdkpy');
      const args = storeArgs(dataDir, database);
      let server = await start(args);
      const port = new URL(server.url).port;
      const py = scenario('issue22', server.url, 'pyg');
      // The server stops 2 s after the start and comes back GAP_MS later on the same port and data.
      await sleep(2000);
      expect(await stop(server)).toBe(0);
      await sleep(GAP_MS);
      server = await start(['--port', port, ...args]);
      const { stats } = await py.finish(); // stderr '': no warning, nothing lost
      expect(stats.retries).toBeGreaterThan(0);
      expect(stats).toMatchObject({
        logged: 200_000,
        accepted: 200_000,
        rejected: 0,
        dropped: 0,
        failed: 0,
        lost: 0,
      });
      expect(await stop(server)).toBe(0);
      expect(storeCounts(dataDir, database, 'pyg')).toMatchObject({
        records: 100_000,
        recordIds: 100_000,
        rawRecords: 100_000,
        actuals: 100_000,
        actualIds: 100_000,
        rawActuals: 100_000,
      });
    },
    300_000,
  );

  it('drop-oldest: while the server is away, keeps the newest rows, counts the dropped, and delivers the rest', async () => {
    const database = uniqueName('sdkpy');
    const args = storeArgs(dataDir, database);
    let server = await start(args);
    const port = new URL(server.url).port;
    expect(await stop(server)).toBe(0);
    const py = scenario('drop', `http://127.0.0.1:${port}`, 'pydrop');
    const held = await py.until((p) => p['logged'] === 3000);
    // The sender thread may have taken the first batch (r0..r99) in flight before the rest came.
    expect(Number(held['dropped'])).toBeGreaterThanOrEqual(1900);
    expect(Number(held['buffered']) + Number(held['in_flight']) + Number(held['dropped'])).toBe(3000);
    server = await start(['--port', port, ...args]);
    py.say('up');
    const { stats, stderr } = await py.finishWarned();
    expect(stats.accepted + stats.dropped).toBe(3000);
    expect(stats.failed).toBe(0);
    // Loud: one warning at the first drop naming the fix, one at close() with the count.
    expect(stats['lost']).toBe(stats.dropped);
    expect(stderr).toContain('on_overflow="block"');
    expect(stderr).toContain(
      `close(): ${stats.dropped} of 3000 rows were not stored: ${stats.dropped} dropped`,
    );
    expect(await stop(server)).toBe(0);
    expect(storeCounts(dataDir, database, 'pydrop')).toMatchObject({
      records: stats.accepted,
      recordIds: stats.accepted,
      maxId: 'r002999',
    });
  });

  it('block: log() waits while the server is away and every row arrives once it is back', async () => {
    const database = uniqueName('sdkpy');
    const args = storeArgs(dataDir, database);
    let server = await start(args);
    const port = new URL(server.url).port;
    expect(await stop(server)).toBe(0);
    const py = scenario('block', `http://127.0.0.1:${port}`, 'pyblock');
    const held = await py.until((p) => p['waiting'] === 1 && Number(p['retries']) > 1);
    expect(Number(held['returned'])).toBeLessThanOrEqual(600);
    expect(held).toMatchObject({ buffered: 500, in_flight: 100, dropped: 0 });
    server = await start(['--port', port, ...args]);
    const { stats } = await py.finish();
    expect(stats).toMatchObject({ logged: 2000, accepted: 2000, dropped: 0, failed: 0 });
    expect(await stop(server)).toBe(0);
    expect(storeCounts(dataDir, database, 'pyblock')).toMatchObject({ records: 2000, recordIds: 2000 });
  });

  it('shutdown: a with-block sends its partial batch on exit, and a client never closed sends at exit', async () => {
    const database = uniqueName('sdkpy');
    const server = await start(storeArgs(dataDir, database));
    const { stats } = await scenario('shutdown', server.url, 'pyexit').finish();
    expect(stats).toMatchObject({ logged: 766, accepted: 766 });
    expect(await modelRecords(server.url)).toEqual({ pyexit: { production: 2000 } });
    expect(await stop(server)).toBe(0);
  });
});
