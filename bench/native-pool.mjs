#!/usr/bin/env node
// Native pool benchmark: serial JS, serial native, NativePool and piscina (the worker_threads
// peer), side by side in one run, on (a) the tutorial's 12 gcd pairs, (b) a balanced workload
// of >= 1 s serial, (c) tiny-task throughput; plus addon load time and RSS stability.
//
//   npm run bench:native                 # everything
//   node --expose-gc bench/native-pool.mjs --json out.json
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { bruteGcd, gcd, js, NativePool } from 'nogil/native';
import { Piscina } from 'piscina';
import {
  check,
  fmt,
  interleaved,
  machine,
  median,
  optimalMakespan,
  TWELVE_PAIRS,
  table,
  time,
  timeSync,
} from './lib.mjs';

const { values: opts } = parseArgs({
  options: { json: { type: 'string' }, threads: { type: 'string' }, runs: { type: 'string' } },
});
const P = Number(opts.threads ?? availableParallelism());
const RUNS = Number(opts.runs ?? 5);
const workerFile = new URL('./workers/js-kernels.mjs', import.meta.url);
const results = { machine: machine(), threads: P, sections: {} };
const targets = [];

const twelve = TWELVE_PAIRS;

const pool = new NativePool({ threads: P });
const piscina = new Piscina({ filename: workerFile.href, minThreads: P, maxThreads: P, idleTimeout: 60_000 });
await Promise.all(Array.from({ length: P * 2 }, () => piscina.run({ kernel: 'gcd', args: [1, 1] })));

console.log(`nogil native benchmark: ${results.machine}; pool threads = ${P}; median of ${RUNS} runs\n`);

// (a) The tutorial's 12 pairs. Contenders run in alternating rounds (see lib.mjs).
{
  console.log("(a) the tutorial's 12 bruteGcd pairs");
  // The fastest of 5 runs per pair: the bound must not be inflated by noise.
  const perJob = twelve.map(([a, b]) => Math.min(...[1, 2, 3, 4, 5].map(() => timeSync(() => bruteGcd(a, b)))));
  const bound = optimalMakespan(perJob, P);
  const m = await interleaved(contenders(twelve), { runs: RUNS });
  backendTable(m, bound);
  console.log(
    `  makespan bound on ${P} threads: ${fmt(bound, 1)} ms (best split of the measured per-pair times;` +
      ` largest pair ${fmt(Math.max(...perJob), 1)} ms, sum ${fmt(
        perJob.reduce((s, x) => s + x, 0),
        1,
      )} ms)`,
  );
  check(targets, 'NativePool.map / makespan bound (12 pairs)', m.poolMap / bound, '<=', 1.05);
  results.sections.tutorial = { bound, ...m };
  console.log();
}

/** The five contenders of sections (a) and (b), all computing `bruteGcd` over `inputs`. */
function contenders(inputs) {
  return {
    serialJs: () => inputs.map(([x, y]) => js.bruteGcd(x, y)),
    serialNative: () => inputs.map(([x, y]) => bruteGcd(x, y)),
    poolMap: () => pool.map('bruteGcd', inputs),
    poolSubmit: () => Promise.all(inputs.map(([x, y]) => pool.submit('bruteGcd', x, y))),
    piscina: () => Promise.all(inputs.map((args) => piscina.run({ kernel: 'bruteGcd', args }))),
  };
}

/** Prints the medians `m` of the contenders, against serial native (and a bound, if given). */
function backendTable(m, bound) {
  const rows = [
    ['serial JS', 1, m.serialJs],
    ['serial native', 1, m.serialNative],
    ['NativePool.map', P, m.poolMap],
    ['NativePool.submit', P, m.poolSubmit],
    ['piscina (JS kernel)', P, m.piscina],
  ];
  table(
    rows.map(([backend, workers, ms]) => ({
      backend,
      workers,
      'median ms': fmt(ms, 1),
      'vs serial native': `${fmt(m.serialNative / ms, 2)}x`,
      ...(bound === undefined ? {} : { 'vs bound': fmt(ms / bound, 3) }),
    })),
  );
}

// (b) A balanced workload of at least one second serial: equal-cost bruteGcd(a, a + 1) calls.
{
  const probe = 2_000_000;
  const probeMs = median([1, 2, 3].map(() => timeSync(() => bruteGcd(probe, probe + 1))));
  const a = Math.round((probe * 60) / probeMs); // about 60 ms per call
  const count = Math.max(4 * P, Math.ceil(1200 / 60 / P) * P);
  const inputs = Array.from({ length: count }, (_, i) => [a + 2 * i, a + 2 * i + 1]);
  console.log(`(b) balanced workload: ${count} x bruteGcd(a, a + 1), a ~ ${fmt(a)} (about 60 ms each)`);
  const m = await interleaved(contenders(inputs), { runs: Math.max(RUNS, 7), warmup: 0 });
  backendTable(m);
  check(
    targets,
    `NativePool.map speed-up on ${P} threads (balanced)`,
    m.serialNative / m.poolMap,
    '>=',
    P >= 2 ? 1.95 : 0.95,
  );
  results.sections.balanced = { count, a, ...m };
  console.log();
}

// (c) Tiny tasks: per-task submit, batched map and piscina, in tasks (items) per second.
{
  console.log('(c) tiny tasks: gcd(i, 12)');
  const N = 100_000;
  const submitMs = median(
    await time(
      async () => {
        const ps = new Array(N);
        for (let i = 0; i < N; i++) ps[i] = pool.submit('gcd', i, 12);
        await Promise.all(ps);
      },
      { runs: RUNS, warmup: 2 },
    ),
  );
  const PN = 20_000;
  const piscinaMs = median(
    await time(
      async () => {
        const ps = new Array(PN);
        for (let i = 0; i < PN; i++) ps[i] = piscina.run({ kernel: 'gcd', args: [i, 12] });
        await Promise.all(ps);
      },
      { runs: 3 },
    ),
  );
  const M = 1_000_000;
  const flat = new Uint32Array(2 * M);
  const tuples = new Array(M);
  for (let i = 0; i < M; i++) {
    flat[2 * i] = i;
    flat[2 * i + 1] = 12;
    tuples[i] = [i, 12];
  }
  // In alternating rounds, so background load hits the three alike.
  const big = await interleaved(
    {
      mapFlat: () => pool.map('gcd', flat),
      mapTuples: () => pool.map('gcd', tuples),
      loop: () => {
        const out = new Array(M);
        for (let i = 0; i < M; i++) out[i] = gcd(flat[2 * i], flat[2 * i + 1]);
        return out;
      },
    },
    { runs: Math.max(RUNS, 7) },
  );
  const { mapFlat: mapFlatMs, mapTuples: mapTuplesMs, loop: loopMs } = big;
  const perSec = (n, ms) => (n / ms) * 1000;
  const piscinaRate = perSec(PN, piscinaMs);
  table(
    [
      ['NativePool.submit', N, submitMs],
      ['piscina.run', PN, piscinaMs],
      ['NativePool.map (Uint32Array -> Float64Array)', M, mapFlatMs],
      ['NativePool.map (tuples -> array)', M, mapTuplesMs],
      ['sync loop of native gcd()', M, loopMs],
    ].map(([backend, n, ms]) => ({
      backend,
      tasks: fmt(n),
      'median ms': fmt(ms, 1),
      'tasks/s': fmt(perSec(n, ms)),
      'vs piscina': `${fmt(perSec(n, ms) / piscinaRate, 1)}x`,
    })),
  );
  check(targets, 'submit tasks/s vs piscina', perSec(N, submitMs) / piscinaRate, '>=', 25);
  check(targets, 'map (1M, typed array) items/s vs piscina', perSec(M, mapFlatMs) / piscinaRate, '>=', 150);
  // Issue 10 item 14: typed in gives a Float64Array out (no per-item conversion), tuples in a
  // plain array built by a preallocated loop.
  check(targets, 'map (1M, typed array) vs sync native loop', loopMs / mapFlatMs, '>=', 3);
  check(targets, 'map (1M, tuples) vs sync native loop', loopMs / mapTuplesMs, '>=', 1.5);
  results.sections.tiny = { submitMs, N, piscinaMs, PN, mapFlatMs, mapTuplesMs, loopMs, M };
  console.log();
}

// (d) Addon load time, and a process that only loaded the addon exits at once.
{
  console.log('(d) addon load and process exit');
  const child = (src) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8' });
    return { ms: performance.now() - t, out: r.stdout.trim() };
  };
  const base = median([1, 2, 3, 4, 5].map(() => child('').ms));
  const loads = [1, 2, 3, 4, 5].map(() =>
    child("const m = await import('nogil/native'); m.gcd(1, 2); console.log(m.nativeLoadInfo().loadMs)"),
  );
  const loadMs = median(loads.map((l) => Number(l.out)));
  const wall = median(loads.map((l) => l.ms));
  console.log(`  addon load (require of the .node file, in-process): ${fmt(loadMs, 2)} ms`);
  console.log(
    `  node process that imports nogil/native and calls gcd: ${fmt(wall, 0)} ms vs empty node ${fmt(base, 0)} ms`,
  );
  check(targets, 'addon load ms', loadMs, '<=', 20);
  results.sections.load = { loadMs, wall, base };
  console.log();
}

// (e) RSS across 10 rounds of 100k submits, in a fresh process (so the large arrays of the
// sections above do not blur the figure), after three warm-up rounds.
{
  console.log('(e) RSS across 10 rounds of 100k submits (fresh process, after 3 warm-up rounds)');
  const script = `
    import { NativePool } from 'nogil/native';
    const pool = new NativePool({ threads: ${P} });
    const rss = [];
    for (let round = 0; round < 13; round++) {
      const ps = new Array(100_000);
      for (let i = 0; i < ps.length; i++) ps[i] = pool.submit('gcd', i, 12);
      await Promise.all(ps);
      // Two full collections around a short pause: the figure is the live footprint, not GC timing.
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
      globalThis.gc();
      rss.push(process.memoryUsage().rss / 2 ** 20);
    }
    await pool.close();
    console.log(JSON.stringify(rss));`;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const all = JSON.parse(child.stdout);
  // Three warm-up rounds (JIT, V8 heap sizing, glibc's per-thread arenas of the pool threads)
  // are shown but not judged: RSS rises over them, then stays flat.
  const rss = all.slice(3);
  const mean = rss.reduce((s, x) => s + x, 0) / rss.length;
  const spread = Math.max(...rss.map((x) => Math.abs(x / mean - 1)));
  const list = (xs) => xs.map((x) => fmt(x, 0)).join(', ');
  console.log(`  RSS MiB, 3 warm-up rounds: ${list(all.slice(0, 3))}; 10 measured rounds: ${list(rss)}`);
  check(targets, 'RSS max deviation from the mean over 10 rounds (%)', spread * 100, '<=', 5);
  results.sections.rss = { rss };
  console.log();
}

// (f) Abort latency: a running kernel stops at its next cancellation check, so a one-thread
// pool is free for the next task soon after abort().
{
  console.log('(f) abort of a running task: from abort() until the same single thread has run the next task');
  const one = new NativePool({ threads: 1 });
  const latency = { bruteGcd: [], sleep: [] };
  const work = { bruteGcd: [2 ** 40 + 1, 2 ** 40 + 2], sleep: [60_000] };
  for (let round = 0; round < 10; round++) {
    for (const kernel of Object.keys(work)) {
      const controller = new AbortController();
      const task = one.submitWith({ signal: controller.signal }, kernel, ...work[kernel]).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 20)); // let it start
      const t = performance.now();
      controller.abort();
      await task;
      await one.submit('gcd', 1, 2);
      latency[kernel].push(performance.now() - t);
    }
  }
  await one.close();
  for (const [kernel, ms] of Object.entries(latency)) {
    console.log(`  ${kernel}: median ${fmt(median(ms), 2)} ms, worst ${fmt(Math.max(...ms), 2)} ms over ${ms.length}`);
    check(targets, `abort latency of a running ${kernel} (median ms)`, median(ms), '<=', 10);
  }
  results.sections.abort = latency;
  console.log();
}

await pool.close();
await piscina.destroy();
const missed = targets.filter((t) => !t.ok);
console.log(missed.length === 0 ? 'all targets met' : `targets missed: ${missed.map((t) => t.label).join('; ')}`);
results.targets = targets;
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
