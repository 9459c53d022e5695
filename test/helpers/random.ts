// A small seeded PRNG (mulberry32) so property tests are reproducible: a failure prints its
// seed, and the same seed replays the same inputs.

/** A generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, max]. */
export function int(next: () => number, max: number): number {
  return Math.floor(next() * (max + 1));
}
