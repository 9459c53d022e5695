#!/usr/bin/env node
// ThreadPoolExecutor against raw piscina (the pool it wraps), side by side in one run with
// interleaved rounds (bench/lib.mjs): tiny-task throughput, map chunking, cold start, the
// tutorial's 12 gcd pairs against their makespan bound, and a balanced >= 1 s workload.
//
//   node bench/futures/thread.mjs           # this section alone
//   npm run bench:futures                   # every executor (bench/futures.mjs calls run())
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ThreadPoolExecutor } from 'nogil/futures';
import { js } from 'nogil/native';
import { Piscina } from 'piscina';
import { check, fmt, interleaved, machine, median, optimalMakespan, TWELVE_PAIRS, table, timeSync } from '../lib.mjs';

const P = Math.min(2, availableParallelism());
const echoFile = new URL('../workers/echo.mjs', import.meta.url).href;

// Self-contained task functions (sent to the workers by source).
const gcd = (a, b) => {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
};
const gcdPair = ([a, b]) => {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
};
const identity = (x) => x;

const twelve = TWELVE_PAIRS;

const perSec = (n, ms) => (n / ms) * 1000;

/**
 * Like lib.mjs `interleaved`, for contenders that time a part of their run themselves: each
 * resolves to `[ms, teardown]`; the teardown runs untimed. Returns the median ms by name.
 */
async function interleavedFirst(contenders, runs) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round < runs + 1; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const [ms, teardown] = await fn();
      await teardown();
      if (round > 0) times[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/**
 * Runs the ThreadPoolExecutor section; `report(label, value, op, target)` records each target.
 * @param {(label: string, value: number, op: '>=' | '<=', target: number) => void} report
 */
export async function run(report) {
  console.log(`ThreadPoolExecutor vs piscina: ${machine()}; ${P} workers each\n`);
  const executor = new ThreadPoolExecutor({ maxWorkers: P });
  const piscina = new Piscina({ filename: echoFile, minThreads: P, maxThreads: P, idleTimeout: 60_000 });
  await Promise.all(Array.from({ length: 4 * P }, (_, i) => executor.submit(gcd, i, 12)));
  await Promise.all(Array.from({ length: 4 * P }, (_, i) => piscina.run([i, 12], { name: 'gcd' })));

  // (a) Tiny tasks, one future per task.
  {
    console.log('(a) tiny tasks: gcd(i, 12), one task each');
    const N = 20_000;
    const m = await interleaved(
      {
        piscina: async () => {
          const ps = new Array(N);
          for (let i = 0; i < N; i++) ps[i] = piscina.run([i, 12], { name: 'gcd' });
          await Promise.all(ps);
        },
        submit: async () => {
          const fs = new Array(N);
          for (let i = 0; i < N; i++) fs[i] = executor.submit(gcd, i, 12);
          await Promise.all(fs);
        },
      },
      { runs: 7, warmup: 2 },
    );
    table([
      { contender: 'piscina.run', 'median ms': fmt(m.piscina, 1), 'tasks/s': fmt(perSec(N, m.piscina)) },
      { contender: 'ThreadPoolExecutor.submit', 'median ms': fmt(m.submit, 1), 'tasks/s': fmt(perSec(N, m.submit)) },
    ]);
    report('ThreadPoolExecutor.submit tasks/s vs raw piscina', m.piscina / m.submit, '>=', 1.0);
    console.log();
  }

  // (b) map: chunksize 1000 against chunksize 1.
  {
    console.log('(b) map(gcdPair, 100k pairs): chunksize 1000 vs chunksize 1');
    const M = 100_000;
    const pairs = Array.from({ length: M }, (_, i) => [i, 12]);
    const drain = async (it) => {
      let n = 0;
      for await (const _ of it) n++;
      return n;
    };
    const m = await interleaved(
      {
        chunk1: () => drain(executor.map(gcdPair, pairs)),
        chunk1000: () => drain(executor.map(gcdPair, pairs, { chunksize: 1000 })),
      },
      { runs: 5, warmup: 1 },
    );
    table([
      { contender: 'map chunksize 1', 'median ms': fmt(m.chunk1, 1), 'items/s': fmt(perSec(M, m.chunk1)) },
      { contender: 'map chunksize 1000', 'median ms': fmt(m.chunk1000, 1), 'items/s': fmt(perSec(M, m.chunk1000)) },
    ]);
    report('map chunksize 1000 items/s vs chunksize 1', m.chunk1 / m.chunk1000, '>=', 10);
    console.log();
  }

  // (c) Cold start: construction to first result, a fresh pool each round (teardown not timed).
  {
    console.log('(c) cold start: new pool -> first result');
    const m = await interleavedFirst(
      {
        piscina: async () => {
          const t = performance.now();
          const pool = new Piscina({ filename: echoFile });
          await pool.run(1);
          return [performance.now() - t, () => pool.destroy()];
        },
        executor: async () => {
          const t = performance.now();
          const ex = new ThreadPoolExecutor();
          await ex.submit(identity, 1);
          return [performance.now() - t, () => ex.shutdown()];
        },
      },
      9,
    );
    table([
      { contender: 'new Piscina() + run()', 'median ms to first result': fmt(m.piscina, 1) },
      { contender: 'new ThreadPoolExecutor() + submit()', 'median ms to first result': fmt(m.executor, 1) },
    ]);
    report('cold start: first result vs fresh piscina (ratio)', m.executor / m.piscina, '<=', 1.2);
    console.log();
  }

  // (d) The tutorial's 12 pairs on warm pools, against the best split of the measured pair times.
  {
    console.log(`(d) the tutorial's 12 bruteGcd pairs on ${P} workers`);
    const perJob = twelve.map(([a, b]) => Math.min(...[1, 2, 3, 4, 5].map(() => timeSync(() => js.bruteGcd(a, b)))));
    const bound = optimalMakespan(perJob, P);
    const m = await interleaved(
      {
        serial: () => twelve.map(([a, b]) => js.bruteGcd(a, b)),
        submit: () => Promise.all(twelve.map(([a, b]) => executor.submit(js.bruteGcd, a, b))),
        piscina: () => Promise.all(twelve.map((pair) => piscina.run(pair, { name: 'bruteGcd' }))),
      },
      { runs: 5, warmup: 1 },
    );
    table(
      [
        ['serial JS', m.serial],
        ['ThreadPoolExecutor.submit', m.submit],
        ['piscina.run', m.piscina],
      ].map(([contender, ms]) => ({
        contender,
        'median ms': fmt(ms, 1),
        'vs bound': fmt(ms / bound, 3),
      })),
    );
    console.log(`  makespan bound on ${P} workers: ${fmt(bound, 1)} ms (best split of the best-of-5 pair times)`);
    report(`ThreadPoolExecutor(${P}) 12 pairs / makespan bound`, m.submit / bound, '<=', 1.15);
    console.log();
  }

  // (e) A balanced workload of >= 1 s serial: equal-cost bruteGcd(a, a + 1) calls.
  {
    const probe = 2_000_000;
    const probeMs = median([1, 2, 3].map(() => timeSync(() => js.bruteGcd(probe, probe + 1))));
    const a = Math.round((probe * 60) / probeMs);
    const count = Math.max(4 * P, Math.ceil(1200 / 60 / P) * P);
    const inputs = Array.from({ length: count }, (_, i) => [a + 2 * i, a + 2 * i + 1]);
    console.log(`(e) balanced workload: ${count} x bruteGcd(a, a + 1), a ~ ${fmt(a)} (about 60 ms each)`);
    const m = await interleaved(
      {
        serial: () => inputs.map(([x, y]) => js.bruteGcd(x, y)),
        submit: () => Promise.all(inputs.map(([x, y]) => executor.submit(js.bruteGcd, x, y))),
        piscina: () => Promise.all(inputs.map((pair) => piscina.run(pair, { name: 'bruteGcd' }))),
      },
      { runs: 5, warmup: 0 },
    );
    table(
      [
        ['serial JS', m.serial],
        ['ThreadPoolExecutor.submit', m.submit],
        ['piscina.run', m.piscina],
      ].map(([contender, ms]) => ({ contender, 'median ms': fmt(ms, 1), speedup: `${fmt(m.serial / ms, 2)}x` })),
    );
    report(`ThreadPoolExecutor(${P}) speed-up, balanced >= 1 s`, m.serial / m.submit, '>=', P >= 2 ? 1.85 : 0.95);
    console.log();
  }

  await executor.shutdown();
  await piscina.destroy();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const targets = [];
  await run((label, value, op, target) => check(targets, label, value, op, target));
  const missed = targets.filter((t) => !t.ok).length;
  console.log(missed === 0 ? 'all targets met' : `${missed} target(s) missed`);
}
