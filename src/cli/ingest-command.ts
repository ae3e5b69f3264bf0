import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Task } from '../analysis/index.js';
import { type IngestError, type IngestResult, RECORD_LIMITS } from '../ingest/index.js';
import {
  CLICKHOUSE_FORMAT,
  checkName,
  type FileRoles,
  fileReadError,
  formatOf,
  isEnvironment,
  planMapping,
  toRecord,
  VigilError,
} from '../shared/index.js';
import type { FileImport, FileImportRun, FileRows, StoreOptions } from '../store/index.js';
import { openFileImport, openFileRows } from '../store/index.js';
import { httpSink, type LocalSink, localSink, type Sink } from './ingest-sinks.js';
import { progressBar } from './progress.js';

export interface IngestCommandOptions extends Omit<FileRoles, 'model'> {
  model: string;
  env?: string;
  project: string;
  server?: string;
  apiKey?: string;
  batchSize: number;
  format: 'text' | 'json';
}

const BATCH_ROWS = 10_000;

/** checkFile fails early, before a store opens, on a missing file or an unknown format. */
function checkFile(file: string): void {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new VigilError('file_not_found', `${file}: no such file`, { field: 'FILE' });
  formatOf(file);
}

/**
 * runIngest imports files into a model: ClickHouse parses each file, rows become records and go
 * through the same validation as HTTP ingest. Returns the exit code: 0 when rows were accepted,
 * 1 when every row was refused.
 */
export async function runIngest(
  files: string[],
  opts: IngestCommandOptions,
  storeOpts: StoreOptions,
): Promise<number> {
  checkName(opts.model, '--model');
  checkName(opts.project, '--project');
  if (opts.env !== undefined && !isEnvironment(opts.env))
    throw new VigilError(
      'invalid_option',
      `--env: must be training, validation, production or lab, got ${opts.env}`,
    );
  const planOpts = { ...opts, environment: opts.env, task: opts.task as Task | undefined };
  // The embedded engine reads and inserts the file itself (store/queries/file-ingest.ts); a server or a
  // running Vigil gets rows read and validated here.
  const local = !opts.server && !storeOpts.clickhouseUrl;
  if (local) for (const file of files) checkFile(file);
  const embedded: LocalSink | undefined = local ? await localSink(storeOpts, opts.project) : undefined;
  const sink: Sink =
    embedded ??
    (opts.server
      ? httpSink(opts.server, opts.project, opts.apiKey)
      : await localSink(storeOpts, opts.project));
  const summary = {
    accepted: 0,
    rejected: 0,
    files: [] as Array<{ file: string; accepted: number; rejected: number }>,
  };
  const errors: Array<IngestError & { file: string }> = [];
  const notes: string[] = [];
  try {
    const opened: Array<{
      file: string;
      total: number;
      infinite: Record<string, number>;
      mapping: ReturnType<typeof planMapping>;
      run?: FileImportRun;
      rows?: FileRows;
    }> = [];
    // Open (and so check) every file before writing anything: a typo in the third file must not
    // leave the first two half-imported.
    for (const file of files) {
      if (embedded) {
        const format = CLICKHOUSE_FORMAT[formatOf(file)];
        let imported: FileImport;
        try {
          imported = await openFileImport(embedded.store, { path: file, format });
        } catch (e) {
          throw fileReadError(file, format, e);
        }
        const mapping = planMapping(file, imported.columns, planOpts);
        const run = imported.prepare({
          roles: mapping.roles,
          regression: mapping.task === 'regression',
          target: {
            project: opts.project,
            model: opts.model,
            environment: opts.env ?? 'production',
            version: opts.version || 'default',
          },
          receivedMs: Date.now(),
          limits: RECORD_LIMITS,
        });
        opened.push({
          file,
          total: imported.total,
          infinite: imported.infinite,
          mapping,
          ...(run ? { run } : { rows: await openFileRows(file) }),
        });
      } else {
        const rows = await openFileRows(file);
        const mapping = planMapping(file, rows.columns, planOpts);
        opened.push({ file, total: rows.total, infinite: rows.infinite, mapping, rows });
      }
    }
    for (const { file, infinite } of opened)
      for (const [col, n] of Object.entries(infinite))
        notes.push(
          `${file}: ${col} held ${n} ±inf value${n === 1 ? '' : 's'}, stored as missing (records hold finite numbers)`,
        );
    for (const { file, total, rows, run, mapping } of opened) {
      const bar = progressBar(basename(file), total);
      let done = 0;
      let accepted = 0;
      let rejected = 0;
      const count = (res: IngestResult) => {
        accepted += res.accepted;
        rejected += res.rejected;
        for (const e of res.errors) if (errors.length < 1000) errors.push({ file, ...e });
      };
      if (run && embedded) {
        // The rows the SQL rules leave to JavaScript first (named when refused), then the rest.
        try {
          for await (const slow of run.slowRows())
            count(
              await embedded.sendItems(
                'records',
                slow.map((r) => ({ index: r.index, value: toRecord(r.row, mapping) })),
              ),
            );
          accepted += await run.insertFast();
        } catch (e) {
          throw fileReadError(file, CLICKHOUSE_FORMAT[formatOf(file)], e);
        }
        done = total;
      } else if (rows) {
        // Two batches in flight: the next is read and validated while the previous commits.
        let previous: Promise<void> = Promise.resolve();
        for await (const batch of rows.batches(opts.batchSize || BATCH_ROWS)) {
          const first = done;
          done += batch.length;
          const sending = sink
            .send(
              'records',
              batch.map((r) => toRecord(r, mapping)),
              first,
            )
            .then(count);
          // Mark the rejection handled now; it is awaited (and so thrown) on the next turn.
          sending.catch(() => {});
          await previous;
          previous = sending;
          bar.update(done);
        }
        await previous;
      }
      bar.update(done);
      bar.stop();
      summary.files.push({ file, accepted, rejected });
      summary.accepted += accepted;
      summary.rejected += rejected;
    }
  } finally {
    await sink.close();
  }
  if (opts.format === 'json') {
    console.log(JSON.stringify({ ...summary, errors: errors.slice(0, 100), notes }));
  } else {
    for (const n of notes) console.log(n);
    for (const f of summary.files) console.log(`${f.file}: accepted ${f.accepted}, rejected ${f.rejected}`);
    for (const e of errors.slice(0, 10))
      console.log(`  row ${e.index} of ${e.file}: ${e.field || 'row'}: ${e.message}`);
    if (summary.rejected > 10)
      console.log(`  … and ${summary.rejected - 10} more (GET /v1/rejected?model=${opts.model})`);
    if (summary.files.length > 1)
      console.log(`total: accepted ${summary.accepted}, rejected ${summary.rejected}`);
  }
  return summary.accepted === 0 && summary.rejected > 0 ? 1 : 0;
}
