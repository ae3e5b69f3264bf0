/**
 * OverflowPolicy says what `log()` does when the buffer is full: `'drop-oldest'` discards the
 * oldest unsent entry (counted) so the caller never waits; `'block'` makes the caller wait, through
 * a promise, until the sender frees room.
 */
export type OverflowPolicy = 'drop-oldest' | 'block';

export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['drop-oldest', 'block'];

interface Waiter<T> {
  item: T;
  resolve: () => void;
}

/** INITIAL_SLOTS keeps a mostly idle client small: the ring grows by doubling up to its capacity. */
const INITIAL_SLOTS = 1024;

/**
 * BoundedBuffer is a FIFO ring of at most `capacity` entries with an overflow policy. `offer` is
 * the hot path (called from `log()`): O(1), no allocation except when the ring grows or a caller
 * has to wait. Waiters are admitted in order as `take` frees room, so entries stay in log order.
 */
export class BoundedBuffer<T> {
  readonly capacity: number;
  readonly policy: OverflowPolicy;
  readonly #onDrop: (item: T) => void;
  #slots: Array<T | undefined>;
  #head = 0;
  #size = 0;
  #waiters: Waiter<T>[] = [];

  constructor(capacity: number, policy: OverflowPolicy, onDrop: (item: T) => void = () => {}) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity: must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.policy = policy;
    this.#onDrop = onDrop;
    this.#slots = new Array<T | undefined>(Math.min(capacity, INITIAL_SLOTS));
  }

  /** length is the number of entries in the ring (waiters not included). */
  get length(): number {
    return this.#size;
  }

  /** waiting is the number of `'block'` callers whose entry waits for room. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * offer appends an entry. It returns undefined once the entry is in; under `'block'` with a
   * full ring it returns a promise that resolves when the entry has been admitted (or released).
   */
  offer(item: T): Promise<void> | undefined {
    if (this.#size < this.capacity && this.#waiters.length === 0) {
      this.#push(item);
      return undefined;
    }
    if (this.policy === 'drop-oldest') {
      const oldest = this.#shift();
      this.#push(item);
      if (oldest !== undefined) this.#onDrop(oldest);
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiters.push({ item, resolve }));
  }

  /** take removes up to `max` entries from the head, then admits waiters into the room freed. */
  take(max: number): T[] {
    const n = Math.min(max, this.#size);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = this.#shift() as T;
    this.#admit();
    return out;
  }

  /**
   * releaseWaiters resolves every waiting caller without admitting its entry and returns those
   * entries, so a closing client can count them instead of leaving promises pending forever.
   */
  releaseWaiters(): T[] {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve();
    return waiters.map((w) => w.item);
  }

  #admit(): void {
    while (this.#waiters.length > 0 && this.#size < this.capacity) {
      const w = this.#waiters.shift() as Waiter<T>;
      this.#push(w.item);
      w.resolve();
    }
  }

  #push(item: T): void {
    if (this.#size === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#size) % this.#slots.length] = item;
    this.#size++;
  }

  #shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#size--;
    return item;
  }

  #grow(): void {
    const next = new Array<T | undefined>(Math.min(this.capacity, this.#slots.length * 2));
    for (let i = 0; i < this.#size; i++) next[i] = this.#slots[(this.#head + i) % this.#slots.length];
    this.#slots = next;
    this.#head = 0;
  }
}
