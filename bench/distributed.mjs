// nogil/distributed benchmark: RedisExecutor with 1 and 2 `nogil worker` processes side by side
// with the local executors, in one run, on a redis-server started here on loopback:
//   (a) tiny tasks (submit, all in flight): throughput;
//   (b) the per-task overhead of the Redis round trip (one task at a time);
//   (c) the balanced gcd workload (>= 1 s serial), map with chunksize 1000.
// Target (issue 11): (c) through RedisExecutor >= 0.8x the local ProcessPoolExecutor with the
// same number of workers. Each worker process serves one task at a time (--concurrency 1) on
// the threads backend, so "2 workers" means two threads in both columns.
//
//   npm run bench:distributed            (needs redis-server on PATH)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisExecutor } from 'nogil/distributed';
import { ProcessPoolExecutor, ThreadPoolExecutor } from 'nogil/futures';
import { js } from 'nogil/native';
import { check, fmt, interleaved, machine, median, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tasks = join(root, 'bench', 'workers', 'distributed-tasks.mjs');
const echo = { module: tasks, name: 'echo' };
const gcdTask = { module: tasks, name: 'bruteGcd' };
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TINY = 2000;
const SEQUENTIAL = 200;
// (c): 8000 pairs of about 0.15 ms each, balanced (a, a + 1 are coprime: the loop runs to 1).
const PAIRS = Array.from({ length: 8000 }, (_, i) => [30_000 + (i % 7), 30_001 + (i % 7)]);
const CHUNK = 1000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitFor(child, text, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      if (out.includes(text)) resolve();
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}):\n${out}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'nogil-bench-redis-'));
const port = await freePort();
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
await waitFor(redis, 'Ready to accept connections', 'redis-server');
const url = `redis://127.0.0.1:${port}`;

const workers = [];
async function startWorkers(queue, n) {
  for (let i = 0; i < n; i++) {
    const w = spawn(
      process.execPath,
      [join(root, 'dist', 'cli', 'main.js'), 'worker', '--redis', url, '--queue', queue].concat([
        '--concurrency',
        '1',
        '--allow-module',
        join(root, 'bench', 'workers'),
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'], cwd: root },
    );
    workers.push(w);
    await waitFor(w, 'serving queue', 'nogil worker');
  }
}
await startWorkers('w1', 1);
await startWorkers('w2', 2);

const redis1 = new RedisExecutor({ connection: url, queue: 'w1' });
const redis2 = new RedisExecutor({ connection: url, queue: 'w2' });
const proc1 = new ProcessPoolExecutor({ maxWorkers: 1 });
const proc2 = new ProcessPoolExecutor({ maxWorkers: 2 });
const thread2 = new ThreadPoolExecutor({ maxWorkers: 2 });
const all = { redis1, redis2, proc1, proc2, thread2 };
// Warm every executor: workers started, module imported.
for (const ex of Object.values(all)) await Promise.all(Array.from({ length: 4 }, (_, i) => ex.submit(echo, i)));

console.log(`nogil/distributed benchmark: ${machine()}, redis-server on loopback, ${RUNS} rounds`);
const targets = [];

// (a) tiny tasks, all in flight.
const burst = (ex) => () => Promise.all(Array.from({ length: TINY }, (_, i) => ex.submit(echo, i)));
const a = await interleaved(
  {
    'ThreadPoolExecutor (2 threads)': burst(thread2),
    'ProcessPoolExecutor (2 processes)': burst(proc2),
    'RedisExecutor, 1 worker process': burst(redis1),
    'RedisExecutor, 2 worker processes': burst(redis2),
  },
  { runs: RUNS },
);
console.log(`\n(a) tiny tasks: ${fmt(TINY)} submits of echo(i), all in flight`);
table(
  Object.entries(a).map(([backend, ms]) => ({ backend, 'median ms': fmt(ms, 1), 'tasks/s': fmt((TINY / ms) * 1000) })),
);

// (b) one task at a time: the round trip.
const oneByOne = (ex) => async () => {
  for (let i = 0; i < SEQUENTIAL; i++) await ex.submit(echo, i);
};
const b = await interleaved(
  { 'ProcessPoolExecutor (1 process)': oneByOne(proc1), 'RedisExecutor, 1 worker process': oneByOne(redis1) },
  { runs: RUNS },
);
console.log(`\n(b) round trip: ${SEQUENTIAL} tasks one after the other`);
table(Object.entries(b).map(([backend, ms]) => ({ backend, 'ms per task': fmt(ms / SEQUENTIAL, 3) })));
const overhead = (b['RedisExecutor, 1 worker process'] - b['ProcessPoolExecutor (1 process)']) / SEQUENTIAL;
console.log(`  Redis round trip overhead per task: ${fmt(overhead, 3)} ms`);

// (c) the balanced gcd workload through map(chunksize 1000).
const serialMs = median(
  await (async () => {
    const ts = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      for (const [x, y] of PAIRS) js.bruteGcd(x, y);
      ts.push(performance.now() - t);
    }
    return ts;
  })(),
);
const mapAll = (ex) => async () => {
  let n = 0;
  for await (const g of ex.map(gcdTask, PAIRS, { chunksize: CHUNK })) if (g === 1) n++;
  if (n !== PAIRS.length) throw new Error(`wrong results: ${n}`);
};
const c = await interleaved(
  {
    'ProcessPoolExecutor (1 process)': mapAll(proc1),
    'RedisExecutor, 1 worker process': mapAll(redis1),
    'ProcessPoolExecutor (2 processes)': mapAll(proc2),
    'RedisExecutor, 2 worker processes': mapAll(redis2),
  },
  { runs: RUNS },
);
console.log(
  `\n(c) balanced gcd: ${fmt(PAIRS.length)} x bruteGcd(a, a + 1), serial ${fmt(serialMs, 0)} ms, map chunksize ${CHUNK}`,
);
table(
  Object.entries(c).map(([backend, ms]) => ({
    backend,
    workers: backend.includes('2') ? 2 : 1,
    'median ms': fmt(ms, 1),
    'vs serial': `${fmt(serialMs / ms, 2)}x`,
  })),
);
const ratio1 = c['ProcessPoolExecutor (1 process)'] / c['RedisExecutor, 1 worker process'];
const ratio2 = c['ProcessPoolExecutor (2 processes)'] / c['RedisExecutor, 2 worker processes'];
check(targets, 'RedisExecutor / ProcessPoolExecutor, 1 worker (throughput)', ratio1, '>=', 0.8);
check(targets, 'RedisExecutor / ProcessPoolExecutor, 2 workers (throughput)', ratio2, '>=', 0.8);

await Promise.all(Object.values(all).map((ex) => ex.shutdown()));
for (const w of workers) w.kill('SIGTERM');
await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once('exit', r) : r()))));
redis.kill('SIGTERM');
await new Promise((r) => redis.once('exit', r));
rmSync(dir, { recursive: true, force: true });
process.exitCode = targets.every((t) => t.ok) ? 0 : 1;
