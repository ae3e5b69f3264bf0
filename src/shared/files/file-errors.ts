import { errorMessage, VigilError } from '../errors.js';

/**
 * plainClickhouseText drops ClickHouse's wrapping from a message (`Code: N. DB::Exception:`,
 * `(ERROR_NAME)`, `(version …)`, stack lines), keeping its first sentence about the data.
 */
export function plainClickhouseText(raw: string): string {
  const first =
    raw
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return first
    .replace(/Code: \d+\.\s*/g, '')
    .replace(/DB::Exception:\s*/g, '')
    .replace(/\s*\([A-Z_]+\)/g, '')
    .replace(/\s*\(version [^)]*\)/g, '')
    .replace(/:? In scope .*$/, '')
    .replace(/\s*Error:$/, '')
    .replace(/\.$/, '')
    .slice(0, 300);
}

/**
 * fileReadError says in plain words why ClickHouse could not read a data file; `what` names it
 * for the user (`--current today.csv`, `today.csv`). No raw ClickHouse message reaches a user.
 */
export function fileReadError(what: string, format: string, e: unknown): VigilError {
  // The store wraps ClickHouse's failures (store/errors.ts); the file's own words are in the cause.
  if (e instanceof VigilError && e.code !== 'store_error') return e;
  const raw = e instanceof VigilError ? `${errorMessage(e.cause ?? e)}\n${e.message}` : errorMessage(e);
  const opts = { field: what.split(' ')[0] ?? 'FILE', cause: e };
  if (/the file is empty|EMPTY_DATA_PASSED|Cannot read rows from the data|Code: 92\b/.test(raw))
    return new VigilError(
      'file_empty',
      `${what}: has no rows or columns to read (the file is empty, or holds a header only)`,
      opts,
    );
  if (/Column name in Block cannot be empty|AMBIGUOUS_COLUMN_NAME|empty column name/i.test(raw))
    return new VigilError(
      'file_unreadable',
      `${what}: its header has a column with no name (R's write.csv writes one for the row names: ` +
        'write it with row.names = FALSE, or name the column)',
      opts,
    );
  return new VigilError(
    'file_unreadable',
    `${what}: could not be read as ${format}: ${plainClickhouseText(raw)}`,
    opts,
  );
}
