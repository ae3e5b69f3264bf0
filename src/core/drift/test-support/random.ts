/*
 * Seeded randomness for the drift, fairness and quality tests (excluded from the build by the
 * `test-support` folder rule in tsconfig.build.json). Core code never draws random numbers; tests
 * do, from mulberry32 (Tommy Ettinger's 32-bit generator, public domain, period 2³²) so every run
 * sees the same samples. Gaussians come from Box–Muller (Box & Muller 1958, Ann. Math. Statist. 29).
 */

/** mulberry32Bits returns a seeded generator of uniform 32-bit unsigned integers. */
export function mulberry32Bits(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** mulberry32 returns a seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  const bits = mulberry32Bits(seed);
  return () => bits() / 4294967296;
}

/** gaussian returns a standard normal generator driven by `uniform`. */
export function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** sampleOf draws n values from `draw`. */
export function sampleOf(n: number, draw: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw();
  return out;
}

/**
 * cellCounts draws n uniforms and counts how many fall in each of `cells` equal-width cells of
 * [0, 1): the counts of an n-row sample from any distribution whose sampler maps cell i to one
 * value, in O(n) with no per-row allocation (what makes 10^6- and 10^7-row tests affordable).
 */
export function cellCounts(n: number, cells: number, uniform: () => number): Int32Array {
  const counts = new Int32Array(cells);
  for (let i = 0; i < n; i++) counts[Math.floor(uniform() * cells)]!++;
  return counts;
}

/**
 * cellCounts16 is cellCounts for 2^16 cells, twice as fast: each 32-bit draw yields two rows
 * (its high and low 16 bits are each uniform on the 65 536 cells).
 */
export function cellCounts16(n: number, bits: () => number): Int32Array {
  const counts = new Int32Array(65_536);
  for (let i = 0; i + 1 < n; i += 2) {
    const x = bits();
    counts[x >>> 16]!++;
    counts[x & 0xffff]!++;
  }
  if (n % 2 === 1) counts[bits() >>> 16]!++;
  return counts;
}
