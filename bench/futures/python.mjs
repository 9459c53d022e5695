// The reference row: CPython's ThreadPoolExecutor(2) and ProcessPoolExecutor(2) on the same
// 12 pairs, in the same run (bench/futures/gcd.py). Skipped with a note if python3 is absent.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, median, table } from '../lib.mjs';

export async function run(report) {
  if (!report.python) {
    console.log('  skipped (--no-python)');
    return;
  }
  const script = fileURLToPath(new URL('./gcd.py', import.meta.url));
  // Python's loop is ~10x slower than the kernels: 3 rounds are enough to see the shape.
  const runs = Math.min(report.runs, 3);
  const child = spawnSync('python3', [script, String(runs), JSON.stringify(report.twelve)], { encoding: 'utf8' });
  if (child.error || child.status !== 0) {
    console.log(
      `  skipped: python3 ${child.error ? `not available (${child.error.code})` : `failed: ${child.stderr.trim()}`}`,
    );
    return;
  }
  const { python, times } = JSON.parse(child.stdout);
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  console.log(`(python ${python}) the tutorial's 12 pairs, median of ${runs} rounds, warm pools`);
  table(
    [
      ['python serial loop', 1, m.serial],
      ['python ThreadPoolExecutor', 2, m.threadPool],
      ['python ProcessPoolExecutor', 2, m.processPool],
    ].map(([backend, workers, ms]) => ({
      backend,
      workers,
      'median ms': fmt(ms, 1),
      'vs python serial': `${fmt(m.serial / ms, 2)}x`,
    })),
  );
  report.record('python', { python, runs, ...m });
}
