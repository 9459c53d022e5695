// Benchmarks for nogil/threading and nogil/queue (see BENCHMARKS.md, "threading and queue").
//
//   npm run build:ts && npm run bench:threading            (add --quick for a smoke run)
//
// 1. Uncontended Lock acquire/release pairs per second inside a worker: acquireSync/release,
//    `await acquire()`/release, and async-mutex's `await acquire()`/release() on one thread.
// 2. Small items per second between two workers: nogil Queue (put/get, blocking twins) against
//    MessageChannel postMessage, both as a one-way stream and as a ping-pong.
// Every figure is the median of several repetitions, each measured inside the workers.

import os from 'node:os';
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
}

if (isMainThread) {
  await main();
} else if (workerData?.bench) {
  const { parentPort } = await import('node:worker_threads');
  workerPort = parentPort;
  channelRole(workerData.bench);
}
