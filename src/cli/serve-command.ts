import { seedDemo } from '../demo/demo-workspace.js';
import { buildServer } from '../server/index.js';
import { stderrLogger } from '../shared/logger.js';
import { openStore, type StoreOptions } from '../store/index.js';

export interface ServeOptions {
  port: number;
  host: string;
  demo: boolean;
  maxBodyMb: number;
  maxQueueRows: number;
}

/**
 * runServe starts the HTTP API and keeps running until SIGTERM/SIGINT, then stops accepting,
 * lets in-flight requests finish, flushes the write queue, closes the store and exits 0.
 */
export async function runServe(opts: ServeOptions, storeOpts: StoreOptions): Promise<void> {
  const logger = stderrLogger();
  const store = await openStore(storeOpts);
  const server = await buildServer({
    store,
    logger,
    limits: { bodyLimitBytes: opts.maxBodyMb * 1024 * 1024, maxQueuedRows: opts.maxQueueRows },
  });
  if (opts.demo) {
    const started = Date.now();
    const n = await seedDemo(store, server.ingest, Date.now());
    if (n > 0) logger.info('demo workspace written', { records: n, ms: Date.now() - started });
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    try {
      await server.close();
      await store.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await server.app.listen({ port: opts.port, host: opts.host });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  console.log(`vigil listening on http://${host}:${port}`);
}
