import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { buildReport, renderHtml, renderMarkdown, tryPrototype } from '../labs/index.js';
import { checkName, DEFAULT_PROJECT, systemClock, VigilError } from '../shared/index.js';
import type { StoreOptions } from '../store/index.js';
import { Entities } from '../store/index.js';
import { failCli, openCliStore } from './cli-errors.js';
import { addStoreOptions, storeOptionsOf } from './store-options.js';

/** TEMPLATE is the prototype scaffold; the same relative path from src/cli and dist/cli. */
export const TEMPLATE = fileURLToPath(new URL('../../templates/labs/prototype/', import.meta.url));

export type ReportFormat = 'json' | 'md' | 'html';

/** runLabsNew copies the prototype template into DIR/NAME and names it; it never overwrites. */
export function runLabsNew(name: string, opts: { dir: string }): string {
  checkName(name, 'NAME');
  const target = resolve(opts.dir, name);
  if (existsSync(target))
    throw new VigilError('exists', `${target} already exists; pick another name or remove it first`);
  if (!existsSync(TEMPLATE))
    throw new VigilError('no_template', `the prototype template is missing (${TEMPLATE})`);
  cpSync(TEMPLATE, target, { recursive: true, errorOnExist: true });
  for (const file of readdirSync(target, { recursive: true, encoding: 'utf8' })) {
    const path = join(target, file);
    if (!statSync(path).isFile()) continue;
    const text = readFileSync(path, 'utf8');
    if (text.includes('__NAME__')) writeFileSync(path, text.replaceAll('__NAME__', name));
  }
  return target;
}

export interface LabsReportOptions {
  format: ReportFormat;
  output?: string;
  project: string;
  server?: string;
  apiKey?: string;
  projectedCallsPerDay?: number;
}

/**
 * labsReport renders an experiment's report, from a running server (`--server URL`) or from the
 * store itself (`--data` / `--clickhouse-url`; the embedded store must not be held by a server).
 */
export async function labsReport(
  exp: string,
  opts: LabsReportOptions,
  storeOpts: StoreOptions,
): Promise<string> {
  checkName(exp, 'EXP');
  if (opts.server) {
    const url = new URL(`/v1/labs/experiments/${encodeURIComponent(exp)}/report`, opts.server);
    url.searchParams.set('format', opts.format);
    if (opts.projectedCallsPerDay !== undefined)
      url.searchParams.set('projected_calls_per_day', String(opts.projectedCallsPerDay));
    const headers: Record<string, string> = { 'x-vigil-project': opts.project };
    if (opts.apiKey) headers['authorization'] = `Bearer ${opts.apiKey}`;
    let res: Response;
    try {
      res = await fetch(url, { headers });
    } catch (e) {
      throw new VigilError('server_unreachable', `--server ${opts.server}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error: { message: string } }).error.message;
      } catch {
        /* not an API error body */
      }
      throw new VigilError('server_error', `${url.pathname}: HTTP ${res.status}: ${message}`);
    }
    return opts.format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text;
  }
  const store = await openCliStore(storeOpts);
  try {
    const { experiment, report } = await buildReport(
      store,
      new Entities(store, systemClock),
      opts.project,
      exp,
      {
        projectedCallsPerDay: opts.projectedCallsPerDay,
      },
    );
    if (opts.format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
    if (opts.format === 'md') return renderMarkdown(experiment, report);
    return renderHtml(experiment, report, new Date().toISOString());
  } finally {
    await store.close();
  }
}

function positive(name: string, integer: boolean) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${name} must be a ${integer ? 'whole ' : ''}number ≥ 0`);
    return n;
  };
}

/** fail prints a clear message and exits 2, the CLI's code for "could not do it". */
function fail(e: unknown): never {
  return failCli(e);
}

/**
 * registerLabsCommands adds `vigil labs new | try | report` to the program:
 * - `labs new NAME [--dir DIR]` scaffolds a prototype folder from templates/labs/prototype;
 * - `labs try FOLDER [--input FILE]` runs it once in the gateway's sandbox (exit 1 unless ok);
 * - `labs report EXP [--format html|md|json] [-o FILE]` through `--server URL` or the store flags.
 */
export function registerLabsCommands(program: Command): Command {
  const labs = program.command('labs').description('Labs: prototypes in front of opted-in users, safely');

  labs
    .command('new')
    .description('scaffold a prototype folder (index.mjs with score(input, ctx), a sample input, a test)')
    .argument('<name>', 'folder and prototype name ([A-Za-z0-9_.-])')
    .option('--dir <dir>', 'parent folder', '.')
    .action((name: string, opts: { dir: string }) => {
      try {
        const target = runLabsNew(name, opts);
        console.log(`created ${target}`);
        console.log(`next: cd ${target} && node test.mjs      (runs score() on sample-input.json)`);
        console.log(`      vigil labs try ${target}          (the same, inside the Labs sandbox)`);
      } catch (e) {
        fail(e);
      }
    });

  labs
    .command('try')
    .description("run a prototype once inside Labs' sandbox (no store; ctx.query unavailable)")
    .argument('<folder>', 'prototype folder')
    .option('--input <file>', 'JSON input (default: the folder’s sample-input.json)')
    .option('--timeout-ms <ms>', 'per-call timeout', positive('--timeout-ms', true), 5000)
    .option('--memory-mb <mb>', 'heap cap of the sandbox', positive('--memory-mb', true), 256)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      async (
        folder: string,
        opts: { input?: string; timeoutMs: number; memoryMb: number; format: string },
      ) => {
        try {
          const inputFile = opts.input ?? join(resolve(folder), 'sample-input.json');
          let input: unknown;
          try {
            input = JSON.parse(readFileSync(inputFile, 'utf8'));
          } catch (e) {
            throw new VigilError('invalid_input', `--input ${inputFile}: ${(e as Error).message}`);
          }
          const r = await tryPrototype(folder, input, {
            timeoutMs: opts.timeoutMs,
            memoryMb: Math.max(32, opts.memoryMb),
          });
          if (opts.format === 'json') console.log(JSON.stringify(r, null, 2));
          else {
            console.log(`${r.status}${r.status === 'ok' ? '' : ` (${r.reason}): ${r.message}`}`);
            console.log(`latency ${r.latency_ms} ms · cpu ${r.cpu_ms} ms · peak ${r.peak_mb} MB`);
            for (const [part, ms] of Object.entries(r.parts))
              console.log(`part ${part}: ${ms.toFixed(3)} ms`);
            if (r.status === 'ok') console.log(JSON.stringify(r.output, null, 2));
          }
          process.exitCode = r.status === 'ok' ? 0 : 1;
        } catch (e) {
          fail(e);
        }
      },
    );

  addStoreOptions(
    labs
      .command('report')
      .description('usage, speed, feedback and cost of an experiment, with the one-sentence summary')
      .argument('<exp>', 'experiment id')
      .addOption(
        new Option('--format <format>', 'output format').choices(['html', 'md', 'json']).default('md'),
      )
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .option('--project <name>', 'project', DEFAULT_PROJECT)
      .option(
        '--projected-calls-per-day <n>',
        'production volume to price',
        positive('--projected-calls-per-day', false),
      )
      .option('--server <url>', 'ask a running Vigil server instead of opening the store')
      .option('--api-key <key>', 'API key for --server', process.env['VIGIL_API_KEY']),
  ).action(async (exp: string, opts) => {
    try {
      const text = await labsReport(exp, opts as LabsReportOptions, storeOptionsOf(opts));
      if (opts.output) {
        writeFileSync(opts.output, text);
        console.error(`wrote ${opts.output}`);
      } else process.stdout.write(text);
    } catch (e) {
      fail(e);
    }
  });
  return labs;
}
