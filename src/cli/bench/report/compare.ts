// --compare OLD.json: each cell's change against an earlier run, and the verdict for CI.
// A cell is "slower" only beyond the noise of both runs: the new run's fastest time is above
// the old run's slowest (the ranges do not overlap) AND the median grew by more than 3% (so
// that one-run cells, whose range is a point, do not fail on jitter). "faster" mirrors it.
import { readFileSync } from 'node:fs';
import type { Colours } from '../../usage.js';
import { UsageError } from '../../usage.js';
import type { CellResult } from '../results.js';
import { formatUs } from '../workloads.js';
import { fmtMs, layout } from './format.js';
import type { BenchReport } from './report.js';

/** The fields of a cell that a comparison needs (what any earlier --json run has). */
type OldCell = Pick<CellResult, 'backend' | 'workers' | 'medianMs' | 'minMs' | 'maxMs'> & {
  workload: string;
  key?: string;
  taskUs?: number;
};

/** One compared cell. */
export interface Change {
  readonly key: string;
  readonly backend: string;
  readonly workers: number;
  readonly oldMs: number;
  readonly newMs: number;
  readonly change: number;
  readonly verdict: 'slower' | 'faster' | 'same';
}

const SLACK = 0.03;

/** Reads and checks an earlier --json file; a file that is not one is a UsageError. */
export function readOldReport(file: string): { results: OldCell[]; machine?: { cpu?: string; cores?: number } } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--compare: cannot read ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const results = (data as { results?: unknown })?.results;
  const ok =
    Array.isArray(results) &&
    results.every(
      (r: Partial<OldCell>) =>
        typeof r?.workload === 'string' &&
        typeof r.backend === 'string' &&
        typeof r.workers === 'number' &&
        ['medianMs', 'minMs', 'maxMs'].every((k) => typeof (r as Record<string, unknown>)[k] === 'number'),
    );
  if (!ok) throw new UsageError(`--compare: ${file} is not a nogil bench --json file (no valid "results" array)`);
  return data as { results: OldCell[] };
}

const keyOf = (c: OldCell) => c.key ?? (c.taskUs !== undefined ? `${c.workload}@${c.taskUs}` : c.workload);

/** Compares every cell present in both runs. */
export function compareRuns(old: readonly OldCell[], now: readonly CellResult[]): Change[] {
  const out: Change[] = [];
  for (const cell of now) {
    const before = old.find((o) => keyOf(o) === cell.key && o.backend === cell.backend && o.workers === cell.workers);
    if (!before) continue;
    const change = cell.medianMs / before.medianMs - 1;
    const verdict =
      cell.minMs > before.maxMs && change > SLACK
        ? 'slower'
        : cell.maxMs < before.minMs && change < -SLACK
          ? 'faster'
          : 'same';
    out.push({
      key: cell.key,
      backend: cell.backend,
      workers: cell.workers,
      oldMs: before.medianMs,
      newMs: cell.medianMs,
      change,
      verdict,
    });
  }
  return out;
}

const keyText = (key: string) => {
  const [name, size] = key.split('@');
  return size === undefined ? (name as string) : `${name} ${formatUs(Number(size))}`;
};

/** The comparison as lines for stdout. */
export function compareText(changes: readonly Change[], file: string, report: BenchReport, c: Colours): string[] {
  const rows = changes.map((x) => {
    const pct = `${x.change >= 0 ? '+' : ''}${(x.change * 100).toFixed(1)}%`;
    const verdict =
      x.verdict === 'slower' ? c.red('slower') : x.verdict === 'faster' ? c.green('faster') : c.dim('within noise');
    return [keyText(x.key), x.backend, String(x.workers), fmtMs(x.oldMs), fmtMs(x.newMs), pct, verdict];
  });
  const slower = changes.filter((x) => x.verdict === 'slower');
  const out = [c.bold(`Compared with ${file}`)];
  out.push(
    ...layout(
      ['workload', 'backend', 'workers', 'old ms', 'new ms', 'change', 'verdict'].map((h) => c.bold(h)),
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  const unmatched = report.results.length - changes.length;
  if (unmatched > 0) out.push(c.dim(`  (${unmatched} cell${unmatched === 1 ? '' : 's'} not in ${file})`));
  out.push(
    slower.length === 0
      ? 'No backend got slower beyond the noise of both runs.'
      : c.red(
          `Slower beyond the noise of both runs: ${[...new Set(slower.map((x) => x.backend))].join(', ')} ` +
            `(${slower.map((x) => `${keyText(x.key)} ${x.backend} x${x.workers} ${(x.change * 100).toFixed(1)}%`).join('; ')})`,
        ),
  );
  return out;
}
