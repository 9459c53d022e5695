// Tutorial section 3 (In [16] and In [19]): five threads x 100000 increments of a shared
// counter, started together by a Barrier. Without a lock updates are lost (`value += 1` is a
// read then a write, as in Python); with the counter's lock the count is exact.
//
//   node examples/threading/counter-race.mjs
import { isMainThread } from 'node:worker_threads';
import { Barrier, Thread, Value } from 'nogil/threading';

// The worker, found by `{ module, name }`: this file is imported again inside each thread
// (the main program below only runs on the main thread).
export function worker(sensorIndex, howMany, counter, barrier, locked) {
  const lock = counter.getLock();
  const increment = locked
    ? (offset) => {
        lock.acquireSync();
        try {
          counter.value += offset;
        } finally {
          lock.release();
        }
      }
    : (offset) => {
        counter.value += offset;
      };
  barrier.waitSync();
  for (let i = 0; i < howMany; i++) {
    // Do the sensor readings
    increment(1);
  }
  return sensorIndex;
}

async function run(locked) {
  const workerCount = 5;
  const howMany = 100000;
  const counter = new Value('i', 0);
  const barrier = new Barrier(workerCount);
  const threads = [];
  for (let i = 0; i < workerCount; i++) {
    const thread = new Thread({
      target: { module: import.meta.url, name: 'worker' },
      args: [i, howMany, counter, barrier, locked],
    });
    thread.start();
    threads.push(thread);
  }
  for (const thread of threads) await thread.join();
  return counter.value;
}

if (isMainThread) {
  console.log(await run(false));
  console.log(await run(true));
}
