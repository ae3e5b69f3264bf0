import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import {
  type Monitor,
  type MonitorSpec,
  monitorIdOf,
  parseDuration,
  parseMonitorsYaml,
  type ReplayError,
  type ReplayEvent,
  replayMonitors,
} from '../monitor/index.js';
import { checkName, DEFAULT_PROJECT, parseTimestamp, systemClock, VigilError } from '../shared/index.js';
import { Entities } from '../store/index.js';
import { apiCall } from './api-client.js';
import { openCliStore } from './cli-errors.js';
import { addStoreOptions, storeOptionsOf } from './store-options.js';

/** readMonitorsFile reads and validates a YAML file of monitors; errors name the item and field. */
export async function readMonitorsFile(path: string): Promise<MonitorSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new VigilError(
      'no_such_file',
      `cannot read monitors file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  return parseMonitorsYaml(text, path);
}

function timeOption(value: string, flag: string): number {
  const t = parseTimestamp(/^\d+$/.test(value) ? Number(value) : value);
  if (typeof t === 'string') throw new VigilError('invalid_argument', `${flag}: ${t}`);
  return t;
}

const MAX_STEPS = 100_000;

/** formatTimeline prints one line per state change: time, monitor, state, value, threshold, breach. */
export function formatTimeline(events: readonly ReplayEvent[], errors: readonly ReplayError[] = []): string {
  const failed = errors.map((e) => `${e.time}  ${e.monitor}  ERROR     ${e.error}\n`).join('');
  if (events.length === 0) return `${failed}no state changes\n`;
  const fmt = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(4))));
  return `${events
    .map((e) => {
      const thr = e.threshold ? `${e.threshold.op} ${fmt(e.threshold.value)}` : '-';
      const breach = e.predicted_breach ? `  predicted breach ${e.predicted_breach}` : '';
      return `${e.time}  ${e.monitor}  ${e.state.padEnd(8)}  value ${fmt(e.value)}  threshold ${thr}${breach}\n    ${e.reason}`;
    })
    .join('\n')}\n${failed}`;
}

/** printReplay writes a replay's answer as the local path and the --server path both print it. */
function printReplay(
  format: 'text' | 'json',
  replay: { events: readonly ReplayEvent[]; errors: readonly ReplayError[] },
): void {
  // A monitor's error is reported with its time step, and the others' answers still given.
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify({ events: replay.events, errors: replay.errors })}\n`
      : formatTimeline(replay.events, replay.errors),
  );
}

/** registerMonitorCommands adds `vigil monitor replay`. */
export function registerMonitorCommands(program: Command, fail: (e: unknown) => never): void {
  const monitor = program.command('monitor').description('work with monitors');
  addStoreOptions(
    monitor
      .command('replay')
      .description('evaluate monitors as of each step of a past range, using only what was known then')
      .requiredOption('--from <time>', 'first step (RFC 3339 or epoch ms)')
      .requiredOption('--to <time>', 'last step')
      .option('--step <duration>', 'time between evaluations (e.g. 1h, 1d)', '1h')
      .option('--monitors <file>', "YAML file of monitors (default: the project's stored monitors)")
      .option('--project <name>', 'project', DEFAULT_PROJECT)
      .option(
        '--server <url>',
        'replay on a running Vigil server (POST /v1/monitors/replay, editor key) instead of opening the store',
      )
      .option(
        '--api-key <key>',
        'API key for --server (default: $VIGIL_API_KEY)',
        process.env['VIGIL_API_KEY'],
      )
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text')),
  ).action(async (opts) => {
    try {
      const fromMs = timeOption(opts.from, '--from');
      const toMs = timeOption(opts.to, '--to');
      if (!(fromMs <= toMs)) throw new VigilError('invalid_argument', '--from must not be after --to');
      const stepMs = parseDuration(opts.step, '--step');
      if ((toMs - fromMs) / stepMs > MAX_STEPS)
        throw new VigilError('invalid_argument', `--step: more than ${MAX_STEPS} steps; use a longer step`);
      const project = checkName(opts.project, '--project');
      const specs: MonitorSpec[] | undefined =
        opts.monitors === undefined ? undefined : await readMonitorsFile(opts.monitors);
      if (opts.server !== undefined) {
        // The server replays the same way on the store it holds (the server bounds the steps).
        const replay = await apiCall<{ events: ReplayEvent[]; errors: ReplayError[] }>(
          { server: opts.server, apiKey: opts.apiKey, project },
          'POST',
          '/v1/monitors/replay',
          {
            from: new Date(fromMs).toISOString(),
            to: new Date(toMs).toISOString(),
            step: opts.step,
            // A replay sends no notifications: the file's webhook receivers and secrets stay here.
            ...(specs === undefined ? {} : { monitors: specs.map((s) => ({ ...s, notify: [] })) }),
          },
          'editor',
        );
        printReplay(opts.format, replay);
        return;
      }
      const store = await openCliStore(storeOptionsOf(opts));
      try {
        const entities = new Entities(store, systemClock);
        let monitors: Monitor[];
        if (specs !== undefined) {
          monitors = specs.map((spec) => ({ ...spec, id: monitorIdOf(spec.name), created: 0, updated: 0 }));
        } else {
          monitors = (await entities.list<Monitor>(project, 'monitor')).map((e) => e.body);
          if (monitors.length === 0)
            throw new VigilError('no_monitors', `project ${project} has no monitors; pass --monitors FILE`);
        }
        printReplay(
          opts.format,
          await replayMonitors({ store, entities, project, monitors, fromMs, toMs, stepMs }),
        );
      } finally {
        await store.close();
      }
    } catch (e) {
      fail(e);
    }
  });
}
