// `nogil bench` options: the parseArgs spec, the help text that lists every option, and the
// validated settings the runner works from. Bad values are UsageErrors (exit 2, one line).
import { availableParallelism } from 'node:os';
import { parseOptions, UsageError } from '../usage.js';
import { formatUs as formatSize } from './workloads.js';

/** The workloads, in the order they run. */
export const WORKLOADS = ['gcd', 'factorize', 'tiny', 'sleep', 'crossover'] as const;
/** A workload's name. */
export type WorkloadName = (typeof WORKLOADS)[number];

/** The backends, in the order they are shown. */
export const BACKENDS = [
  'serial-js',
  'serial-native',
  'native',
  'threads',
  'processes',
  'piscina',
  'fork',
  'python',
] as const;
/** A backend's name, as `--backends` takes it. */
export type BackendName = (typeof BACKENDS)[number];

/** Crossover task sizes: about 1 µs to 16 ms of serial work per task, in x4 steps. */
export const DEFAULT_SIZES_US = [1, 4, 16, 64, 256, 1024, 4096, 16384] as const;
const QUICK_SIZES_US = [1, 4, 16, 64, 256, 1024, 4096] as const;

/** What `nogil bench` was asked to do, validated. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly workloads: readonly WorkloadName[];
  readonly backends: readonly BackendName[];
  /** The worker counts of the sweep (ascending). */
  readonly workers: readonly number[];
  readonly runs: number;
  readonly warmup: number;
  /** Runs of each Python cell (CPython is slow at these loops: --quick gives it one run). */
  readonly pythonRuns: number;
  readonly pythonWarmup: number;
  /** --quick: Python's serial run also gives the per-task times (no separate, slow pass). */
  readonly pythonTimeEach: boolean;
  readonly scale: number;
  readonly sizesUs: readonly number[];
  /** Serial ms of work per crossover size (the task count follows from it). */
  readonly crossoverBudgetMs: number;
  readonly python: boolean;
  readonly json: string | undefined;
  readonly svg: string | undefined;
  readonly html: string | undefined;
  readonly markdown: string | undefined;
  readonly compare: string | undefined;
}

const spec = {
  quick: { type: 'boolean' },
  workload: { type: 'string' },
  backends: { type: 'string' },
  workers: { type: 'string' },
  runs: { type: 'string' },
  scale: { type: 'string' },
  sizes: { type: 'string' },
  json: { type: 'string' },
  svg: { type: 'string' },
  html: { type: 'string' },
  markdown: { type: 'string' },
  compare: { type: 'string' },
  'no-python': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The default worker sweep: 1..P on small machines, powers of two and P on larger ones. */
export function defaultWorkers(p = availableParallelism()): number[] {
  if (p <= 4) return Array.from({ length: p }, (_, i) => i + 1);
  const out: number[] = [];
  for (let n = 1; n < p; n *= 2) out.push(n);
  out.push(p);
  return out;
}

/** The help text of `nogil bench`. */
export function benchHelp(p = availableParallelism()): string {
  return `Usage: nogil bench [options]

Which parallelism pays off on this machine, and from which task size? Runs the
tutorial's workloads on every backend, contenders alternating round by round, then
prints a table per workload and the answer in words.

Options:
  --quick             a short run (< 60 s on 2 idle cores): ${p} worker${p === 1 ? '' : 's'} only, 3 runs
                      (Python cells 1), crossover sizes up to ${formatSize(QUICK_SIZES_US.at(-1) ?? 0)}
  --workload LIST     comma-separated, or all (default: gcd,crossover):
                        gcd        the tutorial's 12 brute-force gcd pairs
                        factorize  the tutorial's 8 numbers, divisors by trial division
                        tiny       2000 Euclid gcd calls (per-task overhead)
                        sleep      8 blocking 100 ms calls (what threads are for)
                        crossover  one kernel at task sizes from 1 µs up: from which
                                   size on does each backend beat serial?
  --backends LIST     comma-separated (default: all; serial baselines always run):
                        ${BACKENDS.slice(0, 5).join(', ')},
                        ${BACKENDS.slice(5).join(', ')}
  --workers LIST      worker counts to sweep, e.g. 1,2,4 (default: ${defaultWorkers(p).join(',')})
  --runs N            timed runs per cell, after one warm-up run (default: 5; --quick 3)
  --scale N           N > 0: balanced tasks N times the tutorial's mean size, round(N)
                      times as many (default: 1, the tutorial's own inputs)
  --sizes LIST        crossover task sizes, µs of serial work per task
                      (default: ${DEFAULT_SIZES_US.join(',')})
  --json FILE         write the results as JSON (machine, every cell, crossover points)
  --svg FILE          write the charts (speedup vs workers; vs task size for crossover)
  --html FILE         write one self-contained page: tables, charts, answer, machine
  --markdown FILE     write the tables as Markdown (for BENCHMARKS.md)
  --compare OLD.json  print each cell's change against an earlier --json run; exit 1
                      when a backend got slower beyond the noise of both runs
  --no-python         skip Python (skipped anyway, with a note, without python3)
  -h, --help          show this help

Exit status: 0 done, 1 --compare found a slowdown, 2 bad usage, 130 Ctrl-C (143 SIGTERM).`;
}

function list<T extends string>(name: string, value: string, allowed: readonly T[]): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${name} needs at least one value (one of ${allowed.join(', ')})`);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UsageError(`--${name}: unknown value '${item}' (expected ${allowed.join(', ')})`);
    }
  }
  return [...new Set(items as T[])];
}

function positiveInt(name: string, value: string, max = 1_000_000): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} must be a positive integer (got '${value}')`);
  const n = Number(value);
  if (n < 1 || n > max) throw new UsageError(`--${name} must be between 1 and ${max} (got ${value})`);
  return n;
}

function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1000) {
    throw new UsageError(`--${name} must be a number > 0 and <= 1000 (got '${value}')`);
  }
  return n;
}

function intList(name: string, value: string, max: number): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => s === '')) throw new UsageError(`--${name} must be a list like 1,2,4`);
  return [...new Set(parts.map((s) => positiveInt(name, s, max)))].sort((a, b) => a - b);
}

function file(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`--${name} needs a file name`);
  return value;
}

/** Parses and validates `nogil bench` arguments; `null` means: print the help. */
export function parseBenchOptions(argv: string[], p = availableParallelism()): BenchOptions | null {
  const v = parseOptions('bench', argv, spec);
  if (v.help) return null;
  const quick = v.quick === true;
  const workloads =
    v.workload === undefined
      ? (['gcd', 'crossover'] as WorkloadName[])
      : v.workload.trim() === 'all'
        ? [...WORKLOADS]
        : list('workload', v.workload, WORKLOADS);
  const backends = v.backends === undefined ? [...BACKENDS] : list('backends', v.backends, BACKENDS);
  const workers = v.workers !== undefined ? intList('workers', v.workers, 1024) : quick ? [p] : defaultWorkers(p);
  const runs = v.runs !== undefined ? positiveInt('runs', v.runs, 1000) : quick ? 3 : 5;
  const scale = v.scale !== undefined ? positiveNumber('scale', v.scale) : 1;
  const sizesUs =
    v.sizes !== undefined ? intList('sizes', v.sizes, 10_000_000) : quick ? [...QUICK_SIZES_US] : [...DEFAULT_SIZES_US];
  // Workloads run in the canonical order whatever order they were named in.
  const ordered = WORKLOADS.filter((w) => workloads.includes(w));
  return {
    quick,
    workloads: ordered,
    backends: BACKENDS.filter((b) => backends.includes(b)),
    workers,
    runs,
    warmup: 1,
    pythonRuns: quick && v.runs === undefined ? 1 : runs,
    pythonWarmup: quick ? 0 : 1,
    pythonTimeEach: quick,
    scale,
    sizesUs,
    crossoverBudgetMs: (quick ? 20 : 80) * scale,
    python: v['no-python'] !== true && backends.includes('python'),
    json: file('json', v.json),
    svg: file('svg', v.svg),
    html: file('html', v.html),
    markdown: file('markdown', v.markdown),
    compare: file('compare', v.compare),
  };
}
