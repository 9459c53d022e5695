// Summary statistics of a cell's runs, and hyperfine's ratio-with-uncertainty.

/** Median, min, max, mean, sample standard deviation and median absolute deviation of `xs` (non-empty). */
export function summarize(xs: readonly number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  const mean = s.reduce((a, x) => a + x, 0) / s.length;
  const variance = s.length > 1 ? s.reduce((a, x) => a + (x - mean) ** 2, 0) / (s.length - 1) : 0;
  const deviations = s.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
  const mad =
    deviations.length % 2 ? (deviations[m] as number) : ((deviations[m - 1] as number) + (deviations[m] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, mean, stddev: Math.sqrt(variance), mad };
}

/** Timings enough to compare: a median and a spread. */
export interface Timing {
  readonly medianMs: number;
  /** Median absolute deviation of the runs. */
  readonly madMs: number;
}

/** MAD x 1.4826 estimates the standard deviation of normal noise, without the outliers' pull. */
const MAD_TO_SIGMA = 1.4826;

/**
 * How many times faster `fast` ran than `slow` (ratio of medians), with its uncertainty
 * propagated from both runs' spreads as hyperfine does ("A ran 1.93 ± 0.04 times faster than
 * B"); the spread is the robust one (scaled MAD), so one disturbed run does not swamp it.
 */
export function ratio(slow: Timing, fast: Timing): { value: number; error: number } {
  const value = slow.medianMs / fast.medianMs;
  const rel = (t: Timing) => (t.medianMs > 0 ? (MAD_TO_SIGMA * t.madMs) / t.medianMs : 0);
  return { value, error: value * Math.sqrt(rel(slow) ** 2 + rel(fast) ** 2) };
}
