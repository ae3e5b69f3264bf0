// Loads the NAB corpus (data, labels, windows, stored per-file results) from ../shared/data/nab.
// Timestamps are `YYYY-MM-DD HH:MM:SS` without a zone; they are read as UTC so that a day is 86.4e6 ms
// everywhere and no daylight-saving jump fakes a level shift.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProfileName, Window } from './scorer.js';

/** NabFile is one corpus series with its labels and scoring windows as row indices. */
export interface NabFile {
  /** key is the relative path NAB uses, e.g. `realKnownCause/nyc_taxi.csv`. */
  readonly key: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly labelRows: readonly number[];
  readonly windows: readonly Window[];
}

/** defaultNabRoot resolves the shared corpus relative to the repository root. */
export function defaultNabRoot(repoRoot: string = process.cwd()): string {
  return resolve(repoRoot, '..', 'shared', 'data', 'nab');
}

/** parseNabTime reads NAB's zone-less timestamp (optionally with `.000000`) as UTC epoch ms. */
export function parseNabTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text.trim());
  if (m === null) throw new Error(`NAB timestamp not understood: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function readJsonRecord(path: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${path}: expected a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`${what}: expected a list of strings`);
  }
  return value as string[];
}

function rowOf(index: ReadonlyMap<number, number>, text: string, what: string): number {
  const row = index.get(parseNabTime(text));
  if (row === undefined) throw new Error(`${what}: timestamp ${text} is not a row of the file`);
  return row;
}

/** readSeries parses one `timestamp,value` CSV. */
export function readSeries(path: string): { timestamps: Float64Array; values: Float64Array } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const timestamps: number[] = [];
  const values: number[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const comma = line.indexOf(',');
    timestamps.push(parseNabTime(line.slice(0, comma)));
    values.push(Number(line.slice(comma + 1)));
  }
  return { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}

/** loadCorpus reads all 58 files in a stable order (sorted by key), with labels and windows. */
export function loadCorpus(root: string = defaultNabRoot()): NabFile[] {
  const labels = readJsonRecord(join(root, 'labels', 'combined_labels.json'));
  const windows = readJsonRecord(join(root, 'labels', 'combined_windows.json'));
  const dataDir = join(root, 'data');
  const keys: string[] = [];
  for (const category of readdirSync(dataDir, { withFileTypes: true })) {
    if (!category.isDirectory()) continue;
    for (const name of readdirSync(join(dataDir, category.name))) {
      if (name.endsWith('.csv')) keys.push(`${category.name}/${name}`);
    }
  }
  keys.sort();
  return keys.map((key) => {
    const { timestamps, values } = readSeries(join(dataDir, key));
    const index = new Map<number, number>();
    // NAB matches a window edge to the first row with that timestamp; a few files repeat one (DST).
    timestamps.forEach((t, i) => {
      if (!index.has(t)) index.set(t, i);
    });
    const labelRows = stringList(labels[key] ?? [], `labels of ${key}`).map((t) => rowOf(index, t, key));
    const rawWindows = windows[key] ?? [];
    if (!Array.isArray(rawWindows)) throw new Error(`windows of ${key}: expected a list`);
    const fileWindows = rawWindows.map((pair: unknown) => {
      const [start, end] = stringList(pair, `window of ${key}`);
      if (start === undefined || end === undefined) throw new Error(`window of ${key}: expected a pair`);
      return { start: rowOf(index, start, key), end: rowOf(index, end, key) };
    });
    return { key, timestamps, values, labelRows, windows: fileWindows };
  });
}

/** StoredFileScore is one row of a published `results/<detector>/<detector>_<profile>_scores.csv`. */
export interface StoredFileScore {
  readonly file: string;
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly rows: number;
}

/** readStoredScores reads a published per-file score table; the `Totals` row has file `Totals`. */
export function readStoredScores(root: string, detector: string, profile: ProfileName): StoredFileScore[] {
  const path = join(root, 'results', detector, `${detector}_${profile}_scores.csv`);
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const c = line.split(',');
    const num = (i: number) => Number(c[i]);
    return {
      file: c[0] === 'Totals' ? 'Totals' : (c[2] ?? ''),
      threshold: num(3),
      score: num(4),
      tp: num(5),
      tn: num(6),
      fp: num(7),
      fn: num(8),
      rows: num(9),
    };
  });
}

/** PublishedScores maps detector keys to their normalized profile scores (results/final_results.json). */
export type PublishedScores = Record<string, Partial<Record<ProfileName, number>>>;

/** readPublishedScores reads the stored scoreboard. */
export function readPublishedScores(root: string = defaultNabRoot()): PublishedScores {
  const raw = readJsonRecord(join(root, 'results', 'final_results.json'));
  const out: PublishedScores = {};
  for (const [detector, scores] of Object.entries(raw)) {
    if (scores === null || typeof scores !== 'object') continue;
    const entry: Partial<Record<ProfileName, number>> = {};
    for (const [profile, value] of Object.entries(scores as Record<string, unknown>)) {
      if (typeof value === 'number') entry[profile as ProfileName] = value;
    }
    out[detector] = entry;
  }
  return out;
}
