// The answer in words, computed from the measured figures (nothing canned): per workload which
// backend won and by how much, with its spread as hyperfine words it ("A ran 1.93 ± 0.04 times
// faster than B"), how far from the makespan bound it was, where Python stands; then, from the
// crossover, from which task size each backend pays off.
import { byKey, fmtMs, fmtPct, workersText } from './report/format.js';
import type { BenchReport } from './report/report.js';
import { beatsSerial, type CellResult } from './results.js';
import { ratio } from './stats.js';
import { formatUs } from './workloads.js';

const label = (c: CellResult) => (c.serial ? c.backend : `${c.backend} (${workersText(c.workers)})`);

/** "ran 1.93 ± 0.04 times faster than B" / "took 2.10 ± 0.10 times as long as B". */
function versus(fast: CellResult, slow: CellResult): string {
  const r = ratio(slow, fast);
  const pm = fast.runs > 1 || slow.runs > 1 ? ` ± ${r.error.toFixed(2)}` : '';
  if (r.value >= 1) return `ran ${r.value.toFixed(2)}${pm} times faster than ${label(slow)}`;
  const inv = ratio(fast, slow);
  return `took ${inv.value.toFixed(2)}${pm} times as long as ${label(slow)}`;
}

const fastest = (cells: readonly CellResult[]) =>
  cells.reduce<CellResult | undefined>(
    (best, c) => (best === undefined || c.medianMs < best.medianMs ? c : best),
    undefined,
  );

function pythonSentence(cells: readonly CellResult[], winner: CellResult): string | undefined {
  const serial = cells.find((c) => c.backend === 'python-serial');
  if (!serial) return undefined;
  const threads = fastest(cells.filter((c) => c.backend === 'python-threads'));
  const processes = fastest(cells.filter((c) => c.backend === 'python-processes'));
  const parts: string[] = [`Python: serial ${fmtMs(serial.medianMs)} ms`];
  const verdict = (c: CellResult, what: string) => {
    const gain = c.speedup < 1.1 ? 'no faster than serial' : `${c.speedup.toFixed(2)}x serial`;
    return `${what}(${c.workers}) ${gain} (${fmtMs(c.medianMs)} ms)`;
  };
  if (threads) parts.push(verdict(threads, 'ThreadPoolExecutor'));
  if (processes) parts.push(verdict(processes, 'ProcessPoolExecutor'));
  const bestPython = fastest([serial, ...(threads ? [threads] : []), ...(processes ? [processes] : [])]) as CellResult;
  const tail = winner.family === 'python' ? '' : `; ${label(winner)} ${versus(winner, bestPython)}, Python's best`;
  return `${parts.join(', ')}${tail}.`;
}

/** The sentences for one workload instance. */
function workloadAnswer(cells: readonly CellResult[], all: readonly CellResult[]): string[] {
  const first = cells[0] as CellResult;
  const node = cells.filter((c) => c.family !== 'python');
  const winner = fastest(node) ?? first;
  const out: string[] = [];
  const baseline = cells.find((c) => c.backend === winner.baseline && c.serial);
  if (!winner.serial && !beatsSerial(winner, all)) {
    out.push(
      `${first.workload}, ${first.title}: no backend beat serial beyond the noise; the fastest, ${label(winner)}, ` +
        `${baseline ? versus(winner, baseline) : `reached ${winner.speedup.toFixed(2)}x serial`}.`,
    );
  } else if (winner.serial) {
    const bestParallel = fastest(node.filter((c) => !c.serial));
    out.push(
      `${first.workload}, ${first.title}: no parallel backend paid off; ${winner.backend} was fastest at ` +
        `${fmtMs(winner.medianMs)} ms` +
        (bestParallel ? `, and the best parallel one, ${label(bestParallel)}, ${versus(bestParallel, winner)}.` : '.'),
    );
  } else {
    out.push(
      `${first.workload}, ${first.title}: ${label(winner)} was fastest at ${fmtMs(winner.medianMs)} ms: it ` +
        `${baseline ? versus(winner, baseline) : `reached ${winner.speedup.toFixed(2)}x serial`}, ` +
        `${fmtPct(winner.efficiency)} of the makespan bound (${fmtMs(winner.boundMs)} ms on ${winner.workers}).`,
    );
    const runnerUp = fastest(node.filter((c) => c.family !== winner.family && !c.serial));
    if (runnerUp) {
      const r = ratio(runnerUp, winner);
      // A tie: within the propagated spread, or under 3% apart (one-run cells have no spread).
      const tie = r.value - r.error <= 1 || r.value < 1.03 || !beatsSerial(winner, all);
      out.push(
        tie
          ? `The next best, ${label(runnerUp)}, was as fast within the noise (${r.value.toFixed(2)} ± ${r.error.toFixed(2)}).`
          : `It ${versus(winner, runnerUp)}, the next best.`,
      );
    }
  }
  const py = pythonSentence(cells, winner);
  if (py) out.push(py);
  return out;
}

/** The crossover sentence: from which task size each backend pays off. */
function crossoverAnswer(report: BenchReport): string[] {
  if (report.crossover.length === 0) return [];
  const sizes = report.results.filter((r) => r.workload === 'crossover').map((r) => r.taskUs ?? 0);
  const largest = Math.max(...sizes);
  const points = [...report.crossover].sort(
    (a, b) => (a.paysOffFromUs ?? Number.POSITIVE_INFINITY) - (b.paysOffFromUs ?? Number.POSITIVE_INFINITY),
  );
  const pays = points.filter((p) => p.paysOffFromUs !== null);
  const never = points.filter((p) => p.paysOffFromUs === null);
  const workers = points[0]?.workers ?? 0;
  const parts = pays.map((p) => `${p.backend} from ${formatUs(p.paysOffFromUs as number)}`);
  let text = `From which task size parallelism pays off (${workersText(workers)}, serial work per task): `;
  text += parts.length > 0 ? parts.join(', ') : 'no backend beat serial at any measured size';
  if (never.length > 0) {
    text += `; ${never.map((p) => p.backend).join(', ')} never beat serial at any size up to ${formatUs(largest)}`;
  }
  return [`${text}.`];
}

/** The whole answer, one paragraph per line. */
export function answer(report: BenchReport): string[] {
  const out: string[] = [];
  for (const [key, cells] of byKey(report.results)) {
    if (!key.startsWith('crossover@')) out.push(workloadAnswer(cells, report.results).join(' '));
  }
  out.push(...crossoverAnswer(report));
  return out;
}
