// Runs the cells of one workload: per-task times of the serial baselines first (untimed, for
// the makespan bound), then rounds in which every cell runs once, the starting cell rotating
// each round, so that drift (background load, thermal state) hits every contender alike.
// Every run's results are checked against the others' (one checksum per workload).
import type { Cell } from './backends/types.js';

/** What was measured for one cell. */
export interface Measured {
  readonly cell: Cell;
  readonly timesMs: number[];
  /** Serial cells: each task's best time. */
  readonly perTaskMs: number[] | undefined;
}

/** Progress callbacks (the bar on stderr). */
export interface Progress {
  /** Called once before the first run of a workload with its number of runs (warm-ups included). */
  start(runs: number): void;
  /** Called after each run. */
  tick(label: string): void;
}

/** Resolves or rejects as `promise` does, or rejects with the signal's reason once it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Element-wise minimum of per-task times. */
function bestOf(a: readonly number[] | undefined, b: readonly number[]): number[] {
  return a === undefined ? [...b] : b.map((x, i) => Math.min(x, a[i] ?? x));
}

/** The total runs (warm-ups included) of `cells`. */
export function runsOf(cells: readonly Cell[]): number {
  return cells.reduce((s, c) => s + c.warmup + c.runs, 0);
}

/** Measures `cells` (all of one workload) in interleaved rounds. */
export async function measure(
  cells: readonly Cell[],
  options: { signal?: AbortSignal; progress?: Progress } = {},
): Promise<Measured[]> {
  const { signal, progress } = options;
  const perTask = new Map<Cell, number[]>();
  for (const cell of cells) {
    if (cell.perTaskMs) perTask.set(cell, await raceAbort(cell.perTaskMs(), signal));
  }
  const times = new Map<Cell, number[]>(cells.map((c) => [c, []]));
  const rounds = Math.max(0, ...cells.map((c) => c.warmup + c.runs));
  let expected: { checksum: number; by: string } | undefined;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cells.length; k++) {
      const cell = cells[(k + round) % cells.length] as Cell;
      if (round >= cell.warmup + cell.runs) continue;
      signal?.throwIfAborted();
      const { ms, checksum, perTaskMs } = await raceAbort(cell.run(), signal);
      if (perTaskMs) perTask.set(cell, bestOf(perTask.get(cell), perTaskMs));
      const name = `${cell.backend} (${cell.workers} worker${cell.workers === 1 ? '' : 's'})`;
      if (expected === undefined) expected = { checksum, by: name };
      else if (checksum !== expected.checksum) {
        throw new Error(
          `${name} computed different results on ${cell.workload.key} (checksum ${checksum}, ${expected.by}: ${expected.checksum})`,
        );
      }
      if (round >= cell.warmup) times.get(cell)?.push(ms);
      progress?.tick(`${cell.workload.key} ${name}`);
    }
  }
  return cells.map((cell) => ({ cell, timesMs: times.get(cell) ?? [], perTaskMs: perTask.get(cell) }));
}
