// Shared helpers of the benchmarks: timing, medians, table printing.
import { cpus } from 'node:os';

/** Runs `fn` (async) `runs` times after `warmup` untimed runs; returns the times in ms. */
export async function time(fn, { runs = 5, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times;
}

/**
 * Times several contenders in alternating rounds (one run of each per round, after one
 * untimed warm-up round), so that background load hits every contender alike. Returns the
 * median ms of each, by name.
 */
export async function interleaved(contenders, { runs = 5, warmup = 1 } = {}) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const t = performance.now();
      await fn();
      if (round >= warmup) times[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** The median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Prints rows as an aligned text table. */
export function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((v, i) => String(v).padStart(width[i])).join('  ');
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}

/** A one-line description of this machine. */
export function machine() {
  return `${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`;
}

/** Formats a number with thousands separators. */
export function fmt(n, digits = 0) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Prints a target check line and remembers whether it held. */
export function check(results, label, value, op, target) {
  const ok = op === '>=' ? value >= target : value <= target;
  results.push({ label, ok });
  console.log(`  ${ok ? 'PASS' : 'MISS'}  ${label}: ${fmt(value, 2)} (target ${op} ${fmt(target, 2)})`);
}

/** The best makespan of indivisible jobs on `p` identical threads (exact branch and bound). */
export function optimalMakespan(jobs, p) {
  const sorted = [...jobs].sort((a, b) => b - a);
  const loads = new Array(p).fill(0);
  let best = Number.POSITIVE_INFINITY;
  (function place(i) {
    if (i === sorted.length) {
      best = Math.min(best, Math.max(...loads));
      return;
    }
    const seen = new Set();
    for (let k = 0; k < p; k++) {
      if (seen.has(loads[k])) continue; // equal loads are interchangeable
      seen.add(loads[k]);
      if (loads[k] + sorted[i] >= best) continue;
      loads[k] += sorted[i];
      place(i + 1);
      loads[k] -= sorted[i];
    }
  })(0);
  return best;
}

/** The tutorial's four gcd pairs, and its twelve (the four, three times). */
export const TUTORIAL_PAIRS = [
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
];
export const TWELVE_PAIRS = [...TUTORIAL_PAIRS, ...TUTORIAL_PAIRS, ...TUTORIAL_PAIRS];

/** Milliseconds one synchronous call of `fn` takes. */
export function timeSync(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}
