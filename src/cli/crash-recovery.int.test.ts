import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { testEngine, uniqueName } from '../store/test-support/test-store.js';
import { modelRecords, startVigil, storeArgs } from './test-support/vigil-process.js';

const CLIENTS = 4;
const BATCHES = 40;
const BATCH_ROWS = 500;

describe(`kill -9 during ingest on ${testEngine}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
  const args = storeArgs(join(dir, 'data'), uniqueName());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged record, once, when 4 clients retry through a crash and restart', async () => {
    let server = await startVigil(args);
    let url = server.url;
    let acked = 0;
    let failures = 0;
    // Each client sends its batches in order and retries a failed one (same ids, same key) until
    // it gets a 200, as a real client would: the server may die at any moment.
    const client = async (c: number) => {
      for (let b = 0; b < BATCHES; b++) {
        const body = Array.from({ length: BATCH_ROWS }, (_, i) =>
          JSON.stringify({
            model: 'crash',
            id: `c${c}-b${b}-${i}`,
            timestamp: Date.UTC(2026, 10, 1) + (b * BATCH_ROWS + i) * 1000,
            features: { x: i, client: `c${c}` },
            prediction: { score: (i % 10) / 10 },
          }),
        ).join('\n');
        for (;;) {
          try {
            const res = await fetch(`${url}/v1/records`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': `c${c}-b${b}` },
              body,
            });
            if (res.status === 200) {
              acked += BATCH_ROWS;
              break;
            }
            failures++;
          } catch {
            failures++;
          }
          await sleep(50);
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    // Crash while the clients are mid-stream, then restart on the same store.
    while (acked < (CLIENTS * BATCHES * BATCH_ROWS) / 4) await sleep(20);
    const ackedBeforeCrash = acked;
    await server.kill9();
    server = await startVigil(args);
    url = server.url;
    await Promise.all(clients);
    try {
      expect(ackedBeforeCrash).toBeLessThan(CLIENTS * BATCHES * BATCH_ROWS);
      expect(failures).toBeGreaterThan(0);
      expect(acked).toBe(CLIENTS * BATCHES * BATCH_ROWS);
      // Exactly the records sent: none acknowledged is missing, none retried counts twice.
      expect(await modelRecords(url)).toEqual({ crash: { production: CLIENTS * BATCHES * BATCH_ROWS } });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
