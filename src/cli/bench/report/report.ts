// The whole outcome of one `nogil bench`: what --json writes and every other format reads.
import type { Machine } from '../machine.js';
import type { CellResult, CrossoverPoint } from '../results.js';

/** A finished run. */
export interface BenchReport {
  readonly nogil: string;
  /** The command line, for reproducing it. */
  readonly command: string;
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: Machine;
  readonly settings: {
    readonly workloads: readonly string[];
    readonly backends: readonly string[];
    readonly workers: readonly number[];
    readonly runs: number;
    readonly warmup: number;
    readonly pythonRuns: number;
    readonly scale: number;
    readonly sizesUs: readonly number[];
  };
  readonly results: readonly CellResult[];
  readonly crossover: readonly CrossoverPoint[];
  /** Backends that were skipped, and why. */
  readonly notes: readonly string[];
}

/** The JSON text of a report. */
export function reportJson(report: BenchReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
