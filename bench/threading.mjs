// Benchmarks for nogil/threading and nogil/queue (see BENCHMARKS.md, "threading and queue").
//
//   npm run build:ts && npm run bench:threading            (add --quick for a smoke run)
//
// 1. Uncontended Lock acquire/release pairs per second inside a worker: acquireSync/release,
//    `await acquire()`/release, and async-mutex's `await acquire()`/release() on one thread.
// 2. Small items per second between two workers: nogil Queue (put/get, blocking twins) against
//    MessageChannel postMessage, both as a one-way stream and as a ping-pong.
// 3. Start-up: Thread.start() to the target running (cold, and from the warm pool) against a bare
//    `new Worker` and piscina; the tutorial's five threads blocked 100 ms (fresh process, and
//    with the pool warm).
// 4. A worker streaming small items to `for await` on the main thread: nogil Queue against a
//    postMessage stream to the main thread.
// Every figure is the median of several repetitions, each measured inside the workers.

import { execFile } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isMainThread, MessageChannel, Worker, workerData } from 'node:worker_threads';
import { Queue } from 'nogil/queue';
import { Barrier, Lock, Thread } from 'nogil/threading';

const quick = process.argv.includes('--quick');
const REPS = quick ? 3 : 7;
const LOCK_PAIRS = quick ? 1_000_000 : 5_000_000;
const ASYNC_PAIRS = quick ? 300_000 : 1_000_000;
const ITEMS = quick ? 100_000 : 500_000;
const PINGS = quick ? 20_000 : 100_000;

const now = () => performance.timeOrigin + performance.now(); // comparable across threads
const STARTS = quick ? 5 : 15;
const STREAM = quick ? 100_000 : 300_000;

// ---------------------------------------------------------------- worker-side bodies (targets)

export function lockSync(n) {
  const lock = new Lock();
  for (let i = 0; i < 100_000; i++) {
    lock.acquireSync();
    lock.release();
  }
  const t0 = now();
  for (let i = 0; i < n; i++) {
    lock.acquireSync();
    lock.release();
  }
  return n / ((now() - t0) / 1000);
}

export async function lockAsync(n) {
  const lock = new Lock();
  for (let i = 0; i < 100_000; i++) {
    await lock.acquire();
    lock.release();
  }
  const t0 = now();
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    lock.release();
  }
  return n / ((now() - t0) / 1000);
}

export async function asyncMutex(n) {
  const { Mutex } = await import('async-mutex');
  const mutex = new Mutex();
  for (let i = 0; i < 100_000; i++) (await mutex.acquire())();
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const release = await mutex.acquire();
    release();
  }
  return n / ((now() - t0) / 1000);
}

export function queueProducer(queue, start, n, kind) {
  start.waitSync();
  if (kind === 'number') for (let i = 0; i < n; i++) queue.putSync(i);
  else for (let i = 0; i < n; i++) queue.putSync({ id: i, name: 'item' });
}

export function queueConsumer(queue, start, n) {
  start.waitSync();
  const t0 = now();
  for (let i = 0; i < n; i++) queue.getSync();
  return n / ((now() - t0) / 1000);
}

export function queuePing(ping, pong, start, n) {
  start.waitSync();
  const t0 = now();
  for (let i = 0; i < n; i++) {
    ping.putSync(i);
    pong.getSync();
  }
  return n / ((now() - t0) / 1000);
}

export function queuePong(ping, pong, start, n) {
  start.waitSync();
  for (let i = 0; i < n; i++) pong.putSync(ping.getSync());
}

export function streamProducer(queue, n) {
  for (let i = 0; i < n; i++) queue.putSync(i);
  queue.shutdown();
}

// Raw worker_threads roles for the MessageChannel baselines (ports must be transferred).
function channelRole({ role, port, n, kind, flag }) {
  const go = new Int32Array(flag);
  Atomics.add(go, 1, 1);
  Atomics.wait(go, 0, 0); // start together
  const t0 = now();
  if (role === 'stream-send') {
    for (let i = 0; i < n; i++) port.postMessage(kind === 'number' ? i : { id: i, name: 'item' });
    port.close();
  } else if (role === 'stream-recv') {
    let got = 0;
    port.on('message', () => {
      if (++got === n) {
        process.parentPort?.postMessage?.(0);
        workerPort.postMessage(n / ((now() - t0) / 1000));
        port.close();
      }
    });
  } else if (role === 'ping') {
    let i = 0;
    port.on('message', () => {
      if (++i === n) {
        workerPort.postMessage(n / ((now() - t0) / 1000));
        port.close();
      } else port.postMessage(i);
    });
    port.postMessage(0);
  } else if (role === 'pong') {
    let i = 0;
    port.on('message', (m) => {
      port.postMessage(m);
      if (++i === n) port.close();
    });
  }
}
let workerPort;

// ---------------------------------------------------------------- main-thread driver

async function inThread(name, ...args) {
  const t = new Thread({ target: { module: import.meta.url, name }, args });
  t.start();
  await t.join();
  if (t.error) throw t.error;
  return t.result;
}

async function queuePair(kind, n) {
  const queue = new Queue(1024);
  const start = new Barrier(2);
  const producer = new Thread({
    target: { module: import.meta.url, name: 'queueProducer' },
    args: [queue, start, n, kind],
  });
  const consumer = new Thread({ target: { module: import.meta.url, name: 'queueConsumer' }, args: [queue, start, n] });
  producer.start();
  consumer.start();
  await Promise.all([producer.join(), consumer.join()]);
  if (producer.error || consumer.error) throw producer.error ?? consumer.error;
  return consumer.result;
}

async function queuePingPong(n) {
  const ping = new Queue(1);
  const pong = new Queue(1);
  const start = new Barrier(2);
  const a = new Thread({ target: { module: import.meta.url, name: 'queuePing' }, args: [ping, pong, start, n] });
  const b = new Thread({ target: { module: import.meta.url, name: 'queuePong' }, args: [ping, pong, start, n] });
  a.start();
  b.start();
  await Promise.all([a.join(), b.join()]);
  if (a.error || b.error) throw a.error ?? b.error;
  return a.result;
}

async function channelPair(roles, n, kind = 'number') {
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(8);
  const go = new Int32Array(flag);
  const results = [];
  const workers = roles.map((role, i) => {
    const port = i === 0 ? port1 : port2;
    const w = new Worker(new URL(import.meta.url), {
      workerData: { bench: { role, port, n, kind, flag } },
      transferList: [port],
    });
    results.push(new Promise((resolve) => w.on('message', resolve)));
    return w;
  });
  while (Atomics.load(go, 1) < roles.length) await new Promise((r) => setTimeout(r, 1));
  Atomics.store(go, 0, 1);
  Atomics.notify(go, 0);
  const rate = await Promise.race(results);
  await Promise.all(workers.map((w) => w.terminate()));
  return rate;
}

// ---------------------------------------------------------------- start-up (section 3)

const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const stampTarget = (cell) => {
  cell[0] = performance.timeOrigin + performance.now();
};

// ms from `start()` to the target running, for one Thread (gap: time for the pool to refill).
async function threadStart(gap) {
  const cell = new Float64Array(new SharedArrayBuffer(8));
  const t = new Thread({ target: stampTarget, args: [cell] });
  const t0 = now();
  t.start();
  await t.join();
  if (gap) await sleepMs(gap);
  return cell[0] - t0;
}

async function bareWorkerStart() {
  const cell = new Float64Array(new SharedArrayBuffer(8));
  const t0 = now();
  const w = new Worker(
    "const { workerData: c } = require('node:worker_threads'); c[0] = performance.timeOrigin + performance.now();",
    { eval: true, workerData: cell },
  );
  await new Promise((resolve) => w.once('exit', resolve));
  return cell[0] - t0;
}

async function msMedian(label, fn, reps = STARTS) {
  const samples = [];
  for (let i = 0; i < reps; i++) samples.push(await fn());
  samples.sort((a, b) => a - b);
  const mid = samples[samples.length >> 1];
  process.stdout.write(
    `  ${label.padEnd(58)} ${mid.toFixed(2).padStart(8)} ms  (min ${samples[0].toFixed(2)}, max ${samples.at(-1).toFixed(2)})\n`,
  );
  return mid;
}

// The tutorial's five threads blocked 100 ms each, in this process (seconds).
async function fiveThreads() {
  const start = performance.now();
  const threads = [];
  for (let i = 0; i < 5; i++) {
    const thread = new Thread({ target: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100) });
    thread.start();
    threads.push(thread);
  }
  for (const thread of threads) await thread.join();
  return performance.now() - start;
}

// The same, as `node examples/threading/blocking-io.mjs` in a fresh process (ms, as it prints).
async function fiveThreadsFresh() {
  const example = fileURLToPath(new URL('../examples/threading/blocking-io.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [example]);
  return Number(/Time consuming(\d+\.\d+)/.exec(stdout)[1]) * 1000;
}

async function startup() {
  const { Piscina } = await import('piscina');
  const stampFile = new URL('./workers/stamp.mjs', import.meta.url).href;
  console.log('\nStart-up: start() to the target running, ms (lower is better):');
  // Cold first, before this process has a warm pool.
  process.env.NOGIL_WARM_THREADS = '0';
  const cold = await msMedian('nogil Thread, cold (NOGIL_WARM_THREADS=0)', () => threadStart(0));
  delete process.env.NOGIL_WARM_THREADS;
  const bare = await msMedian('bare new Worker (eval)', bareWorkerStart);
  const piscinaCold = await msMedian('piscina: new Piscina + first run()', async () => {
    const pool = new Piscina({ filename: stampFile, minThreads: 1, maxThreads: 1 });
    const t0 = now();
    const started = await pool.run(null);
    await pool.destroy();
    return started - t0;
  });
  new Thread({ target: () => {} }); // boots the warm pool
  await sleepMs(1_000);
  const warm = await msMedian('nogil Thread, warm pool', () => threadStart(250));
  const pool = new Piscina({ filename: stampFile, minThreads: 1, maxThreads: 1, idleTimeout: 60_000 });
  await pool.run(null);
  const piscinaWarm = await msMedian('piscina run(), warm pool', async () => {
    const t0 = now();
    return (await pool.run(null)) - t0;
  });
  await pool.destroy();

  console.log("\nThe tutorial's five threads blocked 100 ms, ms until all joined:");
  const fresh = await msMedian(
    'node examples/threading/blocking-io.mjs (fresh process)',
    fiveThreadsFresh,
    quick ? 3 : 7,
  );
  await fiveThreads(); // the pool learns the burst of 5
  await sleepMs(1_000);
  const five = await msMedian(
    'five threads, warm pool (in a running process)',
    async () => {
      const ms = await fiveThreads();
      await sleepMs(400);
      return ms;
    },
    quick ? 3 : 7,
  );
  return { cold, bare, piscinaCold, warm, piscinaWarm, fresh, five };
}

// ---------------------------------------------------------------- streaming to main (section 4)

async function streamQueue(n) {
  const queue = new Queue(1024);
  const t = new Thread({ target: { module: import.meta.url, name: 'streamProducer' }, args: [queue, n] });
  t.start();
  let got = 0;
  let t0 = 0;
  for await (const _ of queue) {
    if (got++ === 0) t0 = now();
  }
  const rate = (got - 1) / ((now() - t0) / 1000);
  await t.join();
  if (t.error) throw t.error;
  return rate;
}

async function streamPostMessage(n) {
  const w = new Worker(
    `const { parentPort } = require('node:worker_threads');
     for (let i = 0; i < ${n}; i++) parentPort.postMessage(i);
     parentPort.postMessage('end');`,
    { eval: true },
  );
  let got = 0;
  let t0 = 0;
  const ms = await new Promise((resolve) =>
    w.on('message', (m) => {
      if (m === 'end') resolve(now() - t0);
      else if (got++ === 0) t0 = now();
    }),
  );
  await w.terminate();
  return (got - 1) / (ms / 1000);
}

async function median(label, fn) {
  const samples = [];
  for (let i = 0; i < REPS; i++) samples.push(await fn());
  samples.sort((a, b) => a - b);
  const mid = samples[samples.length >> 1];
  process.stdout.write(
    `  ${label.padEnd(46)} ${fmt(mid).padStart(9)}/s  (min ${fmt(samples[0])}, max ${fmt(samples.at(-1))})\n`,
  );
  return mid;
}

function fmt(rate) {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(0)}k`;
  return rate.toFixed(0);
}

async function main() {
  console.log(
    `nogil threading/queue benchmark — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, median of ${REPS}`,
  );
  // First, while this process has no warm pool yet (the cold start-up figures need that).
  const s = await startup();

  console.log('\nUncontended Lock, pairs per second (in one worker):');
  const sync = await median('nogil Lock acquireSync()/release()', () => inThread('lockSync', LOCK_PAIRS));
  const asyncRate = await median('nogil Lock await acquire()/release()', () => inThread('lockAsync', ASYNC_PAIRS));
  const mutex = await median('async-mutex Mutex await acquire()/release()', () => inThread('asyncMutex', ASYNC_PAIRS));

  console.log('\nSmall items between two workers, items per second:');
  const qNum = await median('nogil Queue(1024) putSync/getSync (numbers)', () => queuePair('number', ITEMS));
  const qObj = await median('nogil Queue(1024) putSync/getSync ({id, name})', () => queuePair('object', ITEMS));
  const chNum = await median('MessageChannel postMessage stream (numbers)', () =>
    channelPair(['stream-send', 'stream-recv'], ITEMS),
  );
  const chObj = await median('MessageChannel postMessage stream ({id, name})', () =>
    channelPair(['stream-send', 'stream-recv'], ITEMS, 'object'),
  );
  const qPing = await median('nogil Queue(1) ping-pong (round trips)', () => queuePingPong(PINGS));
  const chPing = await median('MessageChannel ping-pong (round trips)', () => channelPair(['ping', 'pong'], PINGS));

  console.log('\nA worker streaming numbers to `for await` on the main thread, items per second:');
  const stream = { queue: [], post: [] };
  for (let i = 0; i < REPS; i++) {
    // Alternating, so that background load hits both alike.
    stream.queue.push(await streamQueue(STREAM));
    stream.post.push(await streamPostMessage(STREAM));
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const sq = mid(stream.queue);
  const sp = mid(stream.post);
  const row = (label, xs) =>
    console.log(
      `  ${label.padEnd(46)} ${fmt(mid(xs)).padStart(9)}/s  (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))})`,
    );
  row('nogil Queue(1024): putSync -> for await', stream.queue);
  row('postMessage -> parentPort "message"', stream.post);

  console.log('\nRatios and targets:');
  const line = (label, value, target) => console.log(`  ${label.padEnd(58)} ${value.padStart(9)}   ${target}`);
  line('Lock acquireSync/release pairs/s', fmt(sync), `target >= 10M: ${sync >= 10e6 ? 'met' : 'MISSED'}`);
  line('Lock async acquire/release pairs/s', fmt(asyncRate), `target >= 1M: ${asyncRate >= 1e6 ? 'met' : 'MISSED'}`);
  line('Lock async vs async-mutex', `${(asyncRate / mutex).toFixed(2)}x`, '');
  line(
    'Queue numbers vs MessageChannel ping-pong items',
    `${(qNum / chPing).toFixed(2)}x`,
    `target >= 2x: ${qNum / chPing >= 2 ? 'met' : 'MISSED'}`,
  );
  line('Queue numbers vs MessageChannel stream', `${(qNum / chNum).toFixed(2)}x`, '');
  line('Queue objects vs MessageChannel stream', `${(qObj / chObj).toFixed(2)}x`, '');
  line('Queue ping-pong vs MessageChannel ping-pong', `${(qPing / chPing).toFixed(2)}x`, '');
  line(
    'Thread.start() to target, warm pool (ms)',
    s.warm.toFixed(2),
    `target <= 2 ms: ${s.warm <= 2 ? 'met' : 'MISSED'}`,
  );
  line(
    '  cold Thread / bare Worker / piscina warm (ms)',
    `${s.cold.toFixed(1)} / ${s.bare.toFixed(1)} / ${s.piscinaWarm.toFixed(2)}`,
    '',
  );
  line(
    'five threads blocked 100 ms, warm pool (ms)',
    s.five.toFixed(0),
    `target <= 150 ms: ${s.five <= 150 ? 'met' : 'MISSED'}`,
  );
  line('five threads blocked 100 ms, fresh process (ms)', s.fresh.toFixed(0), '(pool still booting: no target)');
  line(
    'Queue -> for await vs postMessage stream',
    `${(sq / sp).toFixed(2)}x`,
    `target >= 2x: ${sq / sp >= 2 ? 'met' : 'MISSED'}`,
  );
}

if (isMainThread) {
  await main();
} else if (workerData?.bench) {
  const { parentPort } = await import('node:worker_threads');
  workerPort = parentPort;
  channelRole(workerData.bench);
}
