import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { type AnomalyEvent, createDetector, eventJson, type Sensitivity } from '../core/index.js';
import { isNumericType, parseTimestamp, VigilError } from '../shared/index.js';
import { openFileRows } from '../store/index.js';
import { progressBar } from './progress.js';

export interface DetectCommandOptions {
  timestamp: string;
  value: string;
  format: 'csv' | 'json';
  sensitivity: Sensitivity;
  output?: string;
}

/**
 * runDetect scores a file's series offline with the same detector as the server. ClickHouse
 * reads the file, sorts it by time and merges rows that share a timestamp into their mean
 * (the documented repair, reported on stderr); points then stream through the detector, so
 * memory stays bounded whatever the file's length.
 */
export async function runDetect(file: string, opts: DetectCommandOptions): Promise<void> {
  const probe = await openFileRows(file, { select: { kind: 'columns' } });
  for await (const _ of probe.batches(1)) {
    /* drain */
  }
  const types = new Map(probe.columns.map((c) => [c.name, c.type]));
  for (const [flag, col] of [
    ['--timestamp', opts.timestamp],
    ['--value', opts.value],
  ] as const) {
    if (!types.has(col))
      throw new VigilError(
        'unknown_column',
        `${flag} ${col}: ${file} has no such column; its columns are ${[...types.keys()].join(', ')}`,
      );
  }
  if (!isNumericType(types.get(opts.value) ?? '')) {
    const bad = await openFileRows(file, { select: { kind: 'firstNonNumber', column: opts.value } });
    let example = '';
    for await (const b of bad.batches(1))
      example = ` (data row ${b[0]?.['row']}: ${JSON.stringify(b[0]?.['v'])})`;
    throw new VigilError('non_numeric', `--value ${opts.value}: not every value is a number${example}`);
  }
  const rows = await openFileRows(file, {
    select: { kind: 'seriesByTime', timestamp: opts.timestamp, value: opts.value },
  });
  const out: Writable = opts.output ? createWriteStream(opts.output) : process.stdout;
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => {
      if (out.write(s, (e) => (e ? reject(e) : undefined))) resolve();
      else out.once('drain', resolve);
    });
  const detector = createDetector({ sensitivity: opts.sensitivity });
  const bar = progressBar(basename(file), rows.total);
  const changepoints: number[] = [];
  let done = 0;
  let merged = 0;
  let first = true;
  if (opts.format === 'csv') await write('timestamp,value,expected,lower,upper,score,anomaly,changepoint\n');
  else await write('{"points":[');
  for await (const batch of rows.batches(5000)) {
    let text = '';
    for (const r of batch) {
      const ts = parseTimestamp(typeof r['ts'] === 'number' ? r['ts'] : String(r['ts']));
      if (typeof ts === 'string')
        throw new VigilError(
          'invalid_timestamp',
          `--timestamp ${opts.timestamp}: ${JSON.stringify(r['ts'])} ${ts}`,
        );
      const n = Number(r['n']);
      merged += n - 1;
      done += n;
      const p = detector.update({ timestamp: ts, value: Number(r['value']) });
      if (p.changepoint) changepoints.push(p.timestamp);
      const iso = new Date(p.timestamp).toISOString();
      if (opts.format === 'csv')
        text += `${iso},${p.value},${p.expected},${p.lower},${p.upper},${p.score},${p.anomaly},${p.changepoint}\n`;
      else {
        text += `${first ? '' : ','}${JSON.stringify({ timestamp: iso, value: p.value, expected: p.expected, lower: p.lower, upper: p.upper, lower95: p.lower95, upper95: p.upper95, score: p.score, anomaly: p.anomaly })}`;
        first = false;
      }
    }
    await write(text);
    bar.update(done);
  }
  bar.stop();
  const events: AnomalyEvent[] = detector.takeEvents();
  const open = detector.openEvent;
  if (open !== null) events.push(open);
  if (opts.format === 'json') {
    await write(
      `],"changepoints":${JSON.stringify(changepoints.map((c) => new Date(c).toISOString()))},` +
        `"seasonality":${JSON.stringify(detector.seasonality)},"events":${JSON.stringify(events.map(eventJson))},` +
        `"repairs":{"sorted":true,"merged":${merged}}}\n`,
    );
  } else if (events.length > 0) {
    // CSV has one row per point; the events go to stderr, one line each.
    console.error(`vigil detect: ${events.length} anomaly events (--format json lists them in full)`);
    for (const e of events.slice(0, 50).map(eventJson))
      console.error(
        `  ${e.kind} ${e.direction} from ${e.start} to ${e.end ?? 'now (ongoing)'}, ${e.points} points, ` +
          `peak ${e.peak.value ?? 'missing'} where ${e.peak.expected} was expected (${e.resolution})`,
      );
    if (events.length > 50) console.error(`  ... and ${events.length - 50} more`);
  }
  if (opts.output) await new Promise<void>((resolve) => out.end(resolve));
  const skipped = rows.total - done;
  if (skipped > 0) {
    const inf = probe.infinite[opts.value] ?? 0;
    console.error(
      `vigil detect: ${skipped} rows had no time or no finite value and were skipped` +
        (inf > 0 ? ` (${inf} of them ±inf, the rest empty, NA or NaN)` : ' (empty, NA or NaN)'),
    );
  }
  if (merged > 0)
    console.error(
      `vigil detect: ${merged} rows shared a timestamp with another and were merged into their mean`,
    );
}
