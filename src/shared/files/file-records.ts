import { VigilError } from '../errors.js';
import type { Task } from '../task.js';
import type { FileColumn } from './file-format.js';

/** FileRoles name the columns with a role; every other column is a feature. */
export interface FileRoles {
  model: string;
  environment?: string | undefined;
  version?: string | undefined;
  target?: string | undefined;
  prediction?: string | undefined;
  score?: string | undefined;
  id?: string | undefined;
  timestamp?: string | undefined;
  tags?: string[] | undefined;
  task?: Task | undefined;
}

export interface FileMapping {
  task: Task | null;
  features: string[];
  roles: FileRoles;
}

const isFloat = (type: string) => /Float|Decimal/.test(type);

/**
 * planMapping checks that every column named in a flag exists (a typo is an error, not a
 * silent feature) and decides how the prediction and target read: a score makes a binary
 * classifier, a float target or prediction a regression, anything else class labels.
 */
export function planMapping(path: string, columns: readonly FileColumn[], roles: FileRoles): FileMapping {
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  const named: Array<[string, string | undefined]> = [
    ['--target', roles.target],
    ['--prediction', roles.prediction],
    ['--score', roles.score],
    ['--id', roles.id],
    ['--timestamp', roles.timestamp],
    ...(roles.tags ?? []).map((t): [string, string] => ['--tag', t]),
  ];
  for (const [flag, col] of named) {
    if (col !== undefined && !byName.has(col)) {
      throw new VigilError(
        'unknown_column',
        `${flag} ${col}: ${path} has no such column; its columns are ${columns.map((c) => c.name).join(', ')}`,
        { field: flag },
      );
    }
  }
  const roleColumns = new Set(named.map(([, c]) => c).filter((c): c is string => c !== undefined));
  let task: Task | null = roles.task ?? null;
  if (!task) {
    const labelType = byName.get(roles.prediction ?? '') ?? byName.get(roles.target ?? '');
    if (roles.score !== undefined) task = 'binary';
    else if (labelType !== undefined && isFloat(labelType)) task = 'regression';
  }
  return { task, features: columns.map((c) => c.name).filter((n) => !roleColumns.has(n)), roles };
}

const label = (v: unknown) =>
  v === null || v === undefined ? undefined : typeof v === 'string' ? v : String(v);

/** toRecord turns one file row into an API record; validation happens in ingest as for HTTP. */
export function toRecord(row: Record<string, unknown>, m: FileMapping): Record<string, unknown> {
  const { roles } = m;
  const features: Record<string, unknown> = {};
  for (const f of m.features) features[f] = row[f] ?? null;
  const record: Record<string, unknown> = { model: roles.model, features };
  if (roles.environment) record['environment'] = roles.environment;
  if (roles.version) record['version'] = roles.version;
  if (roles.id !== undefined && row[roles.id] !== null) record['id'] = row[roles.id];
  if (roles.timestamp !== undefined && row[roles.timestamp] !== null)
    record['timestamp'] = row[roles.timestamp];
  if (roles.tags && roles.tags.length > 0) {
    const tags: Record<string, unknown> = {};
    for (const t of roles.tags) tags[t] = row[t] ?? null;
    record['tags'] = tags;
  }
  const regression = m.task === 'regression';
  const prediction: Record<string, unknown> = {};
  if (roles.prediction !== undefined && row[roles.prediction] != null) {
    if (regression) prediction['value'] = row[roles.prediction];
    else prediction['label'] = label(row[roles.prediction]);
  }
  if (roles.score !== undefined && row[roles.score] != null) prediction['score'] = row[roles.score];
  if (Object.keys(prediction).length > 0) record['prediction'] = prediction;
  if (roles.target !== undefined && row[roles.target] != null) {
    record['actual'] = regression ? { value: row[roles.target] } : { label: label(row[roles.target]) };
  }
  return record;
}

/** FileRoleColumns name the columns of a file that are not features. */
export interface FileRoleColumns {
  target?: string | undefined;
  prediction?: string | undefined;
  score?: string | undefined;
  id?: string | undefined;
  timestamp?: string | undefined;
}
