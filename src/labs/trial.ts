import { resolve } from 'node:path';
import { noopLogger } from '../shared/index.js';
import { entryFileOf } from './experiment.js';
import { ModulePool } from './sandbox/module-pool.js';

export interface TrialResult {
  status: 'ok' | 'rejected' | 'error' | 'timeout' | 'aborted';
  reason: string;
  message: string;
  output: unknown;
  latency_ms: number;
  cpu_ms: number;
  peak_mb: number;
  parts: Record<string, number>;
}

/**
 * tryPrototype runs a prototype once in the same sandbox the gateway uses (permission model,
 * memory cap, timeout), without a store: what `vigil labs try` prints, so a researcher sees
 * before going live what the gateway will see. ctx.query has no store here and says so.
 */
export async function tryPrototype(
  folder: string,
  input: unknown,
  opts: { timeoutMs: number; memoryMb: number; maxOutputBytes?: number },
): Promise<TrialResult> {
  const dir = resolve(folder);
  entryFileOf(dir, 'folder');
  const pool = new ModulePool({
    folder: dir,
    memoryMb: opts.memoryMb,
    size: 1,
    maxOutputBytes: opts.maxOutputBytes ?? 64 * 1024,
    logger: noopLogger,
    onQuery: async () => {
      throw new Error('ctx.query needs a Vigil server; vigil labs try runs without a store');
    },
  });
  try {
    await pool.whenReady(30_000);
    const t0 = performance.now();
    const inputJson = JSON.stringify(input ?? null);
    const r = await pool.invoke({
      input,
      inputJson,
      feature: 'try',
      deadline: performance.now() + opts.timeoutMs,
      signal: new AbortController().signal,
    });
    return {
      status: r.status,
      reason: r.reason,
      message: r.message,
      output: r.outputJson === undefined ? null : JSON.parse(r.outputJson),
      latency_ms: Math.round((performance.now() - t0) * 1000) / 1000,
      cpu_ms: Math.round(r.cpuMs * 1000) / 1000,
      peak_mb: Math.round(r.peakMb * 10) / 10,
      parts: Object.fromEntries(r.spans),
    };
  } finally {
    await pool.close();
  }
}
