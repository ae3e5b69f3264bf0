import { VigilError } from '../errors.js';

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'ndjson';

/** FileColumn is a column of a data file and the type ClickHouse read it as. */
export interface FileColumn {
  name: string;
  type: string;
}

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

/** isTextFormat: CSV and TSV hold text, whose numbers ClickHouse infers from a sample of rows. */
export function isTextFormat(clickhouseFormat: string): boolean {
  return /^(CSV|TSV|TabSeparated)/.test(clickhouseFormat);
}

/**
 * readTypeOf is the type a column is read as. In CSV and TSV a column ClickHouse inferred as a
 * number is read as text and converted by the number spellings (store/queries/number-spelling.ts): its type comes from a sample of rows
 * (an `NA` after it would fail the parse), and its empty TSV cells would read as 0.
 */
export function readTypeOf(type: string, clickhouseFormat: string): string {
  return isTextFormat(clickhouseFormat) && isNumericType(type) ? 'Nullable(String)' : type;
}
