import { int, joinSql, type Sql, sql, str } from '../sql.js';

/** RecordWindow selects records of one model: an environment, optionally a version and a time range. */
export interface RecordWindow {
  /**
   * final reads with FINAL (the default), so a re-sent record counts once. Only a caller that
   * wrote the rows itself with unique ids (the offline report) may turn it off.
   */
  final?: boolean | undefined;
  environment: string;
  version?: string | undefined;
  /** fromMs is inclusive, toMs exclusive (epoch milliseconds of the record's timestamp). */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** segment keeps the records whose tag `tag` has the value `value` (monitors scoped to a segment). */
  segment?: { tag: string; value: string } | null | undefined;
}

/** windowWhere is the WHERE clause of a window; every value is a literal through sql.ts. */
export function windowWhere(project: string, model: string, w: RecordWindow): Sql {
  const parts = [
    sql`project = ${str(project)}`,
    sql`model = ${str(model)}`,
    sql`environment = ${str(w.environment)}`,
  ];
  if (w.version !== undefined) parts.push(sql`version = ${str(w.version)}`);
  if (w.fromMs !== undefined) parts.push(sql`ts >= ${int(w.fromMs)}`);
  if (w.toMs !== undefined) parts.push(sql`ts < ${int(w.toMs)}`);
  if (w.segment)
    parts.push(
      sql`arrayElement(tag_values, indexOf(tag_keys, ${str(w.segment.tag)})) = ${str(w.segment.value)}`,
    );
  return joinSql(parts, ' AND ');
}

const FINAL = sql` FINAL`;
const NOT_FINAL = sql``;

/** fin is the FINAL clause of a window's read. */
export const fin = (w: RecordWindow): Sql => (w.final === false ? NOT_FINAL : FINAL);
