#!/usr/bin/env node
// Soak test of nogil/futures (issue 7), run by .ci/run as its own step (it takes over a minute,
// so it is not part of `npm test`):
//   1. 100k tasks through each executor, in rounds: after five warm-up rounds (the JIT and the
//      heap settle in the first ones), RSS, the JS heap and open fds stay within ±10% of their
//      level then;
//   2. 200 worker crashes in a row (process.exit in a task) on the thread and process pools:
//      every crash fails only its own future, the next task still works, and afterwards no child
//      process or extra thread is left behind.
// Prints one line per check and exits 1 if any failed.
import { readdirSync, readFileSync } from 'node:fs';
import { NativePoolExecutor, ProcessPoolExecutor, ThreadPoolExecutor } from 'nogil/futures';

const TASKS = Number(process.env.SOAK_TASKS ?? 100_000);
const ROUNDS = 5;
const CRASHES = Number(process.env.SOAK_CRASHES ?? 200);
let failures = 0;

function report(ok, line) {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${line}`);
}

const fds = () => readdirSync('/proc/self/fd').length;
const threads = () => readdirSync('/proc/self/task').length;
function children() {
  // Direct children of this process, from /proc (no `ps` needed).
  const kids = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) kids.push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

// Within `tolerance` of `base`, or of `floor` (absolute) for small bases: a 10 MiB heap moves by
// 2 MiB between two gc() calls with nothing leaking.
const within = (value, base, tolerance = 0.1, floor = 2) => Math.abs(value - base) <= Math.max(base * tolerance, floor);

async function soak(name, make, fn, items) {
  const executor = make();
  const per = Math.ceil(TASKS / ROUNDS);
  let base;
  let ok = true;
  let count = 0;
  const WARMUP = 5;
  for (let round = 1 - WARMUP; round <= ROUNDS; round++) {
    const futures = [];
    for (let i = 0; i < per; i++) futures.push(executor.submit(fn, ...items(i)));
    for (const f of futures) {
      await f;
      count++;
    }
    globalThis.gc?.();
    const mem = process.memoryUsage();
    const now = { rss: mem.rss, heap: mem.heapUsed + mem.external, fds: fds() };
    if (round === 0) base = now;
    // RSS, the JS heap (after gc; 4 MiB of gc noise allowed on a small heap) and the fds must
    // stay within 10%.
    else if (
      round > 0 &&
      (!within(now.heap, base.heap, 0.1, 4 * 2 ** 20) || !within(now.rss, base.rss, 0.1) || !within(now.fds, base.fds))
    ) {
      ok = false;
    }
    console.log(
      `      ${name} round ${round}: rss ${(now.rss / 2 ** 20).toFixed(1)} MiB, heap ${(now.heap / 2 ** 20).toFixed(1)} MiB, fds ${now.fds}`,
    );
  }
  await executor.shutdown();
  report(ok, `${name}: ${count - WARMUP * per} tasks after warm-up: RSS, heap and fds within 10% of the warm-up level`);
}

async function crashes(name, make) {
  const threadsBefore = threads();
  const executor = make();
  let contained = 0;
  for (let i = 0; i < CRASHES; i++) {
    const crash = executor.submit(() => process.exit(3));
    try {
      await crash;
    } catch (error) {
      if (/^Broken(Thread|Process)Pool$/.test(error?.name)) contained++;
    }
  }
  const after = await executor.submit((x) => x * 2, 21);
  await executor.shutdown();
  const leftChildren = children();
  report(
    contained === CRASHES && after === 42,
    `${name}: ${contained}/${CRASHES} crashes failed only their own future, the pool still answers (${after})`,
  );
  report(leftChildren.length === 0, `${name}: no child process left after shutdown (${leftChildren.length})`);
  // Worker threads are gone once their exit was processed; allow the process's own helpers.
  await new Promise((r) => setTimeout(r, 200));
  report(threads() <= threadsBefore + 1, `${name}: no thread left behind (${threadsBefore} -> ${threads()})`);
}

const add = (a, b) => a + b;
const pair = (i) => [i, 1];
await soak('ThreadPoolExecutor', () => new ThreadPoolExecutor({ maxWorkers: 2 }), add, pair);
await soak('ProcessPoolExecutor', () => new ProcessPoolExecutor({ maxWorkers: 2 }), add, pair);
await soak('NativePoolExecutor', () => new NativePoolExecutor({ maxWorkers: 2 }), 'gcd', pair);
await crashes('ThreadPoolExecutor', () => new ThreadPoolExecutor({ maxWorkers: 2 }));
await crashes('ProcessPoolExecutor', () => new ProcessPoolExecutor({ maxWorkers: 2 }));

console.log(failures === 0 ? 'soak: all checks passed' : `soak: ${failures} check(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
