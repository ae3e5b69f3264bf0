// npm run bench -- anomaly [--seeds N]: Vigil's anomaly detector on series generated here, where the truth
// is known. Every family runs on N seeds (default 5) through a fresh detector with the default
// configuration (medium sensitivity, no labels, nothing per family):
//   spikes:  hourly traffic (level 1000, daily ±35%, weekend −30%, multiplicative noise 3%), ten weeks,
//            a lasting ×2 level shift after six; spikes of 6, 8, 10 and 15 noise sd (up and down) every
//            53 hours from day 15 on (two weeks to learn both cycles), none within a day of the shift.
//            Spike recall (point flagged, and found as a spike event) before and after the shift; false alarms per 1,000 normal
//            points (flags that are not a spike, the shift's first day excepted); band coverage of
//            normal points by the band shown ([lower, upper], the flag band) and by the 95% band the
//            API answers ([lower95, upper95], expected ± 1.96 residual scales).
//   faults:  5-minute traffic (daily ±35%, noise 3%), two weeks to learn, then faults of 20, 50, 100,
//            200 and 500 points (×1.3 or ×0.75 level, or a ramp to ×1.4), 600 calm points apart.
//            Point-wise precision, recall, F1 of the points inside events against the fault spans;
//            event start error (points) and the share of faults whose event ends within 10% of the
//            fault length (at least 2 points) of the fault's end.
//   drift:   5-minute, a slow drift of +40% over 2,000 points after two weeks: events during the drift.
//   groups:  8 members, independent noise (bench/anomaly.ts, GroupDetector): false group events per
//            1,000 steps against one member's steps over the same bar; a one-member fault attributed.
//   counts:  hourly Poisson counts with mean 3 + 2·sin(daily): false alarms per 1,000 points and the
//            number of negative bounds (must be 0).
// Baseline, in the same run and on the same spike series: a rolling z-score over 500 points, |z| ≥ 4.
// Throughput: points per second of the detector on the spike series, one core, in process, against
// that baseline (ratio). The last line is one JSON object of the figures. Point flags are NAB's tuning
// (DEFAULT_TUNING); events are the calibrated layer (events.ts), hence both recalls.
import {
  type AnomalyEvent,
  createDetector,
  type DetectorPoint,
  GroupDetector,
  type TimePoint,
} from '../src/core/timeseries/index.js';
import { businessSeries, gaussian, mulberry32 } from '../src/core/timeseries/synthetic.js';

const HOUR = 3_600_000;
const MIN5 = 300_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2024, 0, 1); // a Monday

interface Run {
  points: DetectorPoint[];
  scales: number[];
  events: AnomalyEvent[];
  seconds: number;
}

function runDetector(series: readonly TimePoint[]): Run {
  const detector = createDetector({ sensitivity: 'medium' });
  const started = performance.now();
  const scales: number[] = [];
  const points = series.map((p) => {
    const out = detector.update(p);
    scales.push(detector.residualScale);
    return out;
  });
  const seconds = (performance.now() - started) / 1000;
  const events = detector.takeEvents();
  const open = detector.openEvent;
  if (open !== null) events.push(open);
  return { points, scales, events, seconds };
}

/** rollingZ is the baseline: |z| over the last 500 values (running sums), flagged at |z| ≥ 4. */
function rollingZ(series: readonly TimePoint[]): { flags: boolean[]; seconds: number } {
  const W = 500;
  const ring = new Float64Array(W);
  const flags: boolean[] = new Array(series.length).fill(false);
  const started = performance.now();
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < series.length; i++) {
    const x = series[i]?.value ?? 0;
    const n = Math.min(i, W);
    if (n >= 30) {
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(sumSq / n - mean * mean, 1e-12));
      flags[i] = Math.abs(x - mean) / sd >= 4;
    }
    const slot = i % W;
    if (i >= W) {
      sum -= ring[slot] ?? 0;
      sumSq -= (ring[slot] ?? 0) ** 2;
    }
    ring[slot] = x;
    sum += x;
    sumSq += x * x;
  }
  return { flags, seconds: (performance.now() - started) / 1000 };
}

const SPIKE_SIGMAS = [6, 8, 10, 15];

function spikeFamily(seed: number) {
  const hours = 10 * 7 * 24;
  const shiftAt = 6 * 7 * 24;
  const noise = 0.03;
  const series = businessSeries({
    seed,
    hours,
    startMs: START,
    level: 1000,
    dailyAmplitude: 350,
    weekendDrop: 300,
    noise,
    shiftAtHour: shiftAt,
    shiftFactor: 2,
  });
  const spikes = new Map<number, number>();
  let k = 0;
  for (let h = 15 * 24 + (seed % 7); h < hours; h += 53) {
    if (Math.abs(h - shiftAt) < 24) continue;
    const sigmas = SPIKE_SIGMAS[k % SPIKE_SIGMAS.length] ?? 6;
    const sign = k % 2 === 0 ? 1 : -1;
    k += 1;
    const p = series[h];
    if (p === undefined) continue;
    // The noise sd at this point is noise × the clean value; the spike is sigmas of it.
    series[h] = { timestamp: p.timestamp, value: p.value * (1 + sign * sigmas * noise) };
    spikes.set(h, sigmas);
  }
  return { series, spikes, shiftAt, learnFrom: 15 * 24 };
}

function faultFamily(seed: number) {
  const noise = gaussian(mulberry32(seed * 7919));
  const lengths = [20, 50, 100, 200, 500];
  const order = lengths.map((_, i) => lengths[(i + seed) % lengths.length] ?? 20);
  const warm = 14 * 288;
  const faults: { from: number; to: number; kind: string }[] = [];
  let at = warm + 300;
  order.forEach((len, i) => {
    faults.push({ from: at, to: at + len - 1, kind: ['up', 'down', 'ramp'][(i + seed) % 3] ?? 'up' });
    at += len + 600;
  });
  const n = at;
  const series: TimePoint[] = [];
  for (let i = 0; i < n; i++) {
    const timestamp = START + i * MIN5;
    const clean = 1000 * (1 + 0.35 * Math.sin((2 * Math.PI * (timestamp % DAY)) / DAY));
    let factor = 1;
    for (const f of faults) {
      if (i < f.from || i > f.to) continue;
      if (f.kind === 'up') factor = 1.3;
      else if (f.kind === 'down') factor = 0.75;
      else factor = 1.2 + (0.2 * (i - f.from)) / Math.max(1, f.to - f.from);
    }
    series.push({ timestamp, value: clean * factor * (1 + 0.03 * noise()) });
  }
  return { series, faults, learnFrom: warm };
}

function driftFamily(seed: number) {
  const noise = gaussian(mulberry32(seed * 104729));
  const warm = 14 * 288;
  const n = warm + 3000;
  const series: TimePoint[] = [];
  for (let i = 0; i < n; i++) {
    const timestamp = START + i * MIN5;
    const clean = 1000 * (1 + 0.35 * Math.sin((2 * Math.PI * (timestamp % DAY)) / DAY));
    const drift = i < warm ? 1 : 1 + (0.4 * Math.min(i - warm, 2000)) / 2000;
    series.push({ timestamp, value: clean * drift * (1 + 0.03 * noise()) });
  }
  return { series, from: warm, to: warm + 2000 };
}

/** poisson draws a Poisson count by inversion (small means only). */
function poisson(uniform: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = uniform();
  while (p > limit) {
    k += 1;
    p *= uniform();
  }
  return k;
}

function countFamily(seed: number) {
  const uniform = mulberry32(seed * 31337);
  const hours = 8 * 7 * 24;
  return Array.from({ length: hours }, (_, h) => {
    const timestamp = START + h * HOUR;
    return { timestamp, value: poisson(uniform, 3 + 2 * Math.sin((2 * Math.PI * (timestamp % DAY)) / DAY)) };
  });
}

/** covered marks the indexes of points inside an event's [start, end] (end = last point when ongoing). */
function covered(series: readonly TimePoint[], events: readonly AnomalyEvent[]): boolean[] {
  const out = new Array<boolean>(series.length).fill(false);
  const last = series.at(-1)?.timestamp ?? 0;
  let e = 0;
  const sorted = [...events].sort((a, b) => a.start - b.start);
  for (let i = 0; i < series.length; i++) {
    const t = series[i]?.timestamp ?? 0;
    while (e < sorted.length && (sorted[e]?.end ?? last) < t) e++;
    for (let j = e; j < sorted.length && (sorted[j]?.start ?? Number.POSITIVE_INFINITY) <= t; j++) {
      if ((sorted[j]?.end ?? last) >= t) {
        out[i] = true;
        break;
      }
    }
  }
  return out;
}

const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

export async function main(args: string[]): Promise<void> {
  const at = args.indexOf('--seeds');
  const nSeeds = at >= 0 ? Math.max(1, Number(args[at + 1]) || 5) : 5;
  const seeds = Array.from({ length: nSeeds }, (_, i) => i + 1);
  console.log(
    `anomaly bench: ${nSeeds} seeds per family; detector createDetector({ sensitivity: 'medium' })`,
  );

  // Spikes around a ×2 shift.
  const spikeHits = { before: 0, beforeN: 0, after: 0, afterN: 0 };
  const eventHits = { before: 0, after: 0 };
  let falseEvents = 0;
  const bySize = new Map<number, { hit: number; n: number }>();
  const base = { hit: 0, n: 0, fa: 0 };
  let normal = 0;
  let falseFlags = 0;
  let inBand = 0;
  let in95 = 0;
  let detectorSeconds = 0;
  let baselineSeconds = 0;
  let timedPoints = 0;
  for (const seed of seeds) {
    const { series, spikes, shiftAt, learnFrom } = spikeFamily(seed);
    const run = runDetector(series);
    const z = rollingZ(series);
    // Time a second pass of each, JIT warm.
    detectorSeconds += runDetector(series).seconds;
    baselineSeconds += rollingZ(series).seconds;
    timedPoints += series.length;
    const spikeEventAt = new Set(run.events.filter((e) => e.kind === 'spike').map((e) => e.start));
    const eventStarts = new Set(run.events.map((e) => e.start));
    run.points.forEach((p, i) => {
      if (i < learnFrom) return;
      const sigmas = spikes.get(i);
      if (sigmas !== undefined) {
        const before = i < shiftAt;
        if (spikeEventAt.has(p.timestamp)) {
          if (before) eventHits.before++;
          else eventHits.after++;
        }
        if (before) spikeHits.beforeN++;
        else spikeHits.afterN++;
        if (p.anomaly) {
          if (before) spikeHits.before++;
          else spikeHits.after++;
        }
        const s = bySize.get(sigmas) ?? { hit: 0, n: 0 };
        s.n++;
        if (p.anomaly) s.hit++;
        bySize.set(sigmas, s);
        base.n++;
        if (z.flags[i]) base.hit++;
        return;
      }
      if (i >= shiftAt && i < shiftAt + 24) return;
      normal++;
      if (p.anomaly) falseFlags++;
      if (eventStarts.has(p.timestamp)) falseEvents++;
      if (z.flags[i]) base.fa++;
      if (p.value >= p.lower && p.value <= p.upper) inBand++;
      // The 95% band the API answers (lower95, upper95: expected ± 1.96 residual scales).
      if (p.value >= p.lower95 && p.value <= p.upper95) in95++;
    });
  }

  // Faults: event spans against fault spans.
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let faultsN = 0;
  let endsWithin = 0;
  let started = 0;
  const startErrors: number[] = [];
  const lines: string[] = [];
  for (const seed of seeds) {
    const { series, faults, learnFrom } = faultFamily(seed);
    const run = runDetector(series);
    const predicted = covered(series, run.events);
    const truth = new Array<boolean>(series.length).fill(false);
    for (const f of faults) for (let i = f.from; i <= f.to; i++) truth[i] = true;
    for (let i = learnFrom; i < series.length; i++) {
      if (predicted[i] && truth[i]) tp++;
      else if (predicted[i]) fp++;
      else if (truth[i]) fn++;
    }
    for (const f of faults) {
      faultsN++;
      const t0 = series[f.from]?.timestamp ?? 0;
      const t1 = series[f.to]?.timestamp ?? 0;
      const len = f.to - f.from + 1;
      const e = run.events.find(
        (ev) => ev.kind !== 'spike' && ev.start <= t1 && (ev.end ?? Number.POSITIVE_INFINITY) >= t0,
      );
      if (e === undefined) {
        lines.push(`  seed ${seed} ${f.kind} fault of ${len}: no event`);
        continue;
      }
      started++;
      startErrors.push(Math.abs(e.start - t0) / MIN5);
      const endErr = e.end === null ? Number.POSITIVE_INFINITY : Math.abs(e.end - t1) / MIN5;
      if (endErr <= Math.max(2, 0.1 * len)) endsWithin++;
      lines.push(
        `  seed ${seed} ${f.kind.padEnd(4)} fault of ${String(len).padStart(3)}: ${e.kind} ` +
          `start ${((e.start - t0) / MIN5).toFixed(0)} end ${e.end === null ? 'ongoing' : ((e.end - t1) / MIN5).toFixed(0)} points`,
      );
    }
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const f1 = (2 * precision * recall) / Math.max(1e-12, precision + recall);
  startErrors.sort((a, b) => a - b);

  // Drift: events during the drift (one trend event is the aim).
  const driftEvents: number[] = [];
  const driftKinds = new Map<string, number>();
  for (const seed of seeds) {
    const { series, from, to } = driftFamily(seed);
    const run = runDetector(series);
    const t0 = series[from]?.timestamp ?? 0;
    const t1 = series[to]?.timestamp ?? 0;
    const during = run.events.filter((e) => e.start >= t0 && e.start <= t1);
    driftEvents.push(during.length);
    for (const e of during) driftKinds.set(e.kind, (driftKinds.get(e.kind) ?? 0) + 1);
  }

  // Counts.
  let countNormal = 0;
  let countFlags = 0;
  let negative = 0;
  for (const seed of seeds) {
    const series = countFamily(seed);
    const run = runDetector(series);
    run.points.forEach((p, i) => {
      if (p.lower < 0 || p.upper < 0 || p.expected < 0) negative++;
      if (i < 14 * 24) return;
      countNormal++;
      if (p.anomaly) countFlags++;
    });
  }

  // Groups: 8 members of the same 5-minute traffic shape, independent noise; false group events per
  // 1,000 steps against one member's steps over the same bar (|z| ≥ 4, the event layer's point bar),
  // and a fault (×1.3 for 50 points) in one member: is it the first driver?
  let groupEvents = 0;
  let memberAlarms = 0;
  let groupSteps = 0;
  let attributed = 0;
  for (const seed of seeds) {
    const members = Array.from({ length: 8 }, (_, k) => `m${k}`);
    const noise = members.map((_, k) => gaussian(mulberry32(seed * 1000 + k)));
    const faulty = seed % 8;
    const g = new GroupDetector({ members });
    const solo = createDetector();
    const n = 6 * 288;
    const faultFrom = 5 * 288;
    const calmFrom = 3 * 288;
    for (let i = 0; i < n; i++) {
      const timestamp = START + i * MIN5;
      const clean = 1000 * (1 + 0.35 * Math.sin((2 * Math.PI * (timestamp % DAY)) / DAY));
      const values = noise.map(
        (f, k) => clean * (k === faulty && i >= faultFrom && i < faultFrom + 50 ? 1.3 : 1) * (1 + 0.03 * f()),
      );
      g.update({ timestamp, values });
      const out = solo.update({ timestamp, value: values[(faulty + 1) % 8] ?? 0 });
      if (i >= calmFrom && i < faultFrom) {
        groupSteps++;
        if (Math.abs(out.value - out.expected) >= 4 * solo.residualScale) memberAlarms++;
      }
    }
    const events = g.events();
    const tCalm = START + calmFrom * MIN5;
    const tFault = START + faultFrom * MIN5;
    groupEvents += events.filter((e) => e.start >= tCalm && e.start < tFault).length;
    const first = events.find((e) => e.start >= tFault && e.start <= tFault + 5 * MIN5);
    if (first?.drivers[0]?.member === members[faulty]) attributed++;
  }

  const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '-');
  console.log('\nspikes (hourly traffic, ×2 shift after six weeks):');
  console.log(
    `  recall before the shift ${spikeHits.before}/${spikeHits.beforeN} (${pct(spikeHits.before, spikeHits.beforeN)}), ` +
      `after ${spikeHits.after}/${spikeHits.afterN} (${pct(spikeHits.after, spikeHits.afterN)})`,
  );
  console.log(
    `  as spike events: before the shift ${eventHits.before}/${spikeHits.beforeN} (${pct(eventHits.before, spikeHits.beforeN)}), ` +
      `after ${eventHits.after}/${spikeHits.afterN} (${pct(eventHits.after, spikeHits.afterN)}); ` +
      `events starting at normal points ${((1000 * falseEvents) / normal).toFixed(2)} per 1,000`,
  );
  console.log(
    `  by size: ${[...bySize.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, v]) => `${s} sd ${v.hit}/${v.n}`)
      .join(', ')}`,
  );
  console.log(
    `  false alarms ${falseFlags}/${normal} normal points = ${((1000 * falseFlags) / normal).toFixed(2)} per 1,000; ` +
      `band shown covers ${pct(inBand, normal)}; 95% band (expected ± 1.96·residualScale) covers ${pct(in95, normal)}`,
  );
  console.log(
    `  baseline rolling z-score (500 points, |z| ≥ 4): recall ${base.hit}/${base.n} (${pct(base.hit, base.n)}), ` +
      `false alarms ${((1000 * base.fa) / normal).toFixed(2)} per 1,000`,
  );
  console.log('\nfaults (5-minute traffic; event spans against fault spans):');
  for (const l of lines) console.log(l);
  console.log(
    `  point-wise precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} F1 ${f1.toFixed(3)}; ` +
      `faults with an event ${started}/${faultsN}; end within 10% of the length ${endsWithin}/${faultsN}; ` +
      `median start error ${startErrors[startErrors.length >> 1] ?? Number.NaN} points`,
  );
  console.log(
    `\ndrift (+40% over 2,000 points): events during the drift per seed ${driftEvents.join(', ')} ` +
      `(${[...driftKinds.entries()].map(([k, v]) => `${k} ${v}`).join(', ')})`,
  );
  console.log(
    `counts (Poisson, mean 3 ± 2 daily): false alarms ${((1000 * countFlags) / Math.max(1, countNormal)).toFixed(2)} per 1,000; negative bounds ${negative}`,
  );
  console.log(
    `groups (8 members): false group events ${((1000 * groupEvents) / Math.max(1, groupSteps)).toFixed(2)} per 1,000 steps; ` +
      `one member's steps over the same bar ${((1000 * memberAlarms) / Math.max(1, groupSteps)).toFixed(2)} per 1,000; ` +
      `a fault in one member named first ${attributed}/${nSeeds}`,
  );
  const pointsPerS = timedPoints / detectorSeconds;
  const baselinePerS = timedPoints / baselineSeconds;
  console.log(
    `\nthroughput: Vigil ${Math.round(pointsPerS)} points/s; baseline rolling z-score ${Math.round(baselinePerS)} points/s (one core, in process)`,
  );
  console.log(
    JSON.stringify({
      bench: 'anomaly',
      seeds: nSeeds,
      spike_recall_before_shift: round(spikeHits.before / Math.max(1, spikeHits.beforeN)),
      spike_recall_after_shift: round(spikeHits.after / Math.max(1, spikeHits.afterN)),
      spike_event_recall_before_shift: round(eventHits.before / Math.max(1, spikeHits.beforeN)),
      spike_event_recall_after_shift: round(eventHits.after / Math.max(1, spikeHits.afterN)),
      false_events_per_1000: round((1000 * falseEvents) / Math.max(1, normal), 3),
      false_alarms_per_1000: round((1000 * falseFlags) / Math.max(1, normal), 3),
      band_coverage: round(inBand / Math.max(1, normal)),
      band95_coverage: round(in95 / Math.max(1, normal)),
      baseline_spike_recall: round(base.hit / Math.max(1, base.n)),
      baseline_false_alarms_per_1000: round((1000 * base.fa) / Math.max(1, normal), 3),
      fault_f1: round(f1),
      fault_precision: round(precision),
      fault_recall: round(recall),
      fault_end_within_10pct: round(endsWithin / Math.max(1, faultsN)),
      fault_start_error_median_points: startErrors[startErrors.length >> 1] ?? null,
      drift_events_per_series: round(driftEvents.reduce((a, b) => a + b, 0) / driftEvents.length, 2),
      count_false_alarms_per_1000: round((1000 * countFlags) / Math.max(1, countNormal), 3),
      count_negative_bounds: negative,
      group_false_events_per_1000: round((1000 * groupEvents) / Math.max(1, groupSteps), 3),
      member_alarms_per_1000: round((1000 * memberAlarms) / Math.max(1, groupSteps), 3),
      group_fault_attributed: round(attributed / nSeeds),
      points_per_s: Math.round(pointsPerS),
      ratio: round(pointsPerS / baselinePerS, 4),
    }),
  );
}
