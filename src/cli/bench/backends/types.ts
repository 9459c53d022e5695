// What a backend gives the runner: cells (one backend x workers x workload) that each time one
// run of the workload and check its results, and a way to close (or kill) what it started.
import type { BackendName } from '../options.js';
import type { Workload } from '../workloads.js';

/** The kernel language a cell runs: its speedup is over the serial run of the same language. */
export type Language = 'js' | 'native' | 'python';

/** The serial baseline of each language. */
export const BASELINE: Readonly<Record<Language, string>> = {
  js: 'serial-js',
  native: 'serial-native',
  python: 'python-serial',
};

/** One timed run: its wall time (as the contender measured it) and a checksum of its results. */
export interface RunResult {
  readonly ms: number;
  readonly checksum: number;
  /** Serial cells without a separate per-task pass: each task's time in this run. */
  readonly perTaskMs?: readonly number[];
}

/** One contender: a backend at a worker count on a workload. */
export interface Cell {
  /** The name in tables and JSON: the backend name, or `python-serial|threads|processes`. */
  readonly backend: string;
  /** The `--backends` name it belongs to. */
  readonly family: BackendName;
  readonly language: Language;
  readonly workers: number;
  /** A serial baseline (its per-task times give the makespan bound). */
  readonly serial: boolean;
  readonly workload: Workload;
  readonly runs: number;
  readonly warmup: number;
  /** Times one run of the whole workload. */
  run(): Promise<RunResult>;
  /** Serial cells: each task's time, best of 3 (1 for tasks over 100 ms). */
  perTaskMs?(): Promise<number[]>;
}

/** How long runs and warm-ups are, per language. */
export interface CellSettings {
  readonly runs: number;
  readonly warmup: number;
  readonly pythonRuns: number;
  readonly pythonWarmup: number;
  /** Python's serial cell times each task within its runs instead of a separate pass (--quick). */
  readonly pythonTimeEach: boolean;
}

/** A backend: opened once per `nogil bench`, its pools shared by all the workloads. */
export interface Backend {
  readonly name: BackendName;
  /** Starts what it needs; resolves to `null`, or to why it cannot run here (shown as a note). */
  open(): Promise<string | null>;
  /** Its cells for `workload` at each of `workers` (serial backends: one cell, 1 worker). */
  cells(workload: Workload, workers: readonly number[], settings: CellSettings): Cell[];
  /** Stops every worker, child and process it started, and waits for them. */
  close(): Promise<void>;
  /** Synchronous last resort (a second Ctrl-C): kill what is still running. */
  kill(): void;
}

/** Per-task times of `call` over `count` tasks: best of 3, or 1 pass for tasks over 100 ms. */
export function perTaskTimes(count: number, call: (i: number) => unknown): number[] {
  const best = new Array<number>(count).fill(Number.POSITIVE_INFINITY);
  for (let pass = 0; pass < 3; pass++) {
    let slow = false;
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      call(i);
      const ms = performance.now() - t;
      if (ms < (best[i] as number)) best[i] = ms;
      if (ms > 100) slow = true;
    }
    if (slow) break;
  }
  return best;
}
