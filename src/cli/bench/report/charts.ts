// The charts of a report: per workload, speedup vs workers with one series per backend; for the
// crossover, speedup vs task size on a log axis with the 1.0 (serial) line.
import { BACKENDS } from '../options.js';
import type { CellResult } from '../results.js';
import { formatUs } from '../workloads.js';
import { byKey, ordered } from './format.js';
import type { BenchReport } from './report.js';
import type { ChartSpec, Series } from './svg.js';

/** A fixed colour per backend, so charts of different runs read alike. */
export const COLOURS: Readonly<Record<string, string>> = {
  'serial-js': '#7f7f7f',
  'serial-native': '#393939',
  native: '#d62728',
  threads: '#1f77b4',
  processes: '#2ca02c',
  piscina: '#9467bd',
  fork: '#8c564b',
  'python-serial': '#bcbd22',
  'python-threads': '#e377c2',
  'python-processes': '#ff7f0e',
};

function seriesOf(cells: readonly CellResult[], x: (c: CellResult) => number): Series[] {
  const names = [...new Set(ordered(cells, BACKENDS).map((c) => c.backend))];
  return names.map((name) => ({
    name,
    colour: COLOURS[name] ?? '#17becf',
    points: cells.filter((c) => c.backend === name).map((c) => [x(c), c.speedup] as const),
  }));
}

/** The best speedup the makespan bound allows at each worker count (JS tasks' times). */
function idealCurve(cells: readonly CellResult[]): { label: string; points: Array<[number, number]> } | undefined {
  const serial = cells.find((c) => c.backend === 'serial-js');
  if (!serial) return undefined;
  const workers = [...new Set(cells.map((c) => c.workers))].sort((a, b) => a - b);
  const points: Array<[number, number]> = [];
  for (const n of workers) {
    const cell = n === 1 ? serial : cells.find((c) => c.baseline === 'serial-js' && c.workers === n);
    if (cell) points.push([n, serial.boundMs / cell.boundMs]);
  }
  return points.length > 1 ? { label: 'ideal (makespan bound)', points } : undefined;
}

/** Every chart of `report`, in run order. */
export function chartsOf(report: BenchReport): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const [key, cells] of byKey(report.results)) {
    if (key.startsWith('crossover@')) continue;
    const first = cells[0] as CellResult;
    const ideal = idealCurve(cells);
    charts.push({
      title: `${first.workload}: ${first.title}`,
      xLabel: 'workers',
      yLabel: 'speedup over serial',
      xTicks: [...new Set(cells.map((c) => c.workers))].sort((a, b) => a - b),
      series: seriesOf(cells, (c) => c.workers),
      refLines: [{ y: 1, label: 'serial (1.0)' }],
      ...(ideal ? { refCurve: ideal } : {}),
    });
  }
  const crossover = report.results.filter((r) => r.workload === 'crossover' && !r.serial);
  if (crossover.length > 0) {
    const workers = crossover[0]?.workers ?? 0;
    charts.push({
      title: `crossover: speedup by task size (${workers} workers)`,
      xLabel: 'serial work per task (log scale)',
      yLabel: 'speedup over serial',
      xLog: true,
      xTicks: [...new Set(crossover.map((c) => c.taskUs ?? 1))].sort((a, b) => a - b),
      xTickLabel: formatUs,
      series: seriesOf(crossover, (c) => c.taskUs ?? 1),
      refLines: [{ y: 1, label: 'serial (1.0)' }],
    });
  }
  return charts;
}
