// `vigil evaluate`: champion vs challenger from two prediction files, with significance, power
// and a per-segment table (BH-corrected); a CI gate with --fail-on regression. File contract and
// output fields: docs/evaluate.md. Statistics: core/compare.
import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type CompareInput,
  type CompareTask,
  type ComparisonReport,
  evaluateComparison,
  type Label,
  type ModelSide,
  pairRecords,
  type RankedQuery,
} from '../core/index.js';
import type { FileColumn } from '../shared/index.js';
import { VigilError } from '../shared/index.js';
import { openFileRows } from '../store/index.js';
import { apiCall } from './api-client.js';

export interface EvaluateCommandOptions {
  reference?: string;
  candidate?: string;
  /** --server mode: compare two stored versions through GET /v1/models/{m}/compare. */
  server?: string;
  apiKey?: string;
  project?: string;
  model?: string;
  baselineVersion?: string;
  candidateVersion?: string;
  environment?: string;
  baselineEnvironment?: string;
  candidateEnvironment?: string;
  from?: string;
  to?: string;
  id?: string;
  target?: string;
  score?: string;
  prediction?: string;
  task?: CompareTask;
  segment: string[];
  metric?: string;
  positiveLabel?: string;
  threshold: number;
  alpha: number;
  effect?: number;
  seed: number;
  resamples: number;
  format: 'text' | 'json' | 'md';
  output?: string;
  failOn?: 'regression';
}

interface LoadedFile {
  readonly flag: '--reference' | '--candidate';
  readonly path: string;
  readonly columns: FileColumn[];
  readonly rows: Array<Record<string, unknown>>;
}

async function load(
  flag: LoadedFile['flag'],
  path: string,
  opts: EvaluateCommandOptions,
): Promise<LoadedFile> {
  let file: Awaited<ReturnType<typeof openFileRows>>;
  try {
    file = await openFileRows(path);
  } catch (e) {
    if (e instanceof VigilError) throw new VigilError(e.code, `${flag} ${e.message}`, { field: flag });
    throw e;
  }
  const names = new Set(file.columns.map((c) => c.name));
  const roles: Array<[string, string | undefined]> = [
    ['--id', opts.id],
    ['--target', opts.target],
    ['--score', opts.score],
    ['--prediction', opts.prediction],
    ...opts.segment.map((s): [string, string] => ['--segment', s]),
  ];
  for (const [role, col] of roles) {
    if (col !== undefined && !names.has(col))
      throw new VigilError(
        'unknown_column',
        `${role} ${col}: ${flag} ${path} has no such column; its columns are ${[...names].join(', ')}`,
        { field: role },
      );
  }
  const rows: Array<Record<string, unknown>> = [];
  for await (const batch of file.batches(10_000)) rows.push(...batch);
  return { flag, path, columns: file.columns, rows };
}

const POSITIVE = new Set(['1', 'true', 'yes']);
const isFloatType = (t: string) => /Float|Decimal/.test(t);

function inferTask(opts: EvaluateCommandOptions, file: LoadedFile): CompareTask {
  if (opts.score !== undefined) return 'binary';
  const col = opts.prediction ?? opts.target;
  const type = file.columns.find((c) => c.name === col)?.type ?? '';
  if (isFloatType(type)) return 'regression';
  const labels = new Set(file.rows.map((r) => String(r[opts.target!])));
  return labels.size <= 2 ? 'binary' : 'multiclass';
}

function binaryLabel(v: unknown, positive: string | undefined, flag: string, row: number): number {
  const s = String(v);
  if (positive !== undefined) return s === positive ? 1 : 0;
  if (POSITIVE.has(s.toLowerCase())) return 1;
  if (['0', 'false', 'no'].includes(s.toLowerCase())) return 0;
  throw new VigilError(
    'invalid_label',
    `${flag} row ${row + 1}: binary label ${JSON.stringify(v)} is not 0/1, true/false or yes/no; name the positive class with --positive-label`,
    { field: flag },
  );
}

function numeric(v: unknown, flag: string, col: string, row: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n))
    throw new VigilError(
      'invalid_value',
      `${flag} column ${col} row ${row + 1}: ${JSON.stringify(v)} is not a number`,
      {
        field: flag,
      },
    );
  return n;
}

function query(ranking: unknown, relevant: unknown, flag: string, row: number): RankedQuery {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : null);
  const items = list(ranking);
  if (items === null)
    throw new VigilError(
      'invalid_value',
      `--prediction row ${row + 1} of ${flag}: a ranking must be a list of items`,
      {
        field: '--prediction',
      },
    );
  const relevance: Record<string, number> = {};
  if (relevant !== null && typeof relevant === 'object' && !Array.isArray(relevant)) {
    for (const [k, g] of Object.entries(relevant)) relevance[k] = Number(g);
  } else {
    for (const item of list(relevant) ?? []) relevance[item] = 1;
  }
  return { ranking: items, relevance };
}

/** side builds one model's outputs from the rows, in the given order. */
function side(
  rows: ReadonlyArray<Record<string, unknown>>,
  targets: ReadonlyArray<unknown>,
  task: CompareTask,
  opts: EvaluateCommandOptions,
  flag: string,
): ModelSide {
  const t = opts.target!;
  if (task === 'ranking') {
    return {
      target: targets.map(() => 0),
      queries: rows.map((r, i) => query(r[opts.prediction!], targets[i], flag, i)),
    };
  }
  if (task === 'binary') {
    const target = targets.map((v, i) => binaryLabel(v, opts.positiveLabel, `--target ${t} of ${flag}`, i));
    const score =
      opts.score !== undefined
        ? rows.map((r, i) => numeric(r[opts.score!], flag, opts.score!, i))
        : undefined;
    const prediction =
      opts.prediction !== undefined
        ? rows.map((r, i) =>
            binaryLabel(r[opts.prediction!], opts.positiveLabel, `--prediction of ${flag}`, i),
          )
        : score?.map((s) => (s >= opts.threshold ? 1 : 0));
    return { target, score, prediction };
  }
  if (task === 'regression') {
    return {
      target: targets.map((v, i) => numeric(v, flag, t, i)),
      prediction: rows.map((r, i) => numeric(r[opts.prediction!], flag, opts.prediction!, i)),
    };
  }
  const label = (v: unknown): Label => (typeof v === 'number' ? v : String(v));
  return { target: targets.map(label), prediction: rows.map((r) => label(r[opts.prediction!])) };
}

/** buildInput pairs the files by --id (or not) and turns them into compareModels' input. */
export function buildInput(ref: LoadedFile, cand: LoadedFile, opts: EvaluateCommandOptions): CompareInput {
  if (opts.target === undefined)
    throw new VigilError('missing_option', '--target is required: the comparison needs labelled records', {
      field: '--target',
    });
  if (opts.score === undefined && opts.prediction === undefined)
    throw new VigilError(
      'missing_option',
      'give --score and/or --prediction: the column with each model’s output',
      {
        field: '--score',
      },
    );
  const task = opts.task ?? inferTask(opts, ref);
  if (task !== 'binary' && opts.prediction === undefined)
    throw new VigilError('missing_option', `--prediction is required for a ${task} model`, {
      field: '--prediction',
    });
  const segCol = (rows: ReadonlyArray<Record<string, unknown>>, c: string) =>
    rows.map((r) => (r[c] === null || r[c] === undefined ? '(missing)' : String(r[c])));
  if (opts.id !== undefined) {
    const pairs = pairRecords(
      ref.rows.map((r) => String(r[opts.id!])),
      cand.rows.map((r) => String(r[opts.id!])),
    );
    const refRows = pairs.reference.map((i) => ref.rows[i]!);
    const candRows = pairs.candidate.map((i) => cand.rows[i]!);
    if (refRows.length === 0)
      throw new VigilError(
        'no_overlap',
        `--id ${opts.id}: no id appears in both ${ref.path} and ${cand.path}; paired comparison needs the same records`,
        { field: '--id' },
      );
    // One target per record: the reference's, or the candidate's where the reference has none.
    const targets = refRows.map((r, i) => r[opts.target!] ?? candRows[i]![opts.target!]);
    const labelled = targets.flatMap((t, i) => (t === null || t === undefined ? [] : [i]));
    if (labelled.length === 0)
      throw new VigilError('no_labels', `--target ${opts.target}: no paired record has a target`, {
        field: '--target',
      });
    const pick = <T>(xs: readonly T[]) => labelled.map((i) => xs[i]!);
    const segments: Record<string, { reference: string[]; candidate: string[] }> = {};
    for (const c of opts.segment) {
      const v = pick(segCol(refRows, c));
      segments[c] = { reference: v, candidate: v };
    }
    return {
      task,
      paired: true,
      reference: side(pick(refRows), pick(targets), task, opts, '--reference'),
      candidate: side(pick(candRows), pick(targets), task, opts, '--candidate'),
      segments,
    };
  }
  const labelledRows = (f: LoadedFile) =>
    f.rows.filter((r) => r[opts.target!] !== null && r[opts.target!] !== undefined);
  const rr = labelledRows(ref);
  const cr = labelledRows(cand);
  for (const [f, rows] of [
    [ref, rr],
    [cand, cr],
  ] as const) {
    if (rows.length === 0)
      throw new VigilError('no_labels', `--target ${opts.target}: ${f.flag} ${f.path} has no labelled rows`, {
        field: '--target',
      });
  }
  const segments: Record<string, { reference: string[]; candidate: string[] }> = {};
  for (const c of opts.segment) segments[c] = { reference: segCol(rr, c), candidate: segCol(cr, c) };
  return {
    task,
    paired: false,
    reference: side(
      rr,
      rr.map((r) => r[opts.target!]),
      task,
      opts,
      '--reference',
    ),
    candidate: side(
      cr,
      cr.map((r) => r[opts.target!]),
      task,
      opts,
      '--candidate',
    ),
    segments,
  };
}

const fmt = (x: number | null, digits = 4) => (x === null ? '—' : Number(x.toPrecision(digits)).toString());
const fmtP = (p: number | null) => (p === null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const fmtCi = (ci: readonly [number, number] | null) =>
  ci === null ? '—' : `[${fmt(ci[0])}, ${fmt(ci[1])}]`;
const VERDICT: Record<string, string> = {
  better: 'better',
  worse: 'WORSE',
  no_detectable_difference: 'no detectable difference',
};

function summary(r: ComparisonReport): string {
  const p = r.metrics.find((m) => m.metric === r.primary_metric)!;
  const base = `Candidate vs reference on ${r.primary_metric}: ${VERDICT[r.verdict]}`;
  if (r.verdict !== 'no_detectable_difference' || p.additional_n === null) return base;
  return `${base}; detecting a difference of ${fmt(p.effect)} at 80% power needs about ${p.additional_n} more labelled records (${p.needed_n} in all)`;
}

function table(head: string[], rows: string[][], md: boolean): string {
  if (md) return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** render prints a report as text or Markdown. */
export function render(r: ComparisonReport, md: boolean): string {
  const out: string[] = [];
  out.push(md ? '# Model comparison' : 'Model comparison');
  out.push(
    `${r.task}, ${r.paired ? `paired by id (${r.n_reference} records)` : `unpaired (independent samples: ${r.n_reference} reference, ${r.n_candidate} candidate records)`}, α = ${r.alpha}`,
  );
  out.push('', summary(r), '');
  out.push(
    table(
      [
        'metric',
        'reference',
        'candidate',
        'difference',
        '95% CI',
        'p-value',
        'test',
        'verdict',
        'MDE',
        'needed n',
      ],
      r.metrics.map((m) => [
        m.metric + (m.higher_is_better ? '' : ' (lower is better)'),
        fmt(m.reference),
        fmt(m.candidate),
        fmt(m.difference),
        fmtCi(m.ci),
        fmtP(m.p_value),
        m.test,
        VERDICT[m.verdict]!,
        fmt(m.mde),
        m.needed_n === null ? '—' : String(m.needed_n),
      ]),
      md,
    ),
  );
  if (r.segments.length > 0) {
    out.push(
      '',
      md
        ? `## Segments (${r.primary_metric}, Benjamini–Hochberg)`
        : `Segments (${r.primary_metric}, p-values adjusted by Benjamini–Hochberg)`,
      '',
    );
    const order = [...r.segments].sort((a, b) => (a.adjusted_p_value ?? 2) - (b.adjusted_p_value ?? 2));
    out.push(
      table(
        ['segment', 'n', 'reference', 'candidate', 'difference', 'p-value', 'adjusted p', 'verdict'],
        order.map((s) => [
          `${s.column}=${s.value}`,
          r.paired ? String(s.n_reference) : `${s.n_reference}/${s.n_candidate}`,
          fmt(s.reference),
          fmt(s.candidate),
          fmt(s.difference),
          fmtP(s.p_value),
          fmtP(s.adjusted_p_value),
          VERDICT[s.verdict]!,
        ]),
        md,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

/** runEvaluate writes the comparison and returns the exit code (1 on a regression with --fail-on). */
export async function runEvaluate(opts: EvaluateCommandOptions): Promise<number> {
  const report = opts.server !== undefined ? await fromServer(opts, opts.server) : await fromFiles(opts);
  const text =
    opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : render(report, opts.format === 'md');
  if (opts.output) writeFileSync(opts.output, text);
  else process.stdout.write(text);
  return opts.failOn === 'regression' && report.regression ? 1 : 0;
}

const SERVER_FLAGS: Array<[keyof EvaluateCommandOptions, string]> = [
  ['model', '--model'],
  ['baselineVersion', '--baseline-version'],
  ['candidateVersion', '--candidate-version'],
];
const FILE_FLAGS: Array<[keyof EvaluateCommandOptions, string]> = [
  ['reference', '--reference'],
  ['candidate', '--candidate'],
  ['id', '--id'],
  ['target', '--target'],
  ['score', '--score'],
  ['prediction', '--prediction'],
  ['task', '--task'],
  ['positiveLabel', '--positive-label'],
];

/**
 * fromServer asks a running server to compare two stored versions of a model
 * (GET /v1/models/{model}/compare): the same statistics on the records the server holds, labelled
 * by their stored actuals. One --segment at most (a tag).
 */
async function fromServer(opts: EvaluateCommandOptions, server: string): Promise<ComparisonReport> {
  for (const [key, flag] of FILE_FLAGS)
    if (opts[key] !== undefined)
      throw new VigilError(
        'invalid_option',
        `${flag}: not used with --server (the server reads the versions' stored predictions and actuals); give --model, --baseline-version and --candidate-version`,
        { field: flag },
      );
  for (const [key, flag] of SERVER_FLAGS)
    if (opts[key] === undefined)
      throw new VigilError('missing_option', `${flag} is required with --server`, { field: flag });
  if (opts.segment.length > 1)
    throw new VigilError('invalid_option', '--segment: at most one tag with --server', {
      field: '--segment',
    });
  const params = new URLSearchParams({ baseline: opts.baselineVersion!, candidate: opts.candidateVersion! });
  const put = (name: string, v: string | number | undefined) => {
    if (v !== undefined) params.set(name, String(v));
  };
  put('environment', opts.environment);
  put('baseline_environment', opts.baselineEnvironment);
  put('candidate_environment', opts.candidateEnvironment);
  put('from', opts.from);
  put('to', opts.to);
  put('by', opts.segment[0]);
  put('metric', opts.metric);
  put('alpha', opts.alpha);
  put('effect', opts.effect);
  put('threshold', opts.threshold);
  put('seed', opts.seed);
  put('resamples', opts.resamples);
  return apiCall<ComparisonReport>(
    { server, apiKey: opts.apiKey, project: opts.project },
    'GET',
    `/v1/models/${encodeURIComponent(opts.model!)}/compare?${params}`,
    undefined,
    'viewer',
  );
}

async function fromFiles(opts: EvaluateCommandOptions): Promise<ComparisonReport> {
  for (const [key, flag] of [...SERVER_FLAGS, ['environment', '--environment']] as const)
    if (opts[key] !== undefined)
      throw new VigilError('invalid_option', `${flag}: only with --server URL`, { field: flag });
  for (const flag of ['--reference', '--candidate'] as const)
    if (opts[flag === '--reference' ? 'reference' : 'candidate'] === undefined)
      throw new VigilError(
        'missing_option',
        `${flag} FILE is required (or compare stored versions with --server URL --model M --baseline-version V --candidate-version V)`,
        { field: flag },
      );
  const [ref, cand] = await Promise.all([
    load('--reference', opts.reference!, opts),
    load('--candidate', opts.candidate!, opts),
  ]);
  const input = buildInput(ref, cand, opts);
  try {
    return evaluateComparison(input, {
      alpha: opts.alpha,
      seed: opts.seed,
      resamples: opts.resamples,
      metric: opts.metric,
      effect: opts.effect,
    });
  } catch (e) {
    if (e instanceof RangeError) throw new VigilError('invalid_option', e.message, { field: '--metric' });
    throw e;
  }
}

function number(flag: string, min: number, max: number, integer = false) {
  return (v: string) => {
    const n = Number(v);
    if (!(Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n))))
      throw new InvalidArgumentError(
        `${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
      );
    return n;
  };
}

/** registerEvaluateCommand adds `vigil evaluate` to the program. */
export function registerEvaluateCommand(program: Command, fail: (e: unknown) => never): void {
  program
    .command('evaluate')
    .description(
      'compare a candidate model with a reference on labelled predictions: significance, power, segments',
    )
    .option('--reference <file>', "reference (champion) model's predictions (CSV, TSV, Parquet or NDJSON)")
    .option('--candidate <file>', "candidate (challenger) model's predictions")
    .option(
      '--server <url>',
      'compare two stored versions on a running Vigil server (GET /v1/models/{m}/compare) instead of files',
    )
    .option('--api-key <key>', 'API key for --server (default: $VIGIL_API_KEY)', process.env['VIGIL_API_KEY'])
    .option('--project <name>', 'project of the model (with --server)')
    .option('--model <name>', 'model whose versions to compare (with --server)')
    .option('--baseline-version <v>', 'reference (champion) version (with --server)')
    .option('--candidate-version <v>', 'candidate (challenger) version (with --server)')
    .option('--environment <env>', 'environment of both versions (with --server; default production)')
    .option('--baseline-environment <env>', "baseline version's environment (with --server)")
    .option(
      '--candidate-environment <env>',
      "candidate version's environment (with --server; e.g. lab for a challenger scoring production's records)",
    )
    .option('--from <time>', 'first record time (with --server; RFC 3339 or epoch ms)')
    .option('--to <time>', 'end of the record time range, exclusive (with --server)')
    .option('--id <col>', 'column with the record id: pairs the files (paired tests); without it, unpaired')
    .option('--target <col>', 'column with the actual (ground truth)')
    .option('--score <col>', 'column with the predicted probability of the positive class')
    .option('--prediction <col>', 'column with the predicted label, value, or ranked list')
    .addOption(
      new Option('--task <task>', 'model task (inferred when absent)').choices([
        'binary',
        'multiclass',
        'regression',
        'ranking',
      ]),
    )
    .option(
      '--segment <col>',
      'column to compare per value (repeatable; BH across all segments)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--metric <name>', "metric for the verdict and the segment table (default the task's first)")
    .option('--positive-label <label>', 'positive class of a binary model (default 1/true/yes)')
    .option('--threshold <p>', 'score threshold for a binary label', number('--threshold', 0, 1), 0.5)
    .option('--alpha <a>', 'significance level', number('--alpha', 1e-6, 0.5), 0.05)
    .option(
      '--effect <d>',
      'difference of the primary metric to size the sample for (default: the observed one)',
      number('--effect', 1e-12, 1e12),
    )
    .option(
      '--seed <n>',
      'seed of the bootstrap and randomization tests',
      number('--seed', 0, 2 ** 31 - 1, true),
      1,
    )
    .option(
      '--resamples <n>',
      'bootstrap and randomization resamples',
      number('--resamples', 100, 1_000_000, true),
      2000,
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'md']).default('text'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .addOption(
      new Option(
        '--fail-on <verdict>',
        'exit 1 when the candidate is significantly worse overall or in a segment',
      ).choices(['regression']),
    )
    .action(async (opts: EvaluateCommandOptions) => {
      try {
        process.exitCode = await runEvaluate(opts);
      } catch (e) {
        fail(e);
      }
    });
}
