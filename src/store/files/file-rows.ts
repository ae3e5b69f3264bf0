import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CLICKHOUSE_FORMAT,
  type FileColumn,
  fileReadError,
  formatOf,
  VigilError,
} from '../../shared/index.js';
import type { FileSelect } from '../queries/file-read.js';

export interface FileRows {
  columns: FileColumn[];
  /** total is the file's row count (ClickHouse counts it before the rows stream). */
  total: number;
  /** infinite counts, per numeric column holding some, the ±inf values read as NULL. */
  infinite: Record<string, number>;
  /** batches yields parsed rows in order, `size` at a time, pulling from the file only as fast as consumed. */
  batches(size: number): AsyncGenerator<Array<Record<string, unknown>>>;
}

/**
 * openFileRows lets ClickHouse parse a CSV, TSV, Parquet or NDJSON file (types inferred by
 * ClickHouse) in a child process and streams its rows back, or the rows `select` describes
 * (store/queries/file-read.ts) when ClickHouse should sort or aggregate first. Memory stays
 * bounded: the pipe's backpressure holds the child while a batch is being written.
 */
export async function openFileRows(path: string, opts: { select?: FileSelect } = {}): Promise<FileRows> {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new VigilError('file_not_found', `${path}: no such file`, { field: 'FILE' });
  const format = CLICKHOUSE_FORMAT[formatOf(path)];
  const childJs = fileURLToPath(new URL('./read-file-child.js', import.meta.url));
  const childTs = fileURLToPath(new URL('./read-file-child.ts', import.meta.url));
  const args = existsSync(childJs) ? [childJs] : ['--import', 'tsx', childTs];
  const child = spawn(
    process.execPath,
    [...args, path, format, ...(opts.select ? [JSON.stringify(opts.select)] : [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TZ: 'UTC' },
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 10_000) stderr += d;
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const failure = async () => {
    await exited;
    return fileReadError(path, format, new Error(stderr.trim()));
  };

  child.stdout.setEncoding('utf8');
  const chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<string>;
  let buffer = '';
  let pos = 0;
  // nextLine returns the next complete line, or undefined at the end of the stream.
  const nextLine = async (): Promise<string | undefined> => {
    for (;;) {
      const nl = buffer.indexOf('\n', pos);
      if (nl !== -1) {
        const line = buffer.slice(pos, nl);
        pos = nl + 1;
        return line;
      }
      const r = await chunks.next();
      if (r.done) {
        const rest = buffer.slice(pos);
        buffer = '';
        pos = 0;
        return rest.length > 0 ? rest : undefined;
      }
      buffer = buffer.slice(pos) + r.value;
      pos = 0;
    }
  };
  const header = await nextLine();
  if (header === undefined) throw await failure();
  const meta = JSON.parse(header) as {
    columns: FileColumn[];
    total: number;
    infinite: Record<string, number>;
  };

  return {
    columns: meta.columns,
    total: meta.total,
    infinite: meta.infinite,
    async *batches(size: number) {
      let batch: Array<Record<string, unknown>> = [];
      try {
        for (;;) {
          const line = await nextLine();
          if (line === undefined) break;
          if (line.length === 0) continue;
          batch.push(JSON.parse(line) as Record<string, unknown>);
          if (batch.length >= size) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
        if ((await exited) !== 0) throw await failure();
      } finally {
        if (child.exitCode === null) child.kill();
      }
    },
  };
}
