// `nogil tour [--section N]`: replays the tutorial, section by section: for each example of
// examples/ a heading, its source (short), its live output, and one line on what the output
// shows. Ctrl-C stops the running example (and Python) before exiting.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPython } from '../bench/backends/python-process.js';
import { coloursFor, parseOptions, SIGINT_EXIT, UsageError } from '../usage.js';
import { SECTIONS } from './sections.js';
import { genericSummary, pythonSummary, type Ran, SUMMARIES } from './summaries.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const HELP = `Usage: nogil tour [--section N]

Replays the examples of the Python-concurrency tutorial nogil re-creates, in its order: for
each, the TypeScript being run, its live output, and what the output shows.

Sections:
${SECTIONS.map((s) => `  ${s.n}  ${s.title}`).join('\n')}

Options:
  --section N   run only section N (1-${SECTIONS.length})
  --no-python   skip the tutorial's own Python in section 5 (skipped anyway without python3)
  -h, --help    show this help`;

/** How many output lines to show before eliding (head and tail). */
const SHOW = 6;
/** Source lines shown per example. */
const SOURCE_LINES = 28;

/** The example's code without its leading comment block, at most SOURCE_LINES lines. */
export function shortSource(file: string): string[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  let i = 0;
  while (i < lines.length && (lines[i]?.startsWith('//') || lines[i]?.trim() === '')) i++;
  const body = lines.slice(i);
  while (body.length > 0 && body[body.length - 1]?.trim() === '') body.pop();
  if (body.length <= SOURCE_LINES) return body;
  return [...body.slice(0, SOURCE_LINES), `// ... ${body.length - SOURCE_LINES} more lines in ${file}`];
}

/**
 * Runs a child, streaming its output: stdout with long outputs elided in the middle, stderr
 * with repeated lines shown once (openssl warns once per child). Resolves to what it printed.
 */
function runLive(
  child: ChildProcess,
  print: (line: string, err?: boolean) => void,
  current: { child?: ChildProcess },
): Promise<Ran> {
  const started = performance.now();
  current.child = child;
  const lines: string[] = [];
  const errLines: string[] = [];
  const seenErr = new Set<string>();
  let shown = 0;
  let repeats = 0;
  const onLine = (line: string, err: boolean) => {
    if (err) {
      errLines.push(line);
      if (seenErr.has(line)) repeats++;
      else {
        seenErr.add(line);
        print(line, true);
      }
      return;
    }
    lines.push(line);
    if (shown < SHOW) {
      print(line);
      shown++;
    }
  };
  const reader = (err: boolean) => {
    let rest = '';
    return {
      data(chunk: string) {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) onLine(line, err);
      },
      end() {
        if (rest !== '') onLine(rest, err);
        rest = '';
      },
    };
  };
  const out = reader(false);
  const err = reader(true);
  child.stdout?.setEncoding('utf8').on('data', (d: string) => out.data(d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => err.data(d));
  return new Promise((resolve) => {
    child.once('error', (e) => onLine(e.message, true));
    child.once('close', (code) => {
      current.child = undefined;
      out.end();
      err.end();
      const hidden = lines.length - shown;
      if (hidden > SHOW) {
        print(`... (${hidden - SHOW} more lines) ...`);
        for (const line of lines.slice(-SHOW)) print(line);
      } else for (const line of lines.slice(shown)) print(line);
      if (repeats > 0) print(`(stderr: ${repeats} repeated line${repeats === 1 ? '' : 's'} not shown)`, true);
      resolve({ lines, errLines, ms: performance.now() - started, code });
    });
  });
}

/** Runs `nogil tour`; resolves to the exit status. */
export async function tourCommand(argv: string[]): Promise<number> {
  const v = parseOptions('tour', argv, {
    section: { type: 'string' },
    'no-python': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  let only: number | undefined;
  if (v.section !== undefined) {
    only = Number(v.section);
    if (!/^\d+$/.test(v.section) || !SECTIONS.some((s) => s.n === only)) {
      throw new UsageError(`--section must be one of 1-${SECTIONS.length} (got '${v.section}')`);
    }
  }
  if (!existsSync(join(root, 'examples'))) {
    console.error(`nogil tour: the examples/ folder is missing from ${root}`);
    return 1;
  }
  const c = coloursFor(process.stdout);
  const current: { child?: ChildProcess; kill?: () => void } = {};
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    current.kill?.();
    current.child?.kill('SIGTERM');
  };
  process.on('SIGINT', onSigint);
  const print = (line: string, err = false) => console.log(`    ${c.dim('│')} ${err ? c.yellow(line) : line}`);
  const started = performance.now();
  let failures = 0;
  // What each example printed, for summaries that compare with an earlier one.
  const before = new Map<string, Ran>();
  try {
    for (const section of SECTIONS) {
      if (only !== undefined && section.n !== only) continue;
      console.log(c.bold(c.cyan(`\n${section.n}. ${section.title}`)));
      console.log(c.dim(`   ${section.intro}`));
      for (const file of section.examples) {
        if (interrupted) break;
        if (!existsSync(join(root, file))) {
          console.log(c.dim(`\n  (${file} is not in this copy of nogil: skipped)`));
          continue;
        }
        console.log(c.bold(`\n  ▸ ${file}`));
        for (const line of shortSource(file)) console.log(c.dim(`    ${line}`));
        console.log(c.dim('    output:'));
        const child = spawn(process.execPath, [join(root, file)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        const ran = await runLive(child, print, current);
        if (interrupted) break;
        if (ran.code !== 0) failures++;
        else before.set(file, ran);
        const summary = ran.code === 0 ? (SUMMARIES[file] ?? genericSummary)(ran, before) : genericSummary(ran);
        console.log(`  ${c.green('→')} ${summary}`);
      }
      if (section.python && !interrupted) {
        console.log(c.bold("\n  ▸ the tutorial's own Python (python3), for comparison"));
        if (v['no-python']) console.log(c.dim('    skipped (--no-python)'));
        else {
          const workers = Math.min(2, availableParallelism());
          const py = startPython(['--tour', String(workers)]);
          current.kill = py.kill;
          const ran = await runLive(py.child, print, current);
          py.kill();
          current.kill = undefined;
          if (interrupted) break;
          if (ran.code === 0) console.log(`  ${c.green('→')} ${pythonSummary(ran, before)}`);
          else
            console.log(
              `  ${c.yellow('→')} Python did not run (${ran.errLines.at(-1) ?? 'python3 not found'}); skipped.`,
            );
        }
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (interrupted) {
    console.error('nogil tour: interrupted');
    return SIGINT_EXIT;
  }
  console.log(c.dim(`\nTour done in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
  return failures === 0 ? 0 : 1;
}
