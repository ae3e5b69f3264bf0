import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTestDataDir, testDataDir, uniqueName } from '../store/test-support/test-store.js';
import { runVigil, startVigil, storeArgs } from './test-support/vigil-process.js';

// Issue 14, finding 1: the operator opens outbound hosts with --allow-outbound (repeatable,
// comma lists) and VIGIL_ALLOW_OUTBOUND; everything else on loopback stays refused.

afterAll(() => cleanupTestDataDir());

const monitor = (port: number) => ({
  name: `latency ${port}`,
  model: 'fraud',
  allow_unknown_model: true, // no records here: the test is about webhook addresses
  kind: 'latency',
  metric: 'p99',
  threshold: { op: '>', value: 50 },
  notify: [`http://127.0.0.1:${port}/hook`],
});

describe('vigil serve --allow-outbound', () => {
  it('opens the hosts named by the flag and by VIGIL_ALLOW_OUTBOUND, and no other', async () => {
    const before = process.env['VIGIL_ALLOW_OUTBOUND'];
    process.env['VIGIL_ALLOW_OUTBOUND'] = '127.0.0.1:40003';
    const vigil = await startVigil([
      ...storeArgs(testDataDir(), uniqueName()),
      '--allow-outbound',
      '127.0.0.1:40001',
      '--allow-outbound',
      'models.internal,127.0.0.1:40002',
    ]).finally(() => {
      if (before === undefined) delete process.env['VIGIL_ALLOW_OUTBOUND'];
      else process.env['VIGIL_ALLOW_OUTBOUND'] = before;
    });
    try {
      const post = async (port: number) => {
        const res = await fetch(`${vigil.url}/v1/monitors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(monitor(port)),
        });
        return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
      };
      expect((await post(40001)).status).toBe(201);
      expect((await post(40002)).status).toBe(201);
      expect((await post(40003)).status).toBe(201);
      const refused = await post(40004);
      expect(refused.status).toBe(400);
      expect(refused.body.error?.message).toMatch(/^notify\[0\]\.url: 127\.0\.0\.1 is a loopback address/);
    } finally {
      await vigil.stop();
    }
  });

  it('refuses a value that is not a host or host:port (exit 2)', () => {
    const r = runVigil(['serve', '--port', '0', '--allow-outbound', 'http://x/', '--data', testDataDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-outbound: "http:\/\/x\/" is not a host or host:port/);
  });
});
