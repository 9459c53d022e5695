// The pure parts of nogil bench: the makespan bound, option parsing, crossover points, the
// comparison verdicts, the answer's wording and the SVG writer, on synthetic data.
import { describe, expect, it } from 'vitest';
import { answer } from '../../dist/cli/bench/answer.js';
import { makespanBound } from '../../dist/cli/bench/bound.js';
import { parseBenchOptions } from '../../dist/cli/bench/options.js';
import { compareRuns } from '../../dist/cli/bench/report/compare.js';
import type { BenchReport } from '../../dist/cli/bench/report/report.js';
import { chartSvg, escapeXml, niceTicks } from '../../dist/cli/bench/report/svg.js';
import { type CellResult, crossoverPoints } from '../../dist/cli/bench/results.js';
import { ratio } from '../../dist/cli/bench/stats.js';
import { UsageError } from '../../dist/cli/usage.js';
import { rng as seededRandom } from '../helpers/random.js';
import { wellFormed } from './cli-helpers.js';

/** Every assignment of tasks to workers: the true optimum, for checking the branch and bound. */
function bruteForce(tasks: number[], workers: number): number {
  let best = Number.POSITIVE_INFINITY;
  const loads = new Array(workers).fill(0);
  const go = (i: number) => {
    if (i === tasks.length) {
      best = Math.min(best, Math.max(...loads));
      return;
    }
    for (let k = 0; k < workers; k++) {
      loads[k] += tasks[i] as number;
      go(i + 1);
      loads[k] -= tasks[i] as number;
    }
  };
  go(0);
  return best;
}

function cell(over: Partial<CellResult>): CellResult {
  const medianMs = over.medianMs ?? 100;
  return {
    workload: 'gcd',
    backend: 'native',
    workers: 2,
    runs: 5,
    medianMs,
    minMs: medianMs * 0.98,
    maxMs: medianMs * 1.02,
    speedup: 1,
    efficiency: 1,
    boundMs: medianMs,
    baseline: 'serial-native',
    speedupError: 0,
    meanMs: medianMs,
    stddevMs: medianMs * 0.01,
    madMs: medianMs * 0.01,
    timesMs: [medianMs],
    tasks: 12,
    key: 'gcd',
    title: "the tutorial's 12 bruteGcd pairs",
    family: 'native',
    serial: false,
    ...over,
  } as CellResult;
}

describe('makespanBound', () => {
  it('is the optimum for small task sets (checked against every assignment)', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 8);
      const workers = 1 + Math.floor(random() * 3);
      const tasks = Array.from({ length: n }, () => Math.round(random() * 100) + 1);
      expect(makespanBound(tasks, workers), `${tasks} on ${workers}`).toBe(bruteForce(tasks, workers));
    }
  });

  it('the tutorial pairs: three big pairs cannot be split over 2 workers', () => {
    const pairs = [1.07, 65.6, 1.8, 4.95];
    const twelve = [...pairs, ...pairs, ...pairs];
    expect(makespanBound(twelve, 1)).toBeCloseTo(3 * (1.07 + 65.6 + 1.8 + 4.95), 6);
    expect(makespanBound(twelve, 2)).toBeCloseTo(2 * 65.6, 6);
    expect(makespanBound(twelve, 3)).toBeCloseTo(65.6 + 1.07 + 1.8 + 4.95, 6);
  });

  it('for many tasks it is a lower bound, exact for equal tasks', () => {
    expect(makespanBound(new Array(2000).fill(0.001), 2)).toBeCloseTo(1, 9);
    expect(makespanBound(new Array(9 * 3 + 1).fill(2), 9)).toBe(8);
    const random = seededRandom(3);
    const tasks = Array.from({ length: 40 }, () => random() * 10);
    const lb = makespanBound(tasks, 4);
    expect(lb).toBeGreaterThanOrEqual(tasks.reduce((s, x) => s + x, 0) / 4);
    expect(lb).toBeGreaterThanOrEqual(Math.max(...tasks));
  });
});

describe('parseBenchOptions', () => {
  it('defaults: gcd and crossover, every backend, 1..P workers, 5 runs', () => {
    const o = parseBenchOptions([], 2);
    expect(o).toMatchObject({ workloads: ['gcd', 'crossover'], workers: [1, 2], runs: 5, pythonRuns: 5, scale: 1 });
    expect(o?.backends).toHaveLength(8);
    expect(parseBenchOptions([], 16)?.workers).toEqual([1, 2, 4, 8, 16]);
  });

  it('--quick: P workers, 3 runs, Python one run; lists are sorted and deduplicated', () => {
    expect(parseBenchOptions(['--quick'], 4)).toMatchObject({ workers: [4], runs: 3, pythonRuns: 1, pythonWarmup: 0 });
    expect(parseBenchOptions(['--workers', '4,1,2,1'], 4)?.workers).toEqual([1, 2, 4]);
    expect(parseBenchOptions(['--workload', 'crossover,gcd'], 4)?.workloads).toEqual(['gcd', 'crossover']);
    expect(parseBenchOptions(['--workload', 'all'], 4)?.workloads).toHaveLength(5);
    expect(parseBenchOptions(['--no-python'], 4)?.python).toBe(false);
    expect(parseBenchOptions(['--help'], 4)).toBeNull();
  });

  it('bad values are UsageErrors', () => {
    for (const argv of [
      ['--runs', '1.5'],
      ['--workers', '0'],
      ['--sizes', 'x'],
      ['--json', ''],
      ['--workload', ','],
    ]) {
      expect(() => parseBenchOptions(argv, 2), argv.join(' ')).toThrow(UsageError);
    }
  });
});

describe('crossoverPoints', () => {
  it('is the smallest size from which on a backend beats serial at every size', () => {
    const sizes = [1, 4, 16, 64];
    const results: CellResult[] = [];
    const serialMs = (s: number) => s * 10;
    for (const s of sizes) {
      const key = `crossover@${s}`;
      results.push(
        cell({
          workload: 'crossover',
          key,
          taskUs: s,
          backend: 'serial-native',
          serial: true,
          workers: 1,
          medianMs: serialMs(s),
        }),
      );
    }
    // native: 0.5x, 1.2x (a fluke), 0.9x, 1.8x -> pays off from 64 only.
    [0.5, 1.2, 0.9, 1.8].forEach((x, i) => {
      const s = sizes[i] as number;
      results.push(
        cell({ workload: 'crossover', key: `crossover@${s}`, taskUs: s, speedup: x, medianMs: serialMs(s) / x }),
      );
    });
    // threads never beats serial.
    [0.1, 0.2, 0.5, 0.99].forEach((x, i) => {
      const s = sizes[i] as number;
      results.push(
        cell({
          workload: 'crossover',
          key: `crossover@${s}`,
          taskUs: s,
          backend: 'threads',
          family: 'threads',
          baseline: 'serial-native',
          speedup: x,
          medianMs: serialMs(s) / x,
        }),
      );
    });
    expect(crossoverPoints(results)).toEqual([
      expect.objectContaining({ backend: 'native', workers: 2, paysOffFromUs: 64 }),
      expect.objectContaining({ backend: 'threads', workers: 2, paysOffFromUs: null }),
    ]);
  });
});

describe('compareRuns', () => {
  const old = [{ workload: 'gcd', key: 'gcd', backend: 'native', workers: 2, medianMs: 100, minMs: 98, maxMs: 101 }];
  it('slower only when the ranges part and the median grew by more than 3%', () => {
    const verdict = (medianMs: number, minMs: number, maxMs: number) =>
      compareRuns(old, [cell({ medianMs, minMs, maxMs })])[0]?.verdict;
    expect(verdict(110, 108, 112)).toBe('slower');
    expect(verdict(110, 100.5, 112)).toBe('same'); // overlaps the old range: noise
    expect(verdict(102.5, 102.4, 102.6)).toBe('same'); // apart, but within 3%
    expect(verdict(90, 88, 92)).toBe('faster');
    expect(compareRuns(old, [cell({ workers: 4 })])).toEqual([]); // no such cell before
  });
});

describe('ratio and the answer', () => {
  it('propagates both spreads as hyperfine does', () => {
    const r = ratio({ medianMs: 200, madMs: 2 }, { medianMs: 100, madMs: 1 });
    expect(r.value).toBe(2);
    expect(r.error).toBeCloseTo(2 * Math.sqrt(2 * (1.4826 * 0.01) ** 2), 9);
  });

  it('names the winner, its factor with spread, the bound, the runner-up and Python', () => {
    const results = [
      cell({ backend: 'serial-native', family: 'serial-native', serial: true, workers: 1, medianMs: 220, speedup: 1 }),
      cell({ backend: 'native', medianMs: 132, speedup: 220 / 132, efficiency: 0.99, boundMs: 131 }),
      cell({ backend: 'threads', family: 'threads', baseline: 'serial-js', medianMs: 150, speedup: 1.5 }),
      cell({
        backend: 'python-serial',
        family: 'python',
        serial: true,
        workers: 1,
        medianMs: 4000,
        runs: 1,
        baseline: 'python-serial',
      }),
      cell({
        backend: 'python-threads',
        family: 'python',
        medianMs: 4100,
        speedup: 4000 / 4100,
        runs: 1,
        baseline: 'python-serial',
      }),
      cell({
        backend: 'python-processes',
        family: 'python',
        medianMs: 2500,
        speedup: 1.6,
        runs: 1,
        baseline: 'python-serial',
      }),
    ];
    const report = { results, crossover: [], notes: [] } as unknown as BenchReport;
    const [gcd] = answer(report);
    expect(gcd).toContain(
      "gcd, the tutorial's 12 bruteGcd pairs: native (2 workers) was fastest at 132.0 ms: it ran 1.67 ± 0.03 times faster than serial-native, 99% of the makespan bound (131.0 ms on 2).",
    );
    expect(gcd).toContain('It ran 1.14 ± 0.02 times faster than threads (2 workers), the next best.');
    expect(gcd).toContain('Python: serial 4,000 ms, ThreadPoolExecutor(2) no faster than serial (4,100 ms)');
    expect(gcd).toContain(
      "ProcessPoolExecutor(2) 1.60x serial (2,500 ms); native (2 workers) ran 18.94 ± 0.40 times faster than python-processes (2 workers), Python's best.",
    );
  });
});

describe('the SVG writer', () => {
  it('escapes text, picks round ticks and writes one group per series', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&#60;b &#38; &#34;c&#34; &#39;d&#39;&#62;');
    expect(niceTicks(1.9)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(niceTicks(0)).toEqual([0, 1]);
    const svg = chartSvg({
      title: 'x < y & "z"',
      xLabel: 'task size',
      yLabel: 'speedup',
      xLog: true,
      xTicks: [1, 4, 16],
      series: [
        {
          name: 'native',
          colour: '#d62728',
          points: [
            [1, 0.5],
            [4, 1.2],
            [16, 1.9],
          ],
        },
        { name: 'a&b', colour: '#1f77b4', points: [[16, 1]] },
      ],
      refLines: [{ y: 1, label: 'serial' }],
    });
    expect(wellFormed(svg)).toBe(true);
    expect([...svg.matchAll(/<g class="series" data-series="([^"]+)">/g)].map((m) => m[1])).toEqual([
      'native',
      'a&#38;b',
    ]);
    expect(svg.match(/<polyline /g)).toHaveLength(1); // a single point draws a marker only
    expect(svg.match(/<circle /g)).toHaveLength(4);
  });
});
