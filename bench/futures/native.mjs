// NativePoolExecutor against the NativePool it wraps and against serial native calls, on
// 2 threads: (a) the tutorial's 12 bruteGcd pairs against the makespan bound, (b) a balanced
// workload of >= 1 s serial, (c) the batched path: 100k small items, map with chunks (Futures
// and the async iteration included) against one NativePool.map of the same items.
import { NativePoolExecutor } from 'nogil/futures';
import { bruteGcd, NativePool } from 'nogil/native';
import { fmt, interleaved, median, optimalMakespan, table, timeSync } from '../lib.mjs';

async function drain(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}

export async function run(report) {
  const W = report.workers;
  const executor = new NativePoolExecutor({ maxWorkers: W });
  const pool = new NativePool({ threads: W });
  // Warm both: threads started, code paths compiled.
  await drain(executor.map('gcd', [[1, 2]]));
  await pool.map('gcd', [[1, 2]]);

  // The four ways to run `bruteGcd` over `inputs` that the tables compare.
  const contenders = (inputs) => ({
    serial: () => inputs.map(([a, b]) => bruteGcd(a, b)),
    poolMap: () => pool.map('bruteGcd', inputs),
    executorMap: () => drain(executor.map('bruteGcd', inputs)),
    executorSubmit: () => Promise.all(inputs.map(([a, b]) => executor.submit('bruteGcd', a, b))),
  });
  const rows = (m, bound) =>
    [
      ['serial native', 1, m.serial],
      ['NativePool.map', W, m.poolMap],
      ['NativePoolExecutor.map', W, m.executorMap],
      ['NativePoolExecutor.submit', W, m.executorSubmit],
    ].map(([backend, workers, ms]) => ({
      backend,
      workers,
      'median ms': fmt(ms, 1),
      'vs serial': `${fmt(m.serial / ms, 2)}x`,
      'vs NativePool.map': `${fmt(m.poolMap / ms, 2)}x`,
      ...(bound === undefined ? {} : { 'vs bound': fmt(ms / bound, 3) }),
    }));

  // (a) The 12 pairs, against the best split of their own (best-of-5) times over W threads.
  {
    console.log("(a) the tutorial's 12 bruteGcd pairs");
    const perJob = report.twelve.map(([a, b]) =>
      Math.min(...[1, 2, 3, 4, 5].map(() => timeSync(() => bruteGcd(a, b)))),
    );
    const bound = optimalMakespan(perJob, W);
    const m = await interleaved(contenders(report.twelve), { runs: report.runs });
    table(rows(m, bound));
    console.log(`  makespan bound on ${W} threads: ${fmt(bound, 1)} ms`);
    report('NativePoolExecutor.map / makespan bound (12 pairs)', m.executorMap / bound, '<=', 1.15);
    report('NativePoolExecutor.map vs NativePool.map (12 pairs)', m.poolMap / m.executorMap, '>=', 0.9);
    report.record('native.tutorial', { bound, perJob, ...m });
  }

  // (b) Equal-cost bruteGcd(a, a + 1) calls of about 60 ms, >= 1.2 s serial.
  {
    const probe = 2_000_000;
    const probeMs = median([1, 2, 3].map(() => timeSync(() => bruteGcd(probe, probe + 1))));
    const a = Math.round((probe * 60) / probeMs);
    const count = Math.max(4 * W, Math.ceil(1200 / 60 / W) * W);
    const inputs = Array.from({ length: count }, (_, i) => [a + 2 * i, a + 2 * i + 1]);
    console.log(`(b) balanced workload: ${count} x bruteGcd(a, a + 1), a ~ ${fmt(a)} (about 60 ms each)`);
    const m = await interleaved(contenders(inputs), { runs: Math.max(report.runs, 7), warmup: 0 });
    table(rows(m));
    report(`NativePoolExecutor.map speed-up on ${W} threads (balanced)`, m.serial / m.executorMap, '>=', 1.95);
    report.record('native.balanced', { count, a, ...m });
  }

  // (c) The batched path, every result consumed: 100k small bruteGcd calls (about 5 us each),
  // then 100k trivial gcd calls, where the async iteration itself (one await per item, about
  // 0.1 us) is as large as the work and bounds the ratio.
  const N = 100_000;
  const CHUNK = 10_000;
  for (const [label, kernel, inputs, judged] of [
    ['small', 'bruteGcd', Array.from({ length: N }, (_, i) => [1000 + (i % 1000), 1001 + (i % 1000)]), true],
    ['trivial', 'gcd', Array.from({ length: N }, (_, i) => [i, 360]), false],
  ]) {
    console.log(`(c) ${label} tasks: ${fmt(N)} x ${kernel}; executor map in chunks of ${fmt(CHUNK)}`);
    const m = await interleaved(
      {
        poolMap: async () => {
          let sum = 0;
          for (const g of await pool.map(kernel, inputs)) sum += g;
          return sum;
        },
        executorMap: async () => {
          let sum = 0;
          for await (const g of executor.map(kernel, inputs, { chunksize: CHUNK })) sum += g;
          return sum;
        },
      },
      { runs: Math.max(report.runs, 7) },
    );
    table(
      [
        ['NativePool.map (for of)', m.poolMap],
        [`NativePoolExecutor.map, chunksize ${fmt(CHUNK)} (for await)`, m.executorMap],
      ].map(([backend, ms]) => ({
        backend,
        'median ms': fmt(ms, 1),
        'items/s': fmt((N / ms) * 1000),
        'vs NativePool.map': `${fmt(m.poolMap / ms, 2)}x`,
      })),
    );
    const ratio = m.poolMap / m.executorMap;
    if (judged) report(`NativePoolExecutor.map vs NativePool.map (${fmt(N)} ${label} tasks)`, ratio, '>=', 0.9);
    else console.log(`  (not a target: ${fmt(((m.executorMap - m.poolMap) / N) * 1e6, 0)} ns per item of iteration)`);
    report.record(`native.${label}`, { N, CHUNK, kernel, ...m });
  }

  await executor.shutdown();
  await pool.close();
}
