import { Command, InvalidArgumentError, Option } from 'commander';
import { VERSION } from '../server/index.js';
import { DEFAULT_PROJECT } from '../shared/index.js';
import { failCli } from './cli-errors.js';
import { runDetect } from './detect-command.js';
import { registerEvaluateCommand } from './evaluate-command.js';
import { runIngest } from './ingest-command.js';
import { registerKeysCommands } from './keys-command.js';
import { registerLabsCommands } from './labs-command.js';
import { registerMonitorCommands } from './monitor-command.js';
import { FAIL_ON, runReport } from './report-command.js';
import { runServe } from './serve-command.js';
import { addStoreOptions, storeOptionsOf } from './store-options.js';

function integer(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** fail prints a clear message and exits 2, the CLI's code for "could not do it". */
function fail(e: unknown): never {
  return failCli(e);
}

// A reader that stops early (`vigil detect … | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/**
 * versionAfterCommand: `--version` (and `-V`) is the program's own option, so commander prints the
 * version even after a command name (`vigil ingest --version v1` printed 0.1.0 and exited 0
 * without importing anything). After a command it is an error that says what to use instead.
 */
function versionAfterCommand(argv: readonly string[]): string | null {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  const scoped = end === -1 ? args : args.slice(0, end);
  const command = scoped.findIndex((a) => !a.startsWith('-'));
  if (command === -1) return null;
  const flag = scoped
    .slice(command + 1)
    .find((a) => a === '--version' || a === '-V' || a.startsWith('--version='));
  if (!flag) return null;
  const name = scoped[command];
  return name === 'ingest'
    ? `${flag} is the program's version; the model version of the imported rows is --model-version (vigil ingest FILE --model M --model-version v1)`
    : `${flag} is not an option of vigil ${name}; \`vigil --version\` prints the program's version`;
}

const misplacedVersion = versionAfterCommand(process.argv);
if (misplacedVersion) {
  console.error(`vigil: ${misplacedVersion}`);
  process.exit(2);
}

const program = new Command()
  .name('vigil')
  .description('Vigil: an ML model observatory (ingest, drift, performance, alerts)')
  .version(VERSION)
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

addStoreOptions(
  program
    .command('serve')
    .description('run the HTTP API and dashboard')
    .option('--port <port>', 'port to listen on', integer('--port', 0, 65535), 7420)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--demo', 'write the demo workspace on first start', false)
    .option('--monitors <file>', 'YAML file of monitors to create or update at start')
    .addOption(
      new Option('--auth <mode>', 'require API keys (default: on unless --host is loopback)').choices([
        'on',
        'off',
      ]),
    )
    .option('--max-body-mb <mb>', 'largest request body', integer('--max-body-mb', 1, 4096), 64)
    .option(
      '--allow-outbound <hosts>',
      'hosts or host:port (comma-separated, repeatable; also VIGIL_ALLOW_OUTBOUND) that Labs HTTP sources and webhooks may reach on loopback, private or link-local addresses',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--max-queue-rows <n>',
      'rows waiting to commit before ingest answers 503',
      integer('--max-queue-rows', 1000, 1e8),
      1_000_000,
    ),
).action(async (opts) => {
  try {
    await runServe(opts, storeOptionsOf(opts));
  } catch (e) {
    fail(e);
  }
});

addStoreOptions(
  program
    .command('ingest')
    .description('import CSV, TSV, Parquet or NDJSON files as records of a model')
    .argument('<files...>', 'files to import')
    .requiredOption('--model <name>', 'model the rows belong to')
    .addOption(
      new Option('--env <environment>', 'environment').choices([
        'training',
        'validation',
        'production',
        'lab',
      ]),
    )
    .option('--model-version <version>', 'model version (--version is the program version)')
    .option('--target <col>', 'column with the actual (ground truth)')
    .option('--prediction <col>', 'column with the predicted label or value')
    .option('--score <col>', 'column with the predicted probability of the positive class')
    .option('--id <col>', 'column with the prediction id')
    .option('--timestamp <col>', 'column with the prediction time')
    .option('--tag <col...>', 'columns to keep as segment tags')
    .addOption(
      new Option('--task <task>', 'model task (inferred when absent)').choices([
        'binary',
        'multiclass',
        'regression',
        'ranking',
      ]),
    )
    .option('--project <name>', 'project', DEFAULT_PROJECT)
    .option('--server <url>', 'send to a running Vigil server instead of opening the store')
    .option('--api-key <key>', 'API key for --server', process.env['VIGIL_API_KEY'])
    .option('--batch-size <rows>', 'rows per batch', integer('--batch-size', 1, 1_000_000), 10_000)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text')),
).action(async (files: string[], opts) => {
  try {
    process.exitCode = await runIngest(
      files,
      { ...opts, version: opts.modelVersion, tags: opts.tag },
      storeOptionsOf(opts),
    );
  } catch (e) {
    fail(e);
  }
});

program
  .command('detect')
  .description('score a time series file for anomalies (CSV, TSV, Parquet, NDJSON)')
  .argument('<file>', 'file with a time column and a value column')
  .requiredOption('--timestamp <col>', 'column with the time')
  .requiredOption('--value <col>', 'column with the value')
  .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
  .addOption(
    new Option('--sensitivity <level>', 'detector sensitivity')
      .choices(['low', 'medium', 'high'])
      .default('medium'),
  )
  .option('-o, --output <file>', 'write to a file instead of stdout')
  .action(async (file: string, opts) => {
    try {
      await runDetect(file, opts);
    } catch (e) {
      fail(e);
    }
  });

program
  .command('report')
  .description('compare a current file with a reference file: drift per feature and performance (no server)')
  .requiredOption('--reference <file>', 'reference data (CSV, TSV, Parquet or NDJSON)')
  .requiredOption('--current <file>', 'current data')
  .option('--target <col>', 'column with the actual')
  .option('--prediction <col>', 'column with the predicted label or value')
  .option('--score <col>', 'column with the predicted probability of the positive class')
  .option('--id <col>', 'column with the prediction id')
  .option('--timestamp <col>', 'column with the prediction time')
  .addOption(
    new Option('--task <task>', 'model task (inferred when absent)').choices([
      'binary',
      'multiclass',
      'regression',
      'ranking',
    ]),
  )
  .option('--positive-label <label>', 'positive class of a binary model (default 1/true/yes)')
  .option('--threshold <p>', 'score threshold for a binary label', (v) => {
    const n = Number(v);
    if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('--threshold must be a number in [0, 1]');
    return n;
  })
  .addOption(
    new Option(
      '--format <format>',
      'output format (default: from the -o extension; text on a terminal; html otherwise)',
    ).choices(['text', 'html', 'json', 'md']),
  )
  .option('-o, --output <file>', 'write to a file (.html, .json, .md or .txt) instead of stdout')
  .addOption(
    new Option(
      '--fail-on <verdict>',
      'exit 1 when this verdict is true (CI gates): drift = dataset drift (half the features), feature-drift = any feature',
    ).choices([...FAIL_ON]),
  )
  .option(
    '--allow-missing',
    'with --fail-on drift|feature-drift: a feature missing from one file does not fail',
    false,
  )
  .action(async (opts) => {
    try {
      process.exitCode = await runReport(opts);
    } catch (e) {
      fail(e);
    }
  });

registerLabsCommands(program);
registerMonitorCommands(program, fail);
registerKeysCommands(program);
registerEvaluateCommand(program, fail);

await program.parseAsync(process.argv);
