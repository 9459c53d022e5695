// Summary statistics of a cell's runs, and hyperfine's ratio-with-uncertainty.

/** Median, min, max, mean and sample standard deviation of `xs` (non-empty). */
export function summarize(xs: readonly number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  const mean = s.reduce((a, x) => a + x, 0) / s.length;
  const variance = s.length > 1 ? s.reduce((a, x) => a + (x - mean) ** 2, 0) / (s.length - 1) : 0;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, mean, stddev: Math.sqrt(variance) };
}

/** Timings enough to compare: a median and a spread. */
export interface Timing {
  readonly medianMs: number;
  readonly meanMs: number;
  readonly stddevMs: number;
}

/**
 * How many times faster `fast` ran than `slow`, with its uncertainty propagated from both
 * standard deviations (as hyperfine reports "A ran 1.93 ± 0.04 times faster than B").
 */
export function ratio(slow: Timing, fast: Timing): { value: number; error: number } {
  const value = slow.medianMs / fast.medianMs;
  const rel = (t: Timing) => (t.meanMs > 0 ? t.stddevMs / t.meanMs : 0);
  return { value, error: value * Math.sqrt(rel(slow) ** 2 + rel(fast) ** 2) };
}
