// `nogil bench`: opens the backends, builds the workloads, measures them in interleaved rounds,
// prints the tables and the answer, writes the files asked for, and compares with an earlier
// run. Ctrl-C aborts the run: every worker, child and Python process is stopped before exit.
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { coloursFor, SIGINT_EXIT, UsageError } from '../usage.js';
import { answer } from './answer.js';
import { baselineOf, createBackend } from './backends/index.js';
import type { PythonInfo } from './backends/python.js';
import type { Backend, Cell, CellSettings } from './backends/types.js';
import { describeMachine, type Machine, machineLine } from './machine.js';
import { BACKENDS, type BackendName, benchHelp, parseBenchOptions } from './options.js';
import { progressBar } from './progress.js';
import { chartsOf } from './report/charts.js';
import { compareRuns, compareText, readOldReport } from './report/compare.js';
import { reportHtml } from './report/html.js';
import { reportMarkdown } from './report/markdown.js';
import { type BenchReport, reportJson } from './report/report.js';
import { svgDocument } from './report/svg.js';
import { textReport } from './report/table.js';
import { type CellResult, crossoverPoints, resultsOf } from './results.js';
import { measure, runsOf } from './runner.js';
import { crossoverWorkloads, fixedWorkloads, type Workload } from './workloads.js';

/** Thrown into the run when SIGINT (or SIGTERM) arrives. */
class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
  }
}

/** The exit status after a signal: 128 + its number, as a shell reports it. */
const exitFor = (signal: 'SIGINT' | 'SIGTERM') => (signal === 'SIGINT' ? SIGINT_EXIT : 128 + 15);

/** ns per loop iteration of bruteGcd(a, a + 1), best of 5, native if it loaded, else JS. */
async function nsPerIteration(): Promise<number> {
  const native = await import('../../native/index.js');
  const js = native.js;
  const kernel = native.nativeAvailable() ? native.bruteGcd : js.bruteGcd;
  const a = 1_000_000;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    kernel(a, a + 1);
    best = Math.min(best, performance.now() - t);
  }
  return (best * 1e6) / a;
}

function writeOut(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as Error).message}`);
  }
}

/** Runs `nogil bench` with `argv`; resolves to the exit status. */
export async function benchCommand(argv: string[], version: string): Promise<number> {
  const options = parseBenchOptions(argv);
  if (options === null) {
    console.log(benchHelp());
    return 0;
  }
  // Read the comparison base first: a bad file must fail before minutes of measuring.
  const old = options.compare === undefined ? undefined : readOldReport(options.compare);
  const out = coloursFor(process.stdout);
  const started = Date.now();
  const loadAtStart = loadavg()[0] ?? 0;

  const controller = new AbortController();
  const backends: Backend[] = [];
  const killAll = () => {
    for (const b of backends) b.kill();
  };
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: stop at once.
      killAll();
      process.exit(exitFor(signal));
    }
    controller.abort(new Interrupted(signal));
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const unlisten = () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };

  const notes: string[] = [];
  const wanted = new Set<BackendName>(options.backends);
  for (const name of options.backends) {
    const base = baselineOf(name);
    if (base) wanted.add(base);
  }
  if (!options.python && wanted.delete('python') && options.backends.includes('python')) {
    notes.push('python: skipped (--no-python)');
  }
  const bar = await progressBar(process.stderr, coloursFor(process.stderr).isColorSupported);
  let results: CellResult[] = [];
  let pythonVersion: string | undefined;
  let machine: Machine | undefined;
  try {
    for (const name of BACKENDS.filter((b) => wanted.has(b))) {
      const backend = createBackend(name);
      backends.push(backend);
      const why = await backend.open();
      if (why !== null) {
        backends.pop();
        notes.push(`${name}: skipped (${why})`);
        await backend.close();
      }
      controller.signal.throwIfAborted();
    }
    const python = backends.find((b) => b.name === 'python') as
      | (Backend & { info(): PythonInfo | undefined })
      | undefined;
    pythonVersion = python?.info()?.version;

    const workloads: Workload[] = fixedWorkloads(options);
    const maxWorkers = Math.max(...options.workers);
    if (options.workloads.includes('crossover')) {
      workloads.push(
        ...crossoverWorkloads(
          options.sizesUs,
          options.crossoverBudgetMs,
          maxWorkers,
          await nsPerIteration(),
          python?.info()?.nsPerIteration,
        ),
      );
    }
    const settings: CellSettings = options;
    const cellsOf = (w: Workload): Cell[] =>
      backends.flatMap((b) => b.cells(w, w.name === 'crossover' ? [maxWorkers] : options.workers, settings));
    const plan = workloads.map((w) => [w, cellsOf(w)] as const);
    machine = describeMachine(pythonVersion, loadAtStart);
    console.log(out.bold(`nogil bench ${version}`) + out.dim(` on ${machineLine(machine)}`));
    const pythonRuns = options.pythonRuns === options.runs ? '' : ` (Python: ${options.pythonRuns})`;
    console.log(
      out.dim(
        `${options.runs} run${options.runs === 1 ? '' : 's'}${pythonRuns} per cell after ${options.warmup} warm-up; ` +
          `contenders alternate round by round; load average ${loadAtStart.toFixed(2)}`,
      ),
    );
    bar?.start(plan.reduce((s, [, cells]) => s + runsOf(cells), 0));
    for (const [, cells] of plan) {
      const measured = await measure(cells, { signal: controller.signal, ...(bar ? { progress: bar } : {}) });
      results = results.concat(resultsOf(measured));
    }
    bar?.stop();
  } catch (error) {
    bar?.stop();
    if (controller.signal.aborted) {
      killAll();
      await Promise.race([Promise.allSettled(backends.map((b) => b.close())), new Promise((r) => setTimeout(r, 3000))]);
      console.error('nogil bench: interrupted; every worker, child process and Python process was stopped');
      unlisten();
      return exitFor((controller.signal.reason as Interrupted).signal);
    }
    killAll();
    await Promise.allSettled(backends.map((b) => b.close()));
    unlisten();
    throw error;
  }
  await Promise.all(backends.map((b) => b.close()));
  unlisten();

  const cores = availableParallelism();
  if (loadAtStart > cores) {
    notes.push(
      `the load average was ${loadAtStart.toFixed(1)} on ${cores} cores when the run started: other processes ` +
        'competed for the CPUs, so the speedups understate what these backends do on an idle machine',
    );
  }
  const report: BenchReport = {
    nogil: version,
    command: ['nogil', 'bench', ...argv].join(' '),
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    // Set in the try above before anything is measured (its catch returns or rethrows).
    machine: machine as Machine,
    settings: {
      workloads: options.workloads,
      backends: backends.map((b) => b.name),
      workers: options.workers,
      runs: options.runs,
      warmup: options.warmup,
      pythonRuns: options.pythonRuns,
      scale: options.scale,
      sizesUs: options.workloads.includes('crossover') ? options.sizesUs : [],
    },
    results,
    crossover: crossoverPoints(results),
    notes,
  };
  const words = answer(report);
  const width = process.stdout.isTTY ? Math.max(60, Math.min(process.stdout.columns ?? 100, 120)) : 100;
  console.log(textReport(report, words, out, width).join('\n'));
  if (options.json) writeOut(options.json, reportJson(report));
  if (options.svg) writeOut(options.svg, svgDocument(chartsOf(report)));
  if (options.html) writeOut(options.html, reportHtml(report, words));
  if (options.markdown) writeOut(options.markdown, reportMarkdown(report, words));
  if (old && options.compare) {
    const changes = compareRuns(old.results, results);
    console.log();
    console.log(compareText(changes, options.compare, report, out).join('\n'));
    if (changes.some((c) => c.verdict === 'slower')) return 1;
  }
  return 0;
}

export { UsageError };
