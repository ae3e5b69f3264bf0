import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../store/test-support/test-store.js';
import { modelRecords, type RunningVigil, startVigil } from './test-support/vigil-process.js';

// A real ClickHouse cluster (scripts/clickhouse-cluster.sh: one ZooKeeper, 2 shards x 2
// replicas of Debian's clickhouse-server 18.16) under two `vigil serve --cluster` nodes. It
// starts and stops a cluster of its own, so it runs only where asked: VIGIL_TEST_CLUSTER=1
// (scripts/test.sh sets it in CI's cluster phase, after scripts/clickhouse-cluster.sh install).
const enabled = process.env['VIGIL_TEST_CLUSTER'] === '1';
const SCRIPT = fileURLToPath(new URL('../../scripts/clickhouse-cluster.sh', import.meta.url));
const CLUSTER = 'vigil';

function cluster(...args: string[]): string {
  return execFileSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** clickhouse runs one statement on one node, straight over HTTP (test set-up and checks only). */
async function clickhouse(nodeUrl: string, statement: string): Promise<string> {
  const u = new URL(nodeUrl);
  const res = await fetch(`${u.protocol}//${u.host}/`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`)}`,
    },
    body: statement,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${statement}: ${text}`);
  return text.trim();
}

const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / HOUR) * HOUR;

/** records of model "fraud": training rows around 0, production rows shifted for the drift check. */
function records(prefix: string, n: number, environment: 'training' | 'production'): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      model: 'fraud',
      id: `${prefix}-${i}`,
      environment,
      timestamp: NOW - 6 * HOUR + ((i * 7919) % (5 * HOUR)),
      features: {
        amount: (environment === 'training' ? 0 : 3) + ((i * 37) % 100) / 10,
        channel: i % 3 ? 'web' : 'app',
      },
      prediction: { score: (i % 10) / 10 },
      tags: { region: i % 2 ? 'EU' : 'US' },
    }),
  ).join('\n');
}

async function post(url: string, path: string, body: string, type = 'application/x-ndjson') {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function get<T = Record<string, unknown>>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Drift {
  features: Array<{ name: string; drifted: boolean }>;
}

async function counts(url: string): Promise<Record<string, number>> {
  return (await modelRecords(url))['fraud'] ?? {};
}

async function evaluated(url: string, monitor: string): Promise<string | null> {
  const m = await get<{ status: { evaluated: string | null } }>(url, `/v1/monitors/${monitor}`);
  return m.status.evaluated;
}

/** stderrOf collects what a running node writes to stderr from now on. */
function stderrOf(node: RunningVigil): { text: string } {
  const out = { text: '' };
  node.proc.stderr?.on('data', (d: Buffer) => {
    out.text += d.toString();
  });
  return out;
}

const TITLE = 'vigil serve on a ClickHouse cluster (2 shards x 2 replicas, ZooKeeper)';
describe.skipIf(!enabled)(
  enabled
    ? TITLE
    : `${TITLE}: skipped, VIGIL_TEST_CLUSTER=1 is not set (scripts/test.sh sets it when zookeeper is installed)`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-'));
    const database = uniqueName();
    let urls: string[] = [];
    let a: RunningVigil | undefined;
    let b: RunningVigil | undefined;
    let logA = { text: '' };
    let logB = { text: '' };

    beforeAll(async () => {
      const started = performance.now();
      urls = cluster('start', join(dir, 'ch'), CLUSTER).split('\n');
      console.log(`cluster of ${urls.length} nodes up in ${Math.round(performance.now() - started)} ms`);
      expect(urls).toHaveLength(4);
      const args = (node: string) => ['--clickhouse-url', node, '--database', database, '--cluster', CLUSTER];
      // A on node 1 (shard 1, replica 1), B on node 4 (shard 2, replica 2). A migrates first; B
      // finds the schema made.
      a = await startVigil(args(urls[0] as string));
      logA = stderrOf(a);
      b = await startVigil(args(urls[3] as string));
      logB = stderrOf(b);
    }, 300_000);

    afterAll(async () => {
      await a?.kill9();
      await b?.kill9();
      try {
        cluster('stop', join(dir, 'ch'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

    it('made replicated local tables behind Distributed tables on every node', async () => {
      for (const node of urls) {
        const engines = await clickhouse(
          node,
          `SELECT name, engine FROM system.tables WHERE database = '${database}' AND name IN ('records', 'records_local', 'actuals_local', 'leases') ORDER BY name FORMAT TSV`,
        );
        expect(engines.split('\n')).toEqual([
          'actuals_local\tReplicatedReplacingMergeTree',
          'leases\tDistributed',
          'records\tDistributed',
          'records_local\tReplicatedReplacingMergeTree',
        ]);
      }
    });

    it('reads through node B what was written through node A, and keeps going with a replica stopped', async () => {
      const va = a as RunningVigil;
      const vb = b as RunningVigil;
      // B answers (and caches) before A writes: its cache must not hide A's writes after.
      expect(await counts(vb.url)).toEqual({});
      await post(va.url, '/v1/records', records('train', 1000, 'training'));
      await post(va.url, '/v1/records', records('prod', 1000, 'production'));
      // Read-your-writes across nodes: the inserts returned once their shards had the rows.
      expect(await counts(vb.url)).toEqual({ training: 1000, production: 1000 });
      expect(await counts(va.url)).toEqual({ training: 1000, production: 1000 });
      const drift = await get<Drift>(vb.url, '/v1/models/fraud/drift?baseline=training');
      expect(drift.features.find((f) => f.name === 'amount')?.drifted).toBe(true);
      expect(drift.features.find((f) => f.name === 'channel')?.drifted).toBe(false);
      // A segment query (its tag check selects only a constant through the Distributed table).
      const segments = await fetch(`${vb.url}/v1/models/fraud/segments?by=region`);
      expect(segments.status).toBe(200);
      // The rows are spread over both shards.
      const perShard = await Promise.all(
        [urls[0], urls[2]].map(async (node) =>
          Number(await clickhouse(node as string, `SELECT count() FROM ${database}.records_local`)),
        ),
      );
      expect(perShard.every((n) => n > 0)).toBe(true);
      expect(perShard[0]! + perShard[1]!).toBe(2000);

      // Stop node 3 (shard 2, replica 1: the replica every node writes shard 2's rows to while it
      // is up), once its replica on node 4 has fetched what it holds (replication is
      // asynchronous; an acknowledged insert is on one replica until then).
      await clickhouse(urls[3] as string, `SYSTEM SYNC REPLICA ${database}.records_local`);
      cluster('stop-node', join(dir, 'ch'), '3');
      expect(await counts(vb.url)).toEqual({ training: 1000, production: 1000 });
      expect(await counts(va.url)).toEqual({ training: 1000, production: 1000 });
      // Ingest goes on through both nodes; shard 2's rows now go to node 4.
      await post(va.url, '/v1/records', records('prod-a', 500, 'production'));
      await post(vb.url, '/v1/records', records('prod-b', 500, 'production'));
      expect(await counts(va.url)).toEqual({ training: 1000, production: 2000 });
      expect(await counts(vb.url)).toEqual({ training: 1000, production: 2000 });
      const after = await get<Drift>(va.url, '/v1/models/fraud/drift?baseline=training');
      expect(after.features.find((f) => f.name === 'amount')?.drifted).toBe(true);
    }, 240_000);

    it('runs monitor evaluation on the lease holder only, and another node takes over within 30 s of its death', async () => {
      const nodes = [a as RunningVigil, b as RunningVigil];
      const holderOf = async () => {
        const out = await clickhouse(
          urls[0] as string,
          `SELECT holder FROM ${database}.leases WHERE name = 'scheduler' GROUP BY term, holder ORDER BY term DESC, holder LIMIT 1 FORMAT TSV`,
        );
        return out;
      };
      let holderId = '';
      await expect
        .poll(async () => (holderId = await holderOf()), { timeout: 30_000, interval: 500 })
        .toMatch(/^\d+-/);
      const holder = nodes.find((n) => holderId.startsWith(`${n.proc.pid}-`)) as RunningVigil;
      expect(holder).toBeDefined();
      const other = nodes.find((n) => n !== holder) as RunningVigil;
      const [holderLog, otherLog] = holder === a ? [logA, logB] : [logB, logA];

      const monitor = async (url: string, name: string, model: string) =>
        String(
          (
            await post(
              url,
              '/v1/monitors',
              JSON.stringify({
                name,
                model,
                kind: 'volume',
                threshold: { op: '<', value: 1 },
                allow_unknown_model: true,
              }),
              'application/json',
            )
          )['id'],
        );
      // Created through the other node, evaluated by the holder's scheduler.
      const first = await monitor(other.url, 'volume before', 'fraud');
      await expect.poll(() => evaluated(other.url, first), { timeout: 60_000, interval: 500 }).not.toBeNull();
      await sleep(1_000);
      expect(holderLog.text + otherLog.text).not.toMatch(/monitor tick failed/);

      // The holder dies without a word; the lease runs out and the other node takes it. The
      // monitor created now is on a model without records (one evaluation, one error event), so
      // the wait measures the takeover, not a week of backfill steps.
      await holder.kill9();
      const killed = performance.now();
      const second = await monitor(other.url, 'volume after', 'ghost');
      await expect
        .poll(() => evaluated(other.url, second), {
          timeout: Math.max(1, 30_000 - (performance.now() - killed)),
          interval: 250,
        })
        .not.toBeNull();
      console.log(
        `monitor evaluation taken over ${Math.round(performance.now() - killed)} ms after the holder was killed`,
      );
      expect(otherLog.text).toMatch(/lease taken/);
      expect(await holderOf()).toMatch(new RegExp(`^${other.proc.pid}-`));
    }, 180_000);
  },
);
