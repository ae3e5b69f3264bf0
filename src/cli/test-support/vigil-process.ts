import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testClickhouseUrl, testEngine } from '../../store/test-support/test-store.js';

/** The built CLI: integration tests run what a user runs (npm test builds first). */
export const VIGIL_BIN = fileURLToPath(new URL('../../../bin/vigil.mjs', import.meta.url));

/** storeArgs points a CLI command at the test engine: a data folder, or the test server. */
export function storeArgs(dataDir: string, database: string): string[] {
  return testEngine === 'server'
    ? ['--clickhouse-url', testClickhouseUrl, '--database', database]
    : ['--data', dataDir, '--database', database];
}

/** runVigil runs one CLI command to completion. */
export function runVigil(args: string[]) {
  const r = spawnSync(process.execPath, [VIGIL_BIN, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface RunningVigil {
  url: string;
  proc: ChildProcess;
  /** stop sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** kill9 kills the process without a chance to flush, as a crash would. */
  kill9(): Promise<void>;
}

/** startVigil starts `vigil serve` on a free port and resolves once it prints its listening line. */
export function startVigil(args: string[]): Promise<RunningVigil> {
  const proc = spawn(process.execPath, [VIGIL_BIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    let out = '';
    // The demo workspace takes its time on a busy machine; a server that never says so is killed.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`vigil serve did not start within 180 s: ${stderr}`));
    }, 180_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil serve exited with ${code}: ${stderr}`));
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /vigil listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          proc,
          async stop() {
            proc.kill('SIGTERM');
            return exited;
          },
          async kill9() {
            proc.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
  });
}

/** modelRecords reads GET /v1/models from a running server as {model: {environment: records}}. */
export async function modelRecords(url: string): Promise<Record<string, Record<string, number>>> {
  const res = await fetch(`${url}/v1/models`);
  const body = (await res.json()) as {
    models: Array<{ model: string; environments: Record<string, { records: number }> }>;
  };
  return Object.fromEntries(
    body.models.map((m) => [
      m.model,
      Object.fromEntries(Object.entries(m.environments).map(([e, v]) => [e, v.records])),
    ]),
  );
}
