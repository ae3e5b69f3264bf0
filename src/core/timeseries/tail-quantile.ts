// Sliding-window upper quantile by blocked top-k: the window is cut into blocks, each block keeps only its
// k largest values, and the window's k-th largest is the k-th largest of the blocks' survivors. Exact for
// an upper quantile whose rank k = ⌊(1-q)·H⌋ is small (q = 0.999 over 5000 values keeps 5 per block),
// O(k) per value and O(blocks·k) per changed query, instead of a selection over the whole window.
// It calibrates the detector per series: a residual is judged against the series' own recent tail,
// the idea behind SPOT's data-driven thresholds (Siffer et al. 2017, "Anomaly Detection in Streams with
// Extreme Value Theory", KDD) without fitting the generalised Pareto tail.
import { selectInPlace } from './robust.js';

/** TailQuantile tracks a high quantile of the last ~`window` values (to within one block). */
export class TailQuantile {
  private readonly q: number;
  private readonly k: number;
  private readonly blockSize: number;
  private readonly blocks: number;
  private readonly top: Float64Array;
  private readonly topCount: Int32Array;
  private readonly blockFill: Int32Array;
  private readonly scratch: Float64Array;
  private current = 0;
  private held = 0;
  private cached = 0;
  private dirty = true;
  private cachedRank = 0;

  constructor(window: number, quantile: number, blocks = 20) {
    if (!(quantile > 0 && quantile < 1)) throw new RangeError(`quantile must be in (0, 1), got ${quantile}`);
    this.q = quantile;
    this.blocks = Math.max(2, blocks);
    this.blockSize = Math.max(1, Math.ceil(window / this.blocks));
    this.k = Math.max(1, Math.floor((1 - quantile) * window));
    this.top = new Float64Array(this.blocks * this.k);
    this.topCount = new Int32Array(this.blocks);
    this.blockFill = new Int32Array(this.blocks);
    this.scratch = new Float64Array(this.blocks * this.k);
  }

  private rank(): number {
    return Math.max(1, Math.floor((1 - this.q) * this.held));
  }

  /** count is how many values the current window holds (approximately; see the class note). */
  get count(): number {
    return this.held;
  }

  push(value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.blockFill[this.current] === this.blockSize) {
      this.current = (this.current + 1) % this.blocks;
      this.held -= this.blockFill[this.current] ?? 0;
      this.blockFill[this.current] = 0;
      this.topCount[this.current] = 0;
      this.dirty = true;
    }
    this.blockFill[this.current] = (this.blockFill[this.current] ?? 0) + 1;
    this.held += 1;
    // Insert into the block's descending top-k list.
    const base = this.current * this.k;
    let n = this.topCount[this.current] ?? 0;
    if (n === this.k) {
      if (value <= (this.top[base + n - 1] ?? 0)) return;
      n -= 1;
    }
    let i = n;
    while (i > 0 && (this.top[base + i - 1] ?? 0) < value) {
      this.top[base + i] = this.top[base + i - 1] ?? 0;
      i -= 1;
    }
    this.top[base + i] = value;
    this.topCount[this.current] = n + 1;
    if (value > this.cached) this.dirty = true;
  }

  /**
   * value is the window's upper quantile: the r-th largest value with r = max(1, ⌊(1-q)·count⌋), so a
   * short history uses its maximum. 0 when empty.
   */
  value(): number {
    if (!this.dirty && this.rank() === this.cachedRank) return this.cached;
    let m = 0;
    for (let b = 0; b < this.blocks; b++) {
      const n = this.topCount[b] ?? 0;
      for (let j = 0; j < n; j++) this.scratch[m++] = this.top[b * this.k + j] ?? 0;
    }
    if (m === 0) {
      this.cached = 0;
    } else {
      const rank = Math.min(m, this.rank());
      // The rank-th largest is the (m - rank)-th smallest.
      this.cached = selectInPlace(this.scratch, m, m - rank);
      this.cachedRank = rank;
    }
    this.dirty = false;
    return this.cached;
  }

  /** rescale multiplies every held value by `factor` (used when a re-baseline changes the series' scale). */
  rescale(factor: number): void {
    if (!(factor > 0) || !Number.isFinite(factor)) return;
    for (let i = 0; i < this.top.length; i++) this.top[i] = (this.top[i] ?? 0) * factor;
    this.cached *= factor;
  }

  clear(): void {
    this.topCount.fill(0);
    this.blockFill.fill(0);
    this.current = 0;
    this.held = 0;
    this.cached = 0;
    this.dirty = true;
  }
}
