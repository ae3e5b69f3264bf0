// Sliding-window maximum with a monotonic deque (the "ascending minima" technique, e.g. Lemire 2006,
// "Streaming maximum-minimum filter using no more than three comparisons per element"): O(1) amortised
// per value, bounded by the window length.

/** SlidingMax is the maximum of the last `window` values pushed. */
export class SlidingMax {
  private readonly window: number;
  private readonly values: Float64Array;
  private readonly indices: Float64Array;
  private head = 0;
  private length = 0;
  private count = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be ≥ 1, got ${window}`);
    this.window = window;
    this.values = new Float64Array(window);
    this.indices = new Float64Array(window);
  }

  /** max is the largest value among the last `window` pushed; -Infinity when empty. */
  get max(): number {
    return this.length === 0
      ? Number.NEGATIVE_INFINITY
      : (this.values[this.head] ?? Number.NEGATIVE_INFINITY);
  }

  push(value: number): void {
    const i = this.count;
    this.count += 1;
    // Drop the oldest when it leaves the window.
    if (this.length > 0 && (this.indices[this.head] ?? 0) <= i - this.window) {
      this.head = (this.head + 1) % this.window;
      this.length -= 1;
    }
    // Drop smaller values from the back: they can never be the maximum again.
    while (this.length > 0) {
      const back = (this.head + this.length - 1) % this.window;
      if ((this.values[back] ?? 0) > value) break;
      this.length -= 1;
    }
    const slot = (this.head + this.length) % this.window;
    this.values[slot] = value;
    this.indices[slot] = i;
    this.length += 1;
  }
}
