import {
  type AnomalyEvent,
  createDetector,
  type Detector,
  type DetectorPoint,
  type Sensitivity,
} from '../core/index.js';
import type { Clock } from '../shared/index.js';
import {
  countLateSeriesPoints,
  type Store,
  selectSeriesPointsAfter,
  type WriteQueue,
} from '../store/index.js';
import type { SeriesPoint } from './series-input.js';

interface SeriesState {
  detector: Detector;
  /** lastTs is the newest point fed to the detector; lastReceived the newest write seen. */
  lastTs: number;
  lastReceived: number;
  results: DetectorPoint[];
  changepoints: number[];
  /** events that ended, oldest first (the open one is asked of the detector). */
  events: AnomalyEvent[];
}

/** MAX_RESULTS per series kept in memory; older verdicts are dropped (the points stay stored). */
const MAX_RESULTS = 50_000;
/** MAX_SERIES whose detector state is kept; the least recently read is evicted first. */
const MAX_SERIES = 200;

/**
 * StoredSeries keeps named series in the store and scores them incrementally: each read feeds
 * only the points that arrived since the last one through that series' detector, so a series
 * read every minute costs a minute of points. A point that lands before the detector's latest
 * one (late data, a correction) makes the series rescored from its start, so a verdict never
 * depends on arrival order.
 */
export class StoredSeries {
  readonly #store: Store;
  readonly #queue: WriteQueue;
  readonly #clock: Clock;
  readonly #states = new Map<string, SeriesState>();
  #received = 0;

  constructor(opts: { store: Store; queue: WriteQueue; clock: Clock }) {
    this.#store = opts.store;
    this.#queue = opts.queue;
    this.#clock = opts.clock;
  }

  /** append commits points (already validated, sorted, de-duplicated) and resolves once stored. */
  async append(project: string, name: string, points: readonly SeriesPoint[]): Promise<void> {
    this.#queue.reserve(points.length);
    // The version must grow across calls within a millisecond so a re-sent point replaces.
    const received = Math.max(this.#clock.nowMs(), this.#received + 1);
    this.#received = received;
    await this.#queue.write(
      'series_points',
      points.map((p) => JSON.stringify({ project, name, ts: p.timestamp, value: p.value, received })),
    );
  }

  /** anomalies scores the series up to now and returns the verdicts in [fromMs, toMs). */
  async anomalies(
    project: string,
    name: string,
    sensitivity: Sensitivity,
    range: { fromMs?: number | undefined; toMs?: number | undefined },
  ): Promise<{
    points: DetectorPoint[];
    changepoints: number[];
    seasonality: unknown;
    events: AnomalyEvent[];
    total: number;
  } | null> {
    const key = `${project}\u0000${name}\u0000${sensitivity}`;
    let state = this.#states.get(key);
    if (state) {
      const late = await countLateSeriesPoints(this.#store, project, name, {
        receivedAfter: state.lastReceived,
        tsAtOrBefore: state.lastTs,
      });
      if (late > 0) state = undefined;
    }
    if (!state) {
      state = {
        detector: createDetector({ sensitivity }),
        lastTs: -1,
        lastReceived: 0,
        results: [],
        changepoints: [],
        events: [],
      };
    }
    const fresh = await selectSeriesPointsAfter(this.#store, project, name, state.lastTs);
    if (fresh.length === 0 && state.lastTs < 0) return null;
    for (const p of fresh) {
      const verdict = state.detector.update({ timestamp: Number(p.ts), value: Number(p.value) });
      state.results.push(verdict);
      if (verdict.changepoint) state.changepoints.push(verdict.timestamp);
      state.lastTs = Number(p.ts);
      state.lastReceived = Math.max(state.lastReceived, Number(p.received));
    }
    state.events.push(...state.detector.takeEvents());
    if (state.events.length > MAX_RESULTS) state.events.splice(0, state.events.length - MAX_RESULTS);
    if (state.results.length > MAX_RESULTS) state.results.splice(0, state.results.length - MAX_RESULTS);
    this.#states.delete(key);
    this.#states.set(key, state);
    if (this.#states.size > MAX_SERIES) {
      const oldest = this.#states.keys().next().value;
      if (oldest !== undefined) this.#states.delete(oldest);
    }
    const open = state.detector.openEvent;
    const inRange = (t: number) =>
      (range.fromMs === undefined || t >= range.fromMs) && (range.toMs === undefined || t < range.toMs);
    return {
      points: state.results.filter((p) => inRange(p.timestamp)),
      changepoints: state.changepoints.filter(inRange),
      seasonality: state.detector.seasonality,
      // An event is in range when it overlaps it.
      events: [...state.events, ...(open ? [open] : [])].filter(
        (e) =>
          (range.toMs === undefined || e.start < range.toMs) &&
          (range.fromMs === undefined || (e.end ?? Number.POSITIVE_INFINITY) >= range.fromMs),
      ),
      total: state.results.length,
    };
  }
}
