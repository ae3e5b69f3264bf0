import { demoPrototypeFolder, seedDemo, seedDemoMonitors } from '../demo/index.js';
import type { MonitorSpec } from '../monitor/index.js';
import { buildServer, LeaseKeeper, type VigilServer } from '../server/index.js';
import {
  allowListFromEnv,
  DEFAULT_PROJECT,
  errorMessage,
  type Logger,
  parseAllowList,
  stderrLogger,
  systemClock,
  VigilError,
} from '../shared/index.js';
import type { StoreOptions } from '../store/index.js';
import { Entities } from '../store/index.js';
import { openCliStore } from './cli-errors.js';
import { readMonitorsFile } from './monitor-command.js';

export interface ServeOptions {
  port: number;
  host: string;
  demo: boolean;
  maxBodyMb: number;
  maxQueueRows: number;
  /** monitors: a YAML file of monitors, upserted into the default project at start. */
  monitors?: string;
  /** auth: 'on' | 'off'; undefined means on unless the host is loopback. */
  auth?: string;
  /** allowOutbound: `--allow-outbound` values (host or host:port lists), added to VIGIL_ALLOW_OUTBOUND. */
  allowOutbound?: string[];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** authEnabled: auth is on whenever the server listens beyond loopback, unless turned off. */
export function authEnabled(opts: { host: string; auth?: string }): boolean {
  if (opts.auth === 'on' || opts.auth === 'off') return opts.auth === 'on';
  return !LOOPBACK.has(opts.host.toLowerCase());
}

/**
 * runServe starts the HTTP API and keeps running until SIGTERM/SIGINT, then stops accepting,
 * lets in-flight requests finish, flushes the write queue, closes the store and exits 0.
 */
export async function runServe(opts: ServeOptions, storeOpts: StoreOptions): Promise<void> {
  const logger = stderrLogger();
  // A bad monitors file stops the start before anything is opened.
  const monitorSpecs = opts.monitors === undefined ? undefined : await readMonitorsFile(opts.monitors);
  let allowOutbound: string[];
  try {
    allowOutbound = [...allowListFromEnv(), ...parseAllowList(opts.allowOutbound ?? [])];
  } catch (e) {
    throw new VigilError('invalid_option', errorMessage(e));
  }
  const store = await openCliStore(
    storeOpts,
    'Stop that server first, or give this one another --data folder.',
  );
  const auth = authEnabled(opts);
  // Several nodes on one cluster: the scheduled work runs on the lease holder only.
  const lease = storeOpts.cluster ? new LeaseKeeper({ store, clock: systemClock, logger }) : undefined;
  let server: VigilServer | undefined;
  try {
    server = await buildServer({
      store,
      logger,
      auth: { enabled: auth },
      limits: { bodyLimitBytes: opts.maxBodyMb * 1024 * 1024, maxQueuedRows: opts.maxQueueRows },
      monitors: { scheduler: true },
      warmViews: true,
      allowOutbound,
      ...(lease ? { lease } : {}),
    });
    if (allowOutbound.length > 0) logger.info('outbound allow-list', { hosts: allowOutbound });
    await prepare(server, logger, opts, monitorSpecs);
    // Started after the demo is written: warming between its write bursts would only slow it.
    server.warmer?.start();
    lease?.start();
    await server.app.listen({ port: opts.port, host: opts.host });
  } catch (e) {
    // Close before the CLI exits: exiting with the embedded store still open crashes the process.
    await lease?.stop().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
  const running = server;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    try {
      await lease?.stop();
      await running.close();
      await store.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  const address = running.app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  if (!auth)
    console.error(
      `vigil: auth is off: anyone who can reach ${host}:${port} can read and write every project (use --auth on)`,
    );
  console.log(`vigil listening on http://${host}:${port}`);
}

/** prepare loads the monitors file and, with --demo, writes the demo workspace once. */
async function prepare(
  server: VigilServer,
  logger: Logger,
  opts: ServeOptions,
  monitorSpecs: MonitorSpec[] | undefined,
): Promise<void> {
  if (monitorSpecs !== undefined) {
    const loaded = await server.monitors.loadFile(DEFAULT_PROJECT, monitorSpecs);
    logger.info('monitors loaded', { file: opts.monitors, monitors: loaded.length });
  }
  if (!opts.demo) return;
  demoPrototypeFolder(); // a restart on an existing demo finds its prototype's readable copy
  const started = Date.now();
  const n = await seedDemo(server.store, server.ingest, Date.now());
  if (n > 0) {
    const monitors = await seedDemoMonitors(
      server.monitors,
      new Entities(server.store, systemClock),
      Date.now(),
    );
    logger.info('demo workspace written', { records: n, monitors, ms: Date.now() - started });
  }
  // The demo is for looking at: its model pages are computed before the server says it listens.
  const warming = Date.now();
  await server.warmer?.warmNow();
  logger.info('dashboard views computed', { ms: Date.now() - warming });
}
