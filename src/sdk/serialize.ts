import type { Endpoint, RowError } from './types.js';

/** Entry is one logged row as the buffer holds it: by reference, serialized only when sent. */
export interface Entry {
  endpoint: Endpoint;
  row: unknown;
  /** at is the time of log(): the default timestamp, so a batch delayed by an outage keeps true times. */
  at: number;
}

/**
 * serializeRow renders one row as an NDJSON line, adding a client id (records only: an actual
 * must name its prediction) and the log() time when the row has none. The id is fixed here, once
 * per row, and the line is reused by every retry, so a retried row replaces instead of doubling.
 * Undefined when JSON cannot represent the row; throws what JSON.stringify throws (cycles, BigInt).
 */
export function serializeRow(e: Entry, newId: () => string): string | undefined {
  const row = e.row;
  if (typeof row === 'object' && row !== null && !Array.isArray(row)) {
    const r = row as Record<string, unknown>;
    const needId = e.endpoint === 'records' && (r['id'] === undefined || r['id'] === null);
    const needTs = r['timestamp'] === undefined || r['timestamp'] === null;
    if (needId && needTs) return JSON.stringify({ ...r, id: newId(), timestamp: e.at });
    if (needId) return JSON.stringify({ ...r, id: newId() });
    if (needTs) return JSON.stringify({ ...r, timestamp: e.at });
  }
  return JSON.stringify(row) as string | undefined;
}

/**
 * toLines serializes the rows of one request. `rows[i]` is the object behind `lines[i]`, so the
 * server's `errors[].index` maps back to what the caller logged; rows JSON cannot carry are
 * returned in `bad` instead of failing the batch.
 */
export function toLines(
  entries: readonly Entry[],
  newId: () => string,
): { lines: string[]; rows: unknown[]; bad: RowError[] } {
  const lines: string[] = [];
  const rows: unknown[] = [];
  const bad: RowError[] = [];
  for (const e of entries) {
    let line: string | undefined;
    let why = 'is not JSON-serializable';
    try {
      line = serializeRow(e, newId);
    } catch (err) {
      why = `is not JSON-serializable (${err instanceof Error ? err.message : String(err)})`;
    }
    if (line === undefined) bad.push({ index: -1, field: '', message: why, row: e.row });
    else {
      lines.push(line);
      rows.push(e.row);
    }
  }
  return { lines, rows, bad };
}
