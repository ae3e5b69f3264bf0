import { writeFileSync } from 'node:fs';
import type { Task } from '../analysis/models.js';
import { buildOfflineReport } from '../report/offline-report.js';
import { renderHtml, renderMarkdown } from '../report/render.js';

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
  format: 'html' | 'json' | 'md';
  output?: string;
  failOn?: 'drift' | 'performance';
}

/** runReport writes the offline report and returns the exit code (1 when --fail-on's verdict is true). */
export async function runReport(opts: ReportCommandOptions): Promise<number> {
  const report = await buildOfflineReport(opts);
  const text =
    opts.format === 'json'
      ? `${JSON.stringify(report)}\n`
      : opts.format === 'md'
        ? renderMarkdown(report)
        : renderHtml(report);
  if (opts.output) writeFileSync(opts.output, text);
  else process.stdout.write(text);
  if (opts.failOn === 'drift') return report.dataset_drift ? 1 : 0;
  if (opts.failOn === 'performance') return report.performance?.degraded ? 1 : 0;
  return 0;
}
