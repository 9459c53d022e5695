// The report on stdout: one aligned table per workload, the crossover table, the answer in
// words and the notes. Colour only where the caller enabled it (a TTY, NO_COLOR unset).
import type { Colours } from '../../usage.js';
import { BACKENDS } from '../options.js';
import { beatsSerial, type CellResult } from '../results.js';
import { formatUs } from '../workloads.js';
import { byKey, fmtMs, fmtPct, fmtX, layout, ordered, wrap } from './format.js';
import type { BenchReport } from './report.js';

/** The table of one workload instance. */
export function workloadTable(cells: readonly CellResult[], all: readonly CellResult[], c: Colours): string[] {
  const rows = ordered(cells, BACKENDS).map((r) => {
    const wins = !r.serial && beatsSerial(r, all);
    const speed = r.serial ? c.dim(fmtX(r.speedup)) : wins ? c.green(fmtX(r.speedup)) : c.red(fmtX(r.speedup));
    return [
      r.backend,
      String(r.workers),
      fmtMs(r.medianMs),
      `${fmtMs(r.minMs)} … ${fmtMs(r.maxMs)}`,
      r.runs === 1 || r.serial ? speed : `${speed} ± ${r.speedupError.toFixed(2)}`,
      fmtPct(r.efficiency),
      fmtMs(r.boundMs),
      String(r.runs),
    ];
  });
  return layout(
    ['backend', 'workers', 'median ms', 'min … max ms', 'speedup', 'efficiency', 'bound ms', 'runs'].map((h) =>
      c.bold(h),
    ),
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

/** The crossover as one table: a row per backend, a column per task size, then where it pays off. */
export function crossoverTable(report: BenchReport, c: Colours): string[] {
  const cells = report.results.filter((r) => r.workload === 'crossover');
  const sizes = [...new Set(cells.map((r) => r.taskUs ?? 0))].sort((a, b) => a - b);
  const rows = report.crossover.map((p) => {
    const own = sizes.map((s) => {
      const cell = cells.find((r) => r.backend === p.backend && r.taskUs === s);
      if (!cell) return '-';
      const text = fmtX(cell.speedup);
      return beatsSerial(cell, report.results) ? c.green(text) : c.dim(text);
    });
    const from = p.paysOffFromUs === null ? c.red('never') : c.green(formatUs(p.paysOffFromUs));
    return [p.backend, String(p.workers), ...own, from];
  });
  return layout(
    ['backend', 'workers', ...sizes.map((s) => formatUs(s)), 'pays off from'].map((h) => c.bold(h)),
    rows,
    ['l', 'r', ...sizes.map(() => 'r' as const), 'r'],
  );
}

/** Everything printed on stdout after the runs, as lines (prose wrapped at `width` columns). */
export function textReport(report: BenchReport, answer: readonly string[], c: Colours, width = 100): string[] {
  const out: string[] = [];
  for (const [key, cells] of byKey(report.results)) {
    if (key.startsWith('crossover@')) continue;
    const first = cells[0] as CellResult;
    out.push(c.bold(`${first.workload}: ${first.title}`));
    out.push(...workloadTable(cells, report.results, c));
    out.push('');
  }
  if (report.crossover.length > 0) {
    const budget = report.results.find((r) => r.workload === 'crossover');
    out.push(c.bold('crossover: speedup over serial by task size (serial work per task)'));
    out.push(...crossoverTable(report, c));
    if (budget) out.push(c.dim(`  (bruteGcd tasks; ${budget.runs} runs per cell; sizes measured on this machine)`));
    out.push('');
  }
  const legend =
    'speedup: serial median / median, over the serial run of the same kernel language (serial-js for ' +
    'threads, processes, piscina, fork; serial-native for native; python-serial for Python); ' +
    'efficiency: makespan bound / median, the bound being the fastest any schedule of these tasks ' +
    'on that many workers could be.';
  for (const line of wrap(legend, width)) out.push(c.dim(line));
  out.push('');
  out.push(c.bold('Answer'));
  for (const paragraph of answer) out.push(...wrap(`  ${paragraph}`, width, '  '));
  for (const note of report.notes) for (const line of wrap(`note: ${note}`, width, '  ')) out.push(c.yellow(line));
  return out;
}
