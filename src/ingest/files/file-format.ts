import { VigilError } from '../../shared/errors.js';

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'ndjson';

/** CLICKHOUSE_FORMAT names the ClickHouse input format that reads each file format. */
export const CLICKHOUSE_FORMAT: Record<FileFormat, string> = {
  csv: 'CSVWithNames',
  tsv: 'TSVWithNames',
  parquet: 'Parquet',
  ndjson: 'JSONEachRow',
};

/** formatOf picks the format from the file name; an unknown extension is a clear error. */
export function formatOf(path: string): FileFormat {
  const lower = path.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl') || lower.endsWith('.json')) return 'ndjson';
  throw new VigilError(
    'unknown_format',
    `${path}: unknown file format; use .csv, .tsv, .parquet, .ndjson, .jsonl or .json (optionally .gz)`,
    { field: 'FILE' },
  );
}

/** isNumericType tells whether ClickHouse inferred a file column as a number (nullable or not). */
export function isNumericType(type: string): boolean {
  return /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/.test(type);
}
