import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import cliProgress from 'cli-progress';
import type { Task } from '../analysis/index.js';
import {
  buildOfflineReport,
  type OfflineReport,
  renderHtml,
  renderMarkdown,
  renderText,
} from '../report/index.js';
import { VigilError } from '../shared/index.js';

export type ReportFormat = 'text' | 'html' | 'json' | 'md';

/**
 * FAIL_ON lists the --fail-on gates: `drift` is dataset drift (at least the dataset-drift share,
 * half by default, of the features drifted); `feature-drift` fails on any drifted feature;
 * `performance` on a degraded primary metric.
 */
export const FAIL_ON = ['drift', 'feature-drift', 'performance'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ReportCommandOptions {
  reference: string;
  current: string;
  target?: string;
  prediction?: string;
  score?: string;
  id?: string;
  timestamp?: string;
  task?: Task;
  positiveLabel?: string;
  threshold?: number;
  format?: ReportFormat;
  output?: string;
  failOn?: FailOn;
  allowMissing?: boolean;
}

const BY_EXTENSION: Record<string, ReportFormat> = {
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.md': 'md',
  '.markdown': 'md',
  '.txt': 'text',
};

const NAME: Record<ReportFormat, string> = {
  text: 'text summary',
  html: 'HTML report',
  json: 'JSON report',
  md: 'Markdown report',
};

/**
 * reportFormat decides what to write: --format when given; else the extension of -o
 * (.html, .json, .md, .txt); else, on a terminal, the text summary; else (a pipe or a file
 * redirect, as in `vigil report … > report.html`) HTML, as before the text summary existed.
 */
export function reportFormat(opts: { format?: ReportFormat; output?: string }, tty: boolean): ReportFormat {
  if (opts.format) return opts.format;
  if (opts.output) {
    const ext = extname(opts.output).toLowerCase();
    const f = BY_EXTENSION[ext];
    if (!f)
      throw new VigilError(
        'invalid_option',
        `-o ${opts.output}: cannot tell the format from "${ext || 'no extension'}"; use .html, .json, .md or .txt, or --format html|json|md|text`,
        { field: '-o' },
      );
    return f;
  }
  return tty ? 'text' : 'html';
}

/**
 * checkPerformanceGate: --fail-on performance needs a verdict; one that cannot be judged is an
 * error (exit 2), never a pass.
 */
function checkPerformanceGate(report: OfflineReport, opts: ReportCommandOptions): void {
  const p = report.performance;
  if (!opts.target)
    throw new VigilError(
      'invalid_option',
      '--fail-on performance: needs --target COL (the actual) and --score COL or --prediction COL',
      { field: '--fail-on' },
    );
  if (!p || p.primary.current === null)
    throw new VigilError(
      'not_judged',
      `--fail-on performance: ${p?.primary.metric ?? 'the primary metric'} could not be computed on the current file ${opts.current}` +
        (opts.score || opts.prediction
          ? ' (no row has both an actual and a prediction)'
          : ': give --score COL or --prediction COL'),
      { field: '--fail-on' },
    );
  if (p.primary.reference === null)
    throw new VigilError(
      'not_judged',
      `--fail-on performance: ${p.primary.metric} could not be computed on the reference file ${opts.reference}` +
        ` (it needs the --target and --score/--prediction columns with values)`,
      { field: '--fail-on' },
    );
}

/** SLOW_MS: reports that take longer than this show their progress on a terminal. */
const SLOW_MS = 5000;

/**
 * withProgress shows, on a terminal (stderr), an elapsed-time bar once the report has taken
 * more than SLOW_MS; quick reports and pipes stay silent.
 */
async function withProgress<T>(label: string, work: Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work;
  let bar: cliProgress.SingleBar | null = null;
  const started = Date.now();
  let tick: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} {spinner} {elapsed}s`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0, { spinner: '|', elapsed: Math.round((Date.now() - started) / 1000) });
    let i = 0;
    tick = setInterval(() => {
      i++;
      bar?.update(0, { spinner: '|/-\\'[i % 4], elapsed: Math.round((Date.now() - started) / 1000) });
    }, 250);
  }, SLOW_MS);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
    if (tick) clearInterval(tick);
    (bar as cliProgress.SingleBar | null)?.stop();
  }
}

/** runReport writes the offline report and returns the exit code (1 when --fail-on's verdict is true). */
export async function runReport(opts: ReportCommandOptions): Promise<number> {
  const format = reportFormat(opts, process.stdout.isTTY === true);
  const report = await withProgress(
    `comparing ${opts.current} with ${opts.reference}`,
    buildOfflineReport(opts),
  );
  if (opts.failOn === 'performance') checkPerformanceGate(report, opts);
  const gate = opts.failOn ? gateVerdict(report, opts.failOn, opts.allowMissing === true) : null;
  const text =
    format === 'json'
      ? `${JSON.stringify(report)}\n`
      : format === 'md'
        ? renderMarkdown(report)
        : format === 'text'
          ? renderText(report) + (gate ? `\n${gate.line}\n` : '')
          : renderHtml(report);
  if (opts.output) {
    writeFileSync(opts.output, text);
    const drifted = report.features.filter((f) => f.drifted).length;
    console.log(
      `Wrote the ${NAME[format]} to ${opts.output}: ${drifted} of ${report.features.length} features drifted; ` +
        `dataset drift: ${report.dataset_drift ? 'yes' : 'no'}` +
        (report.skipped.length
          ? `; ${report.skipped.length} not compared (${report.skipped.map((s) => s.name).join(', ')})`
          : '') +
        (report.performance?.degraded ? `; ${report.performance.primary.metric} degraded` : ''),
    );
    if (gate) console.log(gate.line);
  } else {
    process.stdout.write(text);
    // The other formats keep stdout for the report itself: the gate's verdict goes to stderr.
    if (gate && format !== 'text') console.error(gate.line);
  }
  if (gate?.missing) console.error(gate.missing);
  return gate?.fail ? 1 : 0;
}

/**
 * gateVerdict says which --fail-on gate was applied, what it needs and whether it failed, e.g.
 * "--fail-on drift (dataset drift): passed: 1 of 5 features drifted (x); dataset drift needs 3".
 * The drift gates also fail on features that could not be compared, unless --allow-missing.
 */
export function gateVerdict(
  report: OfflineReport,
  failOn: FailOn,
  allowMissing: boolean,
): { fail: boolean; line: string; missing?: string } {
  if (failOn === 'performance') {
    const p = report.performance;
    const fail = p?.degraded === true;
    const metric = p?.primary.metric ?? 'the primary metric';
    return {
      fail,
      line: `--fail-on performance: ${fail ? 'FAILED' : 'passed'}: ${metric} ${fail ? 'degraded' : 'did not degrade'} by more than 5%.`,
    };
  }
  const total = report.features.length;
  const names = report.features.filter((f) => f.drifted).map((f) => f.name);
  const drifted = `${names.length} of ${total} feature${total === 1 ? '' : 's'} drifted${names.length ? ` (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})` : ''}`;
  const threshold = report.dataset_drift_threshold;
  const needs =
    report.basis === 'importance'
      ? `importance-weighted drifted share ${(report.weighted_drifted_share ?? 0).toFixed(2)}, dataset drift needs ${threshold}`
      : `dataset drift needs ${Math.max(1, Math.ceil(threshold * total - 1e-9))}`;
  const missing =
    report.skipped.length > 0 && !allowMissing
      ? `vigil report: --fail-on ${failOn}: ${report.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}; ` +
        'pass --allow-missing to accept features missing from one file'
      : undefined;
  const verdict = failOn === 'drift' ? report.dataset_drift : names.length > 0;
  const fail = verdict || missing !== undefined;
  const what = failOn === 'drift' ? 'drift (dataset drift)' : 'feature-drift (any drifted feature)';
  const dataset = `${needs}${report.dataset_drift ? ' (reached)' : ''}`;
  const why = `${drifted}; ${dataset}${!verdict && missing ? `; ${report.skipped.length} not compared` : ''}`;
  const line = `--fail-on ${what}: ${fail ? 'FAILED' : 'passed'}: ${why}.`;
  return missing === undefined ? { fail, line } : { fail, line, missing };
}
