// NAB scorer: the Numenta Anomaly Benchmark v1.0 scoring procedure, written from its description in
// ../shared/data/nab/README_NAB.md, which follows nab/labeler.py (windows), nab/sweeper.py (probationary
// period, scaled sigmoid, threshold sweep) and nab/runner.py (normalization) at numenta/NAB ea702d7.
// Reference: Lavin & Ahmad 2015, "Evaluating Real-time Anomaly Detection Algorithms", arXiv:1510.03336;
// Ahmad et al. 2017, "Unsupervised real-time anomaly detection for streaming data", Neurocomputing 262.
//
// Everything works on row indices: a window is an inclusive [start, end] row range. Timestamps matter
// only when the corpus is loaded (see corpus.ts).

/** CostProfile is one row of NAB's config/profiles.json; tnWeight is omitted because NAB never uses it. */
export interface CostProfile {
  readonly tpWeight: number;
  readonly fnWeight: number;
  readonly fpWeight: number;
}

/** PROFILES are NAB's three scoring profiles (config/profiles.json). */
export const PROFILES = {
  standard: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 },
  reward_low_FP_rate: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22 },
  reward_low_FN_rate: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11 },
} as const satisfies Record<string, CostProfile>;

/** ProfileName names one of NAB's scoring profiles. */
export type ProfileName = keyof typeof PROFILES;

/** PROFILE_NAMES lists the profiles in the scoreboard's column order. */
export const PROFILE_NAMES: readonly ProfileName[] = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];

/** Window is an anomaly window as an inclusive range of row indices. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** WINDOW_SIZE is the share of a file covered by all its windows together (labeler.py `windowSize`). */
export const WINDOW_SIZE = 0.1;
/** PROBATION_PERCENT is the share of a file a detector may learn from unscored (`probationPercent`). */
export const PROBATION_PERCENT = 0.15;

/**
 * probationaryLength is the number of leading rows that are never scored. NAB caps it at 15% of 5000 rows
 * so that long files do not get a longer free ride than a typical 4032-row one.
 */
export function probationaryLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
}

/**
 * windowsFromLabels rebuilds a file's anomaly windows from its label row indices, as labeler.py's
 * applyWindows and checkWindows do. Two NAB quirks are kept on purpose, because combined_windows.json
 * was generated with them: only the first window is checked against the probationary period, and the
 * merge loop advances even after a merge, so a third overlapping window is not folded in on the same pass.
 */
export function windowsFromLabels(rows: number, labelRows: readonly number[]): Window[] {
  const count = labelRows.length;
  if (count === 0) return [];
  const windowLength = Math.floor((WINDOW_SIZE * rows) / count);
  const half = Math.floor(windowLength / 2);
  const windows: Window[] = labelRows.map((row) => ({
    start: Math.max(row - half, 0),
    end: Math.min(row + half, rows - 1),
  }));
  const first = windows[0];
  if (first !== undefined && first.start < probationaryLength(rows)) windows.shift();
  let i = 0;
  while (windows.length - 1 > i) {
    const current = windows[i];
    const next = windows[i + 1];
    if (current !== undefined && next !== undefined && next.start <= current.end) {
      windows[i] = { start: current.start, end: next.end };
      windows.splice(i + 1, 1);
    }
    i += 1;
  }
  return windows;
}

/**
 * scaledSigmoid is NAB's reward curve S(y) = 2σ(-5y) - 1, clamped to -1 beyond y = 3: y = -1 is a window's
 * left edge (S ≈ 0.9866), y = 0 its right edge (S = 0), and y > 0 is the distance after a window.
 */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/**
 * SweptFile is one file prepared for scoring: for each scored row (after the probationary period), the
 * detector's score, the window it lies in (-1 outside every window) and its profile-free reward: for a
 * window row S(y)/S(-1), later multiplied by tpWeight; for any other row S(y) ≤ 0, later multiplied by
 * fpWeight.
 */
export interface SweptFile {
  readonly rows: number;
  readonly windowCount: number;
  readonly scores: Float64Array;
  readonly windowOf: Int32Array;
  readonly reward: Float64Array;
}

/**
 * sweepFile walks one file as sweeper.py's calcSweepScore does. Inside a window the position is
 * y = -(right - i + 1)/width; after a window it is y = (i - prevRight)/(prevWidth - 1); before any window
 * S is -1, the cost of an FP far from every anomaly.
 */
export function sweepFile(scores: ArrayLike<number>, windows: readonly Window[]): SweptFile {
  const rows = scores.length;
  const probation = probationaryLength(rows);
  const firstScored = Math.ceil(probation);
  const scored = Math.max(rows - firstScored, 0);
  const out = {
    rows,
    windowCount: windows.length,
    scores: new Float64Array(scored),
    windowOf: new Int32Array(scored).fill(-1),
    reward: new Float64Array(scored),
  };
  let next = 0;
  let current = -1;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < rows; i++) {
    const upcoming = windows[next];
    if (current < 0 && upcoming !== undefined && upcoming.start === i) {
      current = next;
      next += 1;
    }
    const win = current >= 0 ? windows[current] : undefined;
    let reward: number;
    if (win !== undefined) {
      const width = win.end - win.start + 1;
      reward = scaledSigmoid(-(win.end - i + 1) / width) / MAX_TP;
    } else if (prevRight < 0) {
      reward = -1;
    } else {
      reward = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
    }
    if (i >= probation) {
      const k = i - firstScored;
      out.scores[k] = scores[i] ?? 0;
      out.windowOf[k] = win !== undefined ? current : -1;
      out.reward[k] = reward;
    }
    if (win !== undefined && i === win.end) {
      prevRight = i;
      prevWidth = win.end - win.start + 1;
      current = -1;
    }
  }
  return out;
}

/** FileScore is a file's raw NAB score and row counts at one threshold, as in NAB's `_scores.csv`. */
export interface FileScore {
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly rows: number;
  /** windowsDetected counts windows with at least one detection. */
  readonly windowsDetected: number;
}

/**
 * scoreFile scores one swept file at a threshold: a row is a detection when its score is at or above the
 * threshold; each window earns its best (earliest) detection or -fnWeight, and every detection outside a
 * window adds its FP cost.
 */
export function scoreFile(file: SweptFile, threshold: number, profile: CostProfile): FileScore {
  const best = new Float64Array(file.windowCount).fill(Number.NEGATIVE_INFINITY);
  let fpCost = 0;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let k = 0; k < file.scores.length; k++) {
    // k < file.scores.length, and windowOf/reward have the same length.
    const detected = file.scores[k]! >= threshold;
    const w = file.windowOf[k]!;
    const reward = file.reward[k]!;
    if (w >= 0) {
      if (detected) {
        tp += 1;
        best[w] = Math.max(best[w]!, reward * profile.tpWeight);
      } else {
        fn += 1;
      }
    } else if (detected) {
      fp += 1;
      fpCost += reward * profile.fpWeight;
    } else {
      tn += 1;
    }
  }
  let score = fpCost;
  let windowsDetected = 0;
  for (const b of best) {
    if (b === Number.NEGATIVE_INFINITY) {
      score -= profile.fnWeight;
    } else {
      score += b;
      windowsDetected += 1;
    }
  }
  return { score, tp, tn, fp, fn, rows: file.rows, windowsDetected };
}

/** ThresholdChoice is the corpus-wide threshold the optimizer chose and the raw corpus score it gives. */
export interface ThresholdChoice {
  readonly threshold: number;
  readonly score: number;
}

/**
 * optimizeThreshold sweeps every distinct score in the corpus, from high to low, and keeps the threshold
 * with the highest corpus total, as sweeper.py's calcScoreByThreshold does (NAB's optimizer picks from
 * the same sweep). Ties keep the higher threshold. Starting above every score is the null detector.
 */
export function optimizeThreshold(files: readonly SweptFile[], profile: CostProfile): ThresholdChoice {
  let total = 0;
  let windows = 0;
  for (const f of files) {
    total += f.scores.length;
    windows += f.windowCount;
  }
  const score = new Float64Array(total);
  const windowId = new Int32Array(total);
  const reward = new Float64Array(total);
  let at = 0;
  let offset = 0;
  for (const f of files) {
    score.set(f.scores, at);
    reward.set(f.reward, at);
    for (let k = 0; k < f.windowOf.length; k++) {
      const w = f.windowOf[k]!;
      windowId[at + k] = w >= 0 ? w + offset : -1;
    }
    at += f.scores.length;
    offset += f.windowCount;
  }
  const order = Array.from({ length: total }, (_, i) => i);
  order.sort((a, b) => score[b]! - score[a]!);

  // best[w] is window w's current contribution: -fnWeight until a detection lands in it.
  const best = new Float64Array(windows).fill(-profile.fnWeight);
  let current = -profile.fnWeight * windows;
  let choice: ThresholdChoice = { threshold: Number.POSITIVE_INFINITY, score: current };
  for (let j = 0; j < total; ) {
    const threshold = score[order[j]!]!;
    // Admit every row tied at this score before evaluating the threshold.
    while (j < total && score[order[j]!]! === threshold) {
      const i = order[j]!;
      const w = windowId[i]!;
      if (w >= 0) {
        const r = reward[i]! * profile.tpWeight;
        if (r > best[w]!) {
          current += r - best[w]!;
          best[w] = r;
        }
      } else {
        current += reward[i]! * profile.fpWeight;
      }
      j += 1;
    }
    if (current > choice.score) choice = { threshold, score: current };
  }
  return choice;
}

/** normalizedScore maps a raw corpus score so that the null detector scores 0 and the perfect one 100. */
export function normalizedScore(raw: number, windows: number, profile: CostProfile): number {
  const nullScore = -profile.fnWeight * windows;
  const perfect = profile.tpWeight * windows;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** ProfileResult is one profile's outcome over a corpus. */
export interface ProfileResult {
  readonly profile: ProfileName;
  readonly threshold: number;
  readonly raw: number;
  readonly normalized: number;
  readonly files: readonly FileScore[];
}

/**
 * scoreCorpus is the whole benchmark for one detector: one threshold per profile chosen over the whole
 * corpus, then per-file scores at that threshold and the normalized total.
 */
export function scoreCorpus(files: readonly SweptFile[]): ProfileResult[] {
  const windows = files.reduce((sum, f) => sum + f.windowCount, 0);
  return PROFILE_NAMES.map((name) => {
    const profile = PROFILES[name];
    const choice = optimizeThreshold(files, profile);
    const perFile = files.map((f) => scoreFile(f, choice.threshold, profile));
    const raw = perFile.reduce((sum, f) => sum + f.score, 0);
    return {
      profile: name,
      threshold: choice.threshold,
      raw,
      normalized: normalizedScore(raw, windows, profile),
      files: perFile,
    };
  });
}
