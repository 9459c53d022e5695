// ProcessPoolExecutor's section of the futures benchmark (issue 7), contenders interleaved:
//   (a) tiny tasks: submit vs a raw child_process.fork round-robin pool (one message per task
//       each way, no futures), in tasks/s;
//   (b) map(fn, items, { chunksize: 1000 }) vs chunksize 1, in items/s;
//   (c) the tutorial's 12 bruteGcd pairs on 2 warm workers vs the makespan bound;
//   (d) a balanced workload of >= 1 s serial, speed-up over serial JS on 2 workers;
//   plus Python's own ProcessPoolExecutor(2) on the same pairs as a reference row.
//
//   node bench/futures/process.mjs            # this section alone
//   npm run bench:futures                     # every executor (bench/futures.mjs calls run())
import { fork, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { optimalMakespan, TWELVE_PAIRS, timeSync } from '../lib.mjs';

const WORKERS = 2;
const RAW_CHILD_FLAG = '--nogil-bench-raw-child';

// The raw pool's child is this very file, started with a flag.
if (process.argv.includes(RAW_CHILD_FLAG)) {
  process.on('message', ([id, a, b, brute]) => {
    if (brute) {
      const low = Math.min(a, b);
      let g = 1;
      for (let i = low; i > 1; i--) {
        if (a % i === 0 && b % i === 0) {
          g = i;
          break;
        }
      }
      process.send([id, g]);
      return;
    }
    while (b !== 0) [a, b] = [b, a % b];
    process.send([id, a]);
  });
  process.on('disconnect', () => process.exit(0));
}

/** A pool of forked children fed round-robin, one message per task: the baseline. */
class RawForkPool {
  #children;
  #pending = new Map();
  #next = 0;
  constructor(size) {
    this.#children = Array.from({ length: size }, () => {
      const child = fork(fileURLToPath(import.meta.url), [RAW_CHILD_FLAG], { serialization: 'advanced' });
      child.on('message', ([id, value]) => {
        const resolve = this.#pending.get(id);
        this.#pending.delete(id);
        resolve(value);
      });
      return child;
    });
  }
  gcd(a, b, brute = false) {
    return new Promise((resolve) => {
      const id = this.#next++;
      this.#pending.set(id, resolve);
      this.#children[id % this.#children.length].send([id, a, b, brute]);
    });
  }
  close() {
    for (const child of this.#children) child.disconnect();
  }
}

// Task functions, sent to the children by source.
function gcd(a, b) {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
function gcdPair([a, b]) {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
// The tutorial's brute-force gcd (slow on purpose).
function bruteGcd(a, b) {
  const low = Math.min(a, b);
  for (let i = low; i > 1; i--) if (a % i === 0 && b % i === 0) return i;
  return 1;
}
function bruteGcdPair([a, b]) {
  const low = Math.min(a, b);
  for (let i = low; i > 1; i--) if (a % i === 0 && b % i === 0) return i;
  return 1;
}

const twelve = TWELVE_PAIRS;

/** Python's ProcessPoolExecutor(2) on the 12 pairs (warm pool, median of `runs`), or null. */
function pythonReference(runs) {
  const src = `
import json, statistics, time
from concurrent.futures import ProcessPoolExecutor
def gcd(pair):
    a, b = pair
    low = min(a, b)
    for i in range(low, 0, -1):
        if a % i == 0 and b % i == 0:
            return i
    return 1
NUMBERS = ${JSON.stringify(twelve)}
if __name__ == '__main__':
    with ProcessPoolExecutor(max_workers=${WORKERS}) as pool:
        list(pool.map(abs, range(8)))
        times = []
        for _ in range(${runs}):
            t = time.perf_counter()
            list(pool.map(gcd, NUMBERS))
            times.append((time.perf_counter() - t) * 1000)
    print(json.dumps(statistics.median(times)))
`;
  const r = spawnSync('python3', ['-c', src], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return null;
  return Number(r.stdout.trim());
}

// (a) tiny tasks: futures and batching against one message per task each way.
async function tinyTasks({ executor, raw, report, runs, lib: { fmt, interleaved, table } }) {
  const N = 20_000;
  console.log(`(a) tiny tasks: ${fmt(N)} x gcd(i, 12), all submitted at once`);
  const m = await interleaved(
    {
      raw: () => Promise.all(Array.from({ length: N }, (_, i) => raw.gcd(i, 12))),
      submit: () => Promise.all(Array.from({ length: N }, (_, i) => executor.submit(gcd, i, 12))),
    },
    { runs },
  );
  const perSec = (ms) => fmt((N / ms) * 1000);
  table([
    { contender: 'raw fork pool (round-robin)', 'median ms': fmt(m.raw, 1), 'tasks/s': perSec(m.raw) },
    { contender: 'ProcessPoolExecutor.submit', 'median ms': fmt(m.submit, 1), 'tasks/s': perSec(m.submit) },
  ]);
  report('ProcessPoolExecutor.submit tasks/s vs raw fork pool', m.raw / m.submit, '>=', 1.0);
  console.log();
}

// (b) map with chunksize: one round trip per chunk.
async function mapChunks({ executor, report, runs, lib: { fmt, interleaved, table } }) {
  const big = Array.from({ length: 100_000 }, (_, i) => [i, 12]);
  const small = big.slice(0, 20_000);
  console.log('(b) map(gcdPair): 100k items at chunksize 1000 vs 20k items at chunksize 1');
  const drain = async (items, chunksize) => {
    let n = 0;
    for await (const _ of executor.map(gcdPair, items, { chunksize })) n++;
    return n;
  };
  const m = await interleaved({ chunk1000: () => drain(big, 1000), chunk1: () => drain(small, 1) }, { runs });
  const rate1000 = (big.length / m.chunk1000) * 1000;
  const rate1 = (small.length / m.chunk1) * 1000;
  table([
    { map: 'chunksize 1000', items: fmt(big.length), 'median ms': fmt(m.chunk1000, 1), 'items/s': fmt(rate1000) },
    { map: 'chunksize 1', items: fmt(small.length), 'median ms': fmt(m.chunk1, 1), 'items/s': fmt(rate1) },
  ]);
  report('ProcessPoolExecutor.map chunksize 1000 vs 1 (items/s)', rate1000 / rate1, '>=', 10);
  console.log();
}

// The serial, executor and raw-pool contenders of sections (c) and (d), over `inputs` pairs.
function bruteContenders(executor, raw, inputs) {
  return {
    serial: () => inputs.map(([a, b]) => bruteGcd(a, b)),
    map: async () => {
      const out = [];
      for await (const g of executor.map(bruteGcdPair, inputs)) out.push(g);
      return out;
    },
    submit: () => Promise.all(inputs.map(([a, b]) => executor.submit(bruteGcd, a, b))),
    // Static round-robin, no scheduling: shows what the machine's cores give right now.
    raw: () => Promise.all(inputs.map(([a, b]) => raw.gcd(a, b, true))),
  };
}

function bruteTable(m, { fmt, table }, bound, python) {
  const rows = [
    ['serial JS (this process)', 1, m.serial],
    ['ProcessPoolExecutor.map', WORKERS, m.map],
    ['ProcessPoolExecutor.submit', WORKERS, m.submit],
    ['raw fork pool (round-robin)', WORKERS, m.raw],
  ];
  if (python !== null && python !== undefined) rows.push(['Python ProcessPoolExecutor.map', WORKERS, python]);
  table(
    rows.map(([contender, workers, ms]) => ({
      contender,
      workers,
      'median ms': fmt(ms, 1),
      'vs serial': `${fmt(m.serial / ms, 2)}x`,
      ...(bound === undefined ? {} : { 'vs bound': fmt(ms / bound, 3) }),
    })),
  );
}

// (c) the tutorial's 12 pairs on warm children, against the best split of their times.
async function tutorialPairs({ executor, raw, report, runs, python, lib }) {
  console.log("(c) the tutorial's 12 bruteGcd pairs on 2 warm children");
  // The fastest of 5 runs per pair: the bound must not be inflated by noise.
  const perJob = twelve.map(([a, b]) => Math.min(...[1, 2, 3, 4, 5].map(() => timeSync(() => bruteGcd(a, b)))));
  const bound = optimalMakespan(perJob, WORKERS);
  const m = await lib.interleaved(bruteContenders(executor, raw, twelve), { runs });
  bruteTable(m, lib, bound, python ? pythonReference(runs) : null);
  console.log(`  makespan bound on ${WORKERS} workers: ${lib.fmt(bound, 1)} ms (best split of the per-pair times)`);
  report('ProcessPoolExecutor.map / makespan bound (12 pairs)', m.map / bound, '<=', 1.15);
  report('ProcessPoolExecutor.submit / makespan bound (12 pairs)', m.submit / bound, '<=', 1.15);
  console.log();
}

// (d) a balanced workload of >= 1 s serial: equal-cost bruteGcd(a, a + 1) calls.
async function balanced({ executor, raw, report, runs, lib }) {
  const probe = 2_000_000;
  const probeMs = lib.median([1, 2, 3].map(() => timeSync(() => bruteGcd(probe, probe + 1))));
  const a = Math.round((probe * 60) / probeMs); // about 60 ms per call
  const count = Math.max(4 * WORKERS, Math.ceil(1200 / 60 / WORKERS) * WORKERS);
  const inputs = Array.from({ length: count }, (_, i) => [a + 2 * i, a + 2 * i + 1]);
  console.log(`(d) balanced: ${count} x bruteGcd(a, a + 1), a ~ ${lib.fmt(a)} (about 60 ms each)`);
  const m = await lib.interleaved(bruteContenders(executor, raw, inputs), { runs, warmup: 0 });
  bruteTable(m, lib);
  report(`ProcessPoolExecutor.map speed-up on ${WORKERS} children (balanced)`, m.serial / m.map, '>=', 1.85);
  console.log();
}

const SECTIONS = { a: tinyTasks, b: mapChunks, c: tutorialPairs, d: balanced };

/**
 * Runs the section; `report(label, value, op, target)` records one target check (as
 * bench/lib.mjs `check`). `sections` picks some of a-d; `python: false` skips the reference row.
 * @param {(label: string, value: number, op: '>=' | '<=', target: number) => void} report
 */
export async function run(report, { runs = 5, python = true, sections = 'abcd' } = {}) {
  const { ProcessPoolExecutor } = await import('nogil/futures');
  const lib = await import('../lib.mjs');
  const executor = new ProcessPoolExecutor({ maxWorkers: WORKERS });
  const raw = new RawForkPool(WORKERS);
  console.log(`ProcessPoolExecutor (${WORKERS} children) vs a raw fork round-robin pool; median of ${runs} rounds\n`);
  try {
    // Start both pools' children.
    await Promise.all([
      ...Array.from({ length: 4 * WORKERS }, () => executor.submit(gcd, 1, 1)),
      ...Array.from({ length: 4 * WORKERS }, () => raw.gcd(1, 1)),
    ]);
    for (const [key, section] of Object.entries(SECTIONS)) {
      if (sections.includes(key)) await section({ executor, raw, report, runs, python, lib });
    }
  } finally {
    raw.close();
    await executor.shutdown();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && !process.argv.includes(RAW_CHILD_FLAG)) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, sections: { type: 'string' }, 'no-python': { type: 'boolean' } },
  });
  const { check } = await import('../lib.mjs');
  const results = [];
  await run((label, value, op, target) => check(results, label, value, op, target), {
    runs: Number(values.runs ?? 5),
    sections: values.sections ?? 'abcd',
    python: !values['no-python'],
  });
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}
