// The workloads: the tutorial's inputs (gcd, factorize), per-task overhead (tiny), blocking
// calls (sleep), and the crossover sweep of task sizes. Each is a list of kernel calls; the
// same calls run on every backend (Python gets its own sizes only in the crossover, where a
// task's size is its serial time in that language).
import type { BenchOptions, WorkloadName } from './options.js';

/** The kernels every backend implements (native, plain JS, the tutorial's Python). */
export type Kernel = 'bruteGcd' | 'factorize' | 'gcd' | 'sleep';

/** The arguments of one call. */
export type Args = readonly number[];

/** One workload instance: what runs in one cell. */
export interface Workload {
  readonly name: WorkloadName;
  /** Unique within a run: the name, plus the task size for crossover (`crossover@64`). */
  readonly key: string;
  /** What it is, for tables and the answer. */
  readonly title: string;
  readonly kernel: Kernel;
  readonly args: readonly Args[];
  /** The calls Python makes (differs from `args` only in the crossover). */
  readonly pythonArgs: readonly Args[];
  /** Crossover only: serial µs of work per task. */
  readonly taskUs: number | undefined;
}

/** The tutorial's 12 gcd pairs (section 5): four pairs, three times. */
export const TUTORIAL_PAIRS: readonly Args[] = [
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
  [543456, 43523465],
  [324435212, 23342412],
  [1232412324, 890789],
  [7134890, 873490],
];

/** The tutorial's 8 numbers to factorize (section 2). */
export const TUTORIAL_NUMBERS: readonly number[] = [12342, 1235456, 7832487, 33244, 132412, 2341, 213412, 124];

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Loop iterations of a tutorial gcd pair (brute force counts down from the smaller number). */
const MEAN_GCD_ITERATIONS = mean(TUTORIAL_PAIRS.map(([a, b]) => Math.min(a as number, b as number)));
const MEAN_FACTORIZE_ITERATIONS = mean(TUTORIAL_NUMBERS);

/** How many tasks at scale `s`: at least the tutorial's count, `round(s)` times it above. */
const times = (count: number, scale: number) => count * Math.max(1, Math.round(scale));

/** `bruteGcd(a, a + 1)` loops exactly `a` times (consecutive numbers are coprime). */
function coprimePairs(count: number, iterations: number): Args[] {
  const a = Math.max(1, Math.round(iterations));
  return Array.from({ length: count }, (_, i) => [a + 2 * i, a + 2 * i + 1]);
}

function same(name: WorkloadName, title: string, kernel: Kernel, args: Args[]): Workload {
  return { name, key: name, title, kernel, args, pythonArgs: args, taskUs: undefined };
}

/** The gcd workload: the tutorial's pairs, or balanced pairs at another scale. */
export function gcdWorkload(scale: number): Workload {
  if (scale === 1) return same('gcd', "the tutorial's 12 bruteGcd pairs", 'bruteGcd', [...TUTORIAL_PAIRS]);
  const count = times(12, scale);
  const args = coprimePairs(count, MEAN_GCD_ITERATIONS * scale);
  return same('gcd', `${count} balanced bruteGcd pairs (scale ${scale})`, 'bruteGcd', args);
}

/** The factorize workload: the tutorial's numbers, or balanced numbers at another scale. */
export function factorizeWorkload(scale: number): Workload {
  if (scale === 1) {
    return same(
      'factorize',
      "the tutorial's 8 numbers to factorize",
      'factorize',
      TUTORIAL_NUMBERS.map((n) => [n]),
    );
  }
  const count = times(8, scale);
  const n = Math.max(1, Math.round(MEAN_FACTORIZE_ITERATIONS * scale));
  const args = Array.from({ length: count }, (_, i) => [n + i]);
  return same('factorize', `${count} balanced numbers to factorize (scale ${scale})`, 'factorize', args);
}

/** Tiny tasks: Euclid's gcd(i, 12), well under a microsecond each. */
export function tinyWorkload(scale: number): Workload {
  const count = Math.max(100, Math.round(2000 * scale));
  const args = Array.from({ length: count }, (_, i) => [i + 1, 12]);
  return same('tiny', `${count} tiny tasks (Euclid gcd)`, 'gcd', args);
}

/** Blocking calls: 100 ms sleeps on the worker (shorter below scale 1). */
export function sleepWorkload(scale: number): Workload {
  const count = times(8, scale);
  const ms = scale < 1 ? Math.max(1, Math.round(100 * scale)) : 100;
  return same(
    'sleep',
    `${count} blocking ${ms} ms calls`,
    'sleep',
    Array.from({ length: count }, () => [ms]),
  );
}

/** The number of crossover tasks of `sizeUs` µs: about the budget's serial time, bounded. */
export function crossoverCount(sizeUs: number, budgetMs: number, maxWorkers: number): number {
  const wanted = Math.ceil((budgetMs * 1000) / sizeUs);
  return Math.min(2000, Math.max(4 * maxWorkers, wanted));
}

/**
 * The crossover workloads: `bruteGcd(a, a + 1)` sized so one task takes `sizeUs` µs serially,
 * `nsPerIteration` measured on this machine (native, and Python's own for Python).
 */
export function crossoverWorkloads(
  sizesUs: readonly number[],
  budgetMs: number,
  maxWorkers: number,
  nsPerIteration: number,
  pythonNsPerIteration: number | undefined,
): Workload[] {
  return sizesUs.map((sizeUs) => {
    const count = crossoverCount(sizeUs, budgetMs, maxWorkers);
    const args = coprimePairs(count, (sizeUs * 1000) / nsPerIteration);
    const pythonArgs =
      pythonNsPerIteration === undefined ? args : coprimePairs(count, (sizeUs * 1000) / pythonNsPerIteration);
    return {
      name: 'crossover',
      key: `crossover@${sizeUs}`,
      title: `${count} bruteGcd tasks of ${formatUs(sizeUs)}`,
      kernel: 'bruteGcd',
      args,
      pythonArgs,
      taskUs: sizeUs,
    };
  });
}

/** A task size for people: 16 µs, 1 ms, 4.1 ms. */
export function formatUs(us: number): string {
  if (us < 1000) return `${us} µs`;
  return `${Number((us / 1000).toPrecision(2))} ms`;
}

/** The non-crossover workloads named in the options. */
export function fixedWorkloads(options: Pick<BenchOptions, 'workloads' | 'scale'>): Workload[] {
  const out: Workload[] = [];
  for (const name of options.workloads) {
    if (name === 'gcd') out.push(gcdWorkload(options.scale));
    else if (name === 'factorize') out.push(factorizeWorkload(options.scale));
    else if (name === 'tiny') out.push(tinyWorkload(options.scale));
    else if (name === 'sleep') out.push(sleepWorkload(options.scale));
  }
  return out;
}
