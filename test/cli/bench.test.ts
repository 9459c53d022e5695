// `nogil bench --quick` end to end, at tiny sizes (--scale 0.01, two crossover sizes): every
// backend runs for real (worker threads, child processes, python3), and the table, JSON, SVG,
// HTML and Markdown it writes are checked cell by cell.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorBackends, nogilAsync, seriesPerChart, wellFormed } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nogil-bench-test-'));
const file = (name: string) => join(dir, name);
const SIZES = [1, 64];
const WORKERS = [1, 2];
// The executor backends take part as soon as nogil/futures exports their class.
let PARALLEL: string[] = [];

interface Cell {
  workload: string;
  backend: string;
  workers: number;
  runs: number;
  taskUs?: number;
  [k: string]: unknown;
}
interface Report {
  machine: Record<string, unknown>;
  results: Cell[];
  crossover: Array<{ backend: string; workers: number; paysOffFromUs: number | null }>;
  notes: string[];
}

let run: { status: number | null; stdout: string; stderr: string };
let report: Report;

beforeAll(async () => {
  PARALLEL = [...(await executorBackends()), 'piscina', 'fork'];
  run = await nogilAsync([
    'bench',
    '--quick',
    '--workers',
    WORKERS.join(','),
    '--scale',
    '0.01',
    '--sizes',
    SIZES.join(','),
    '--json',
    file('b.json'),
    '--svg',
    file('b.svg'),
    '--html',
    file('b.html'),
    '--markdown',
    file('b.md'),
  ]);
  report = JSON.parse(readFileSync(file('b.json'), 'utf8'));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The cells every run must have: each backend at each worker count, Python's three modes. */
function expectedCells(): Array<[workload: string, backend: string, workers: number, taskUs?: number]> {
  const out: Array<[string, string, number, number?]> = [];
  const add = (workload: string, workers: readonly number[], taskUs?: number) => {
    out.push([workload, 'serial-js', 1, taskUs], [workload, 'serial-native', 1, taskUs]);
    for (const b of PARALLEL) for (const n of workers) out.push([workload, b, n, taskUs]);
    out.push([workload, 'python-serial', 1, taskUs]);
    for (const n of workers) out.push([workload, 'python-threads', n, taskUs]);
    for (const n of workers) out.push([workload, 'python-processes', n, taskUs]);
  };
  add('gcd', WORKERS);
  for (const s of SIZES) add('crossover', [Math.max(...WORKERS)], s);
  return out;
}

describe('nogil bench --quick (tiny sizes)', () => {
  it('exits 0 and prints a table per workload, the crossover and the answer', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(
      /^nogil bench \d+\.\d+\.\d+ on .+, \d+ cores?, Node v.+\n3 runs \(Python: 1\) per cell after 1 warm-up; /,
    );
    expect(out).toContain('gcd, 12 balanced bruteGcd pairs (scale 0.01)');
    expect(out).toMatch(/backend\s+workers\s+median ms\s+min … max ms\s+speedup\s+efficiency\s+bound ms\s+runs/);
    for (const b of [
      'serial-js',
      'serial-native',
      ...PARALLEL,
      'python-serial',
      'python-threads',
      'python-processes',
    ]) {
      expect(out).toMatch(new RegExp(`^  ${b}\\s+\\d+\\s+[\\d.,]+\\s+[\\d.,]+ … [\\d.,]+`, 'm'));
    }
    expect(out).toMatch(/crossover: speedup over serial by task size/);
    expect(out).toMatch(/backend\s+workers\s+1 µs\s+64 µs\s+pays off from/);
    expect(out).toMatch(/\nAnswer\n {2}gcd, 12 balanced bruteGcd pairs \(scale 0\.01\): /);
    // The answer's paragraphs are wrapped at 100 columns: read them as one text.
    const words = (out.split('\nAnswer\n')[1] ?? '').replace(/\n {2}/g, ' ');
    expect(words).toMatch(/(ran|took) \d+\.\d\d ± \d+\.\d\d times (faster than|as long as) /);
    expect(words).toMatch(/Python: serial [\d.,]+ ms, ThreadPoolExecutor\(\d\) .+ProcessPoolExecutor\(\d\) /);
    expect(words).toMatch(/From which task size parallelism pays off \(2 workers, serial work per task\): /);
    for (const line of out.split('\n')) {
      if (!line.startsWith('  backend') && !/^ {2}\S+\s+\d+\s/.test(line)) expect(line.length).toBeLessThanOrEqual(100);
    }
    // No colour when stdout is not a terminal.
    expect(out).not.toContain('\u001b[');
  });

  it('--json has the machine and every cell, numeric', () => {
    expect(report.machine).toMatchObject({
      cores: expect.any(Number),
      node: process.version,
      loadAverage: expect.any(Number),
    });
    expect(typeof report.machine.cpu).toBe('string');
    expect(report.machine.python).toMatch(/^3\.\d+/);
    const absent = ['native', 'threads', 'processes'].filter((b) => !PARALLEL.includes(b));
    // (A note on the machine's load may come first: this suite shares the machine.)
    expect(report.notes.filter((n) => !n.startsWith('the load average was '))).toEqual(
      absent.map((b) => expect.stringMatching(new RegExp(`^${b}: skipped \\(.+ is not in this build`))),
    );
    for (const [workload, backend, workers, taskUs] of expectedCells()) {
      const matches = report.results.filter(
        (c) => c.workload === workload && c.backend === backend && c.workers === workers && c.taskUs === taskUs,
      );
      expect(matches, `${workload}${taskUs ? `@${taskUs}` : ''} ${backend} x${workers}`).toHaveLength(1);
      const c = matches[0] as Cell;
      for (const k of ['medianMs', 'minMs', 'maxMs', 'speedup', 'efficiency', 'boundMs']) {
        expect(Number.isFinite(c[k]) && (c[k] as number) > 0, `${backend} ${k} = ${c[k]}`).toBe(true);
      }
      expect(c.runs).toBe(backend.startsWith('python') ? 1 : 3);
      expect(c.minMs as number).toBeLessThanOrEqual(c.medianMs as number);
      expect(c.medianMs as number).toBeLessThanOrEqual(c.maxMs as number);
      if (backend.startsWith('serial') || backend === 'python-serial') expect(c.speedup).toBe(1);
    }
    expect(report.results).toHaveLength(expectedCells().length);
    const crossoverBackends = [...PARALLEL, 'python-threads', 'python-processes'];
    expect(report.crossover.map((p) => p.backend).sort()).toEqual(crossoverBackends.sort());
    for (const p of report.crossover) {
      expect(p.workers).toBe(2);
      expect(p.paysOffFromUs === null || SIZES.includes(p.paysOffFromUs)).toBe(true);
    }
  });

  it('--svg is well-formed: a chart per workload, one series per backend', () => {
    const svg = readFileSync(file('b.svg'), 'utf8');
    expect(wellFormed(svg)).toBe(true);
    const [gcd, crossover, ...rest] = seriesPerChart(svg);
    expect(rest).toEqual([]);
    const gcdBackends = [...new Set(report.results.filter((c) => c.workload === 'gcd').map((c) => c.backend))];
    expect([...(gcd ?? [])].sort()).toEqual(gcdBackends.sort());
    expect([...(crossover ?? [])].sort()).toEqual(report.crossover.map((p) => p.backend).sort());
    expect(svg).toContain('serial work per task (log scale)');
    expect(svg).toContain('serial (1.0)');
  });

  it('--html is one well-formed page with the tables, the charts, the answer and the machine', () => {
    const html = readFileSync(file('b.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(wellFormed(html)).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html.match(/<table>/g)).toHaveLength(2);
    expect(seriesPerChart(html).map((s) => s.length)).toEqual(
      seriesPerChart(readFileSync(file('b.svg'), 'utf8')).map((s) => s.length),
    );
    expect(html).toContain(String(report.machine.cpu));
    expect(html).toMatch(/<div class="answer">\n<p>gcd, /);
  });

  it('--markdown is a paste-ready table per workload', () => {
    const md = readFileSync(file('b.md'), 'utf8');
    expect(md).toContain(
      '| backend | workers | median ms | min ms | max ms | speedup | efficiency | bound ms | runs |',
    );
    expect(md).toContain('|:---|---:|---:|---:|---:|---:|---:|---:|---:|');
    expect(md).toMatch(/^\| `python-processes` \| 2 \| [\d.,]+ \|/m);
    expect(md).toContain('| backend | 1 µs | 64 µs | pays off from |');
  });
});
