import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../store/test-support/test-store.js';
import { modelRecords, type RunningVigil, startVigil } from './test-support/vigil-process.js';

// This test stops and starts a ClickHouse server of its own (never the shared test server), so
// it runs wherever clickhouse-server is installed, whatever VIGIL_TEST_ENGINE says.
const SCRIPT = fileURLToPath(new URL('../../scripts/clickhouse-server.sh', import.meta.url));
const hasServer =
  existsSync('/usr/sbin/clickhouse-server') ||
  execFileSync('sh', ['-c', 'command -v clickhouse-server || true'], { encoding: 'utf8' }).trim() !== '';

function clickhouse(...args: string[]): string {
  return execFileSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

const T0 = Date.UTC(2026, 10, 1);
const body = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      model: 'outage',
      id: `${prefix}-${i}`,
      timestamp: T0 + i * 1000,
      features: { x: i, c: i % 2 ? 'a' : 'b' },
      prediction: { score: (i % 10) / 10 },
    }),
  ).join('\n');

async function post(url: string, payload: string, key?: string) {
  const res = await fetch(`${url}/v1/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...(key ? { 'idempotency-key': key } : {}) },
    body: payload,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function get(url: string, path: string) {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe.skipIf(!hasServer)('ClickHouse stopped under a running vigil serve (server mode)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-outage-'));
  let vigil: RunningVigil | undefined;
  afterAll(async () => {
    await vigil?.kill9();
    try {
      clickhouse('stop', join(dir, 'ch'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 503 with the cause while ClickHouse is down, stays up, and recovers by itself', async () => {
    const chDir = join(dir, 'ch');
    const chUrl = clickhouse('start', chDir);
    vigil = await startVigil(['--clickhouse-url', chUrl, '--database', uniqueName()]);
    const { url } = vigil;

    expect((await post(url, body('before', 300))).status).toBe(200);
    expect((await get(url, '/healthz')).status).toBe(200);

    // Writers that retry each batch (same ids, same key) until it is acknowledged, through the outage.
    let acked = 0;
    let refused = 0;
    let writing = true;
    const writer = async (w: number) => {
      for (let b = 0; writing; b++) {
        const payload = body(`w${w}-b${b}`, 50);
        for (;;) {
          const res = await post(url, payload, `w${w}-b${b}`).catch(() => ({ status: 0 }) as const);
          if (res.status === 200) {
            acked += 50;
            break;
          }
          expect(res.status).toBe(503);
          refused++;
          await sleep(100);
        }
      }
    };
    const writers = [writer(0), writer(1)];
    while (acked < 500) await sleep(20);

    clickhouse('stop', chDir);
    // Ingestion: 503 with a code naming the cause and Retry-After; nothing acknowledged.
    const down = await post(url, body('during', 100));
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: { code: 'store_unavailable' } });
    expect(down.headers.get('retry-after')).toBe('1');
    // Queries: 503 too, not 500.
    for (const path of ['/v1/models', '/v1/models/outage', '/v1/models/outage/drift', '/v1/rejected']) {
      const res = await get(url, path);
      expect({ path, status: res.status, code: (res.body['error'] as { code?: string })?.code }).toEqual({
        path,
        status: 503,
        code: 'store_unavailable',
      });
    }
    const health = await get(url, '/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'degraded',
      store: { engine: 'server', ok: false },
      error: { code: 'store_unavailable' },
    });
    expect(String((health.body['error'] as { message: string }).message)).toMatch(/not reachable/);
    await sleep(500); // the writers keep hitting the outage meanwhile
    expect(vigil.proc.exitCode).toBeNull();

    // ClickHouse comes back on the same port; Vigil was not restarted.
    clickhouse('start', '--same-ports', chDir);
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      healthy = (await get(url, '/healthz')).status === 200;
      if (!healthy) await sleep(100);
    }
    expect(healthy).toBe(true);
    const target = acked + 300;
    while (acked < target) await sleep(20);
    writing = false;
    await Promise.all(writers);
    expect(refused).toBeGreaterThan(0);

    expect((await post(url, body('after', 200))).status).toBe(200);
    // Exactly what was acknowledged: the refused request's rows were never written, and every
    // batch the writers retried through the outage counts once.
    expect(await modelRecords(url)).toEqual({ outage: { production: 300 + acked + 200 } });
    expect((await get(url, '/v1/models/outage/drift')).status).toBe(200);
    expect(await vigil.stop()).toBe(0);
    vigil = undefined;
  });
});
