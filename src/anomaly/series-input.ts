import { parseTimestamp, VigilError } from '../shared/index.js';

export interface SeriesPoint {
  timestamp: number;
  value: number;
}

/** MAX_POINTS bounds one stateless detect request. */
export const MAX_POINTS = 2_000_000;

/**
 * readSeries validates `[{timestamp, value}, …]` and repairs what has one right answer: points
 * are sorted by time, and points sharing a timestamp are merged into their mean (both counted
 * in `repairs`). A value that is not a finite number, or a time that is not a time, is an error
 * naming the point, because guessing it would invent data.
 */
export function readSeries(
  input: unknown,
  field = 'series',
): { points: SeriesPoint[]; repairs: { sorted: boolean; merged: number } } {
  if (!Array.isArray(input))
    throw new VigilError('invalid_request', `${field}: must be an array of {timestamp, value}`, { field });
  if (input.length === 0) throw new VigilError('invalid_request', `${field}: is empty`, { field });
  if (input.length > MAX_POINTS)
    throw new VigilError(
      'invalid_request',
      `${field}: has ${input.length} points; at most ${MAX_POINTS} per request`,
      { field },
    );
  const points: SeriesPoint[] = [];
  let sorted = true;
  for (let i = 0; i < input.length; i++) {
    const p = input[i] as unknown;
    if (typeof p !== 'object' || p === null)
      throw new VigilError('invalid_request', `${field}.${i}: must be an object {timestamp, value}`, {
        field: `${field}.${i}`,
      });
    const rec = p as Record<string, unknown>;
    const ts = parseTimestamp(rec['timestamp']);
    if (typeof ts === 'string')
      throw new VigilError('invalid_request', `${field}.${i}.timestamp: ${ts}`, {
        field: `${field}.${i}.timestamp`,
      });
    const value = rec['value'];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new VigilError(
        'invalid_request',
        `${field}.${i}.value: must be a finite number, got ${JSON.stringify(value)}`,
        {
          field: `${field}.${i}.value`,
        },
      );
    if (points.length > 0 && ts < (points[points.length - 1]?.timestamp ?? 0)) sorted = false;
    points.push({ timestamp: ts, value });
  }
  if (!sorted) points.sort((a, b) => a.timestamp - b.timestamp);
  const merged: SeriesPoint[] = [];
  let mergedCount = 0;
  for (let i = 0; i < points.length; ) {
    let j = i + 1;
    let sum = points[i]?.value ?? 0;
    while (j < points.length && points[j]?.timestamp === points[i]?.timestamp) sum += points[j++]?.value ?? 0;
    mergedCount += j - i - 1;
    merged.push({ timestamp: points[i]?.timestamp ?? 0, value: sum / (j - i) });
    i = j;
  }
  return { points: merged, repairs: { sorted: !sorted, merged: mergedCount } };
}
