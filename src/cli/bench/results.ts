// From measured runs to results: each cell's summary, its speedup over the serial run of the
// same kernel language, and its efficiency against the makespan bound; and the crossover
// points (the smallest task size from which a backend beats serial).
import { BASELINE } from './backends/types.js';
import { makespanBound } from './bound.js';
import type { BackendName, WorkloadName } from './options.js';
import type { Measured } from './runner.js';
import { ratio, summarize } from './stats.js';

/** One cell of the results (API.md item 24, plus the fields after `efficiency`). */
export interface CellResult {
  readonly workload: WorkloadName;
  readonly backend: string;
  readonly workers: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Serial median of the same kernel language / this median. */
  readonly speedup: number;
  /** Makespan bound / this median (1 = as fast as any schedule of these tasks could be). */
  readonly efficiency: number;
  readonly boundMs: number;
  /** The serial backend the speedup is over. */
  readonly baseline: string;
  readonly speedupError: number;
  readonly meanMs: number;
  readonly stddevMs: number;
  /** Median absolute deviation of the runs (the spread the ± figures use). */
  readonly madMs: number;
  readonly timesMs: readonly number[];
  readonly tasks: number;
  /** Crossover only: serial µs per task. */
  readonly taskUs?: number;
  /** Which workload instance (`gcd`, `crossover@64`). */
  readonly key: string;
  readonly title: string;
  readonly family: BackendName;
  readonly serial: boolean;
}

/** Where a backend starts to pay off in the crossover. */
export interface CrossoverPoint {
  readonly backend: string;
  readonly workers: number;
  /** The smallest task size (µs) from which on it beat serial at every measured size; null: never. */
  readonly paysOffFromUs: number | null;
  readonly speedups: ReadonlyArray<{ readonly taskUs: number; readonly speedup: number }>;
}

/** The results of one workload instance's measurements. */
export function resultsOf(measured: readonly Measured[]): CellResult[] {
  const baselineOf = (language: keyof typeof BASELINE) =>
    measured.find((m) => m.cell.serial && m.cell.backend === BASELINE[language]);
  const out: CellResult[] = [];
  for (const m of measured) {
    const { cell } = m;
    if (m.timesMs.length === 0) continue;
    const own = summarize(m.timesMs);
    const base = baselineOf(cell.language);
    const baseStats = base && base.timesMs.length > 0 ? summarize(base.timesMs) : own;
    // Per-task bests can carry timer overhead: never let their sum exceed the best serial run.
    const tasks = base?.perTaskMs ?? [];
    const sum = tasks.reduce((s, x) => s + x, 0);
    const scale = sum > 0 ? Math.min(1, baseStats.min / sum) : 1;
    const boundMs =
      tasks.length > 0
        ? makespanBound(
            tasks.map((t) => t * scale),
            cell.workers,
          )
        : own.min;
    const r = ratio({ medianMs: baseStats.median, madMs: baseStats.mad }, { medianMs: own.median, madMs: own.mad });
    out.push({
      workload: cell.workload.name,
      backend: cell.backend,
      workers: cell.workers,
      runs: m.timesMs.length,
      medianMs: own.median,
      minMs: own.min,
      maxMs: own.max,
      speedup: base === m ? 1 : r.value,
      efficiency: boundMs / own.median,
      boundMs,
      baseline: base?.cell.backend ?? cell.backend,
      speedupError: base === m ? 0 : r.error,
      meanMs: own.mean,
      stddevMs: own.stddev,
      madMs: own.mad,
      timesMs: m.timesMs,
      tasks: cell.workload.args.length,
      ...(cell.workload.taskUs === undefined ? {} : { taskUs: cell.workload.taskUs }),
      key: cell.workload.key,
      title: cell.workload.title,
      family: cell.family,
      serial: cell.serial,
    });
  }
  return out;
}

/** Whether a cell beat its serial baseline beyond doubt: its median under serial's fastest run. */
export function beatsSerial(cell: CellResult, all: readonly CellResult[]): boolean {
  const base = all.find((c) => c.key === cell.key && c.backend === cell.baseline);
  return cell.speedup > 1 && (base === undefined || cell.medianMs < base.minMs);
}

/** The crossover points of every parallel backend in the crossover results. */
export function crossoverPoints(results: readonly CellResult[]): CrossoverPoint[] {
  const cells = results.filter((c) => c.workload === 'crossover' && !c.serial);
  const backends = [...new Set(cells.map((c) => c.backend))];
  return backends.map((backend) => {
    const own = cells.filter((c) => c.backend === backend).sort((a, b) => (a.taskUs ?? 0) - (b.taskUs ?? 0));
    let from: number | null = null;
    for (let i = own.length - 1; i >= 0; i--) {
      const c = own[i] as CellResult;
      if (!beatsSerial(c, results)) break;
      from = c.taskUs ?? null;
    }
    return {
      backend,
      workers: own[0]?.workers ?? 0,
      paysOffFromUs: from,
      speedups: own.map((c) => ({ taskUs: c.taskUs ?? 0, speedup: c.speedup })),
    };
  });
}
