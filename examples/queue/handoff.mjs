// Tutorial section 4 (In [33] and In [36]): handing items from a producer (the main thread) to a
// consumer thread through a Queue. With Queue(1) the second put() waits until the consumer has
// taken the first item.
//
// Lines are printed with a synchronous write so that lines of both threads reach stdout in the
// order they happen; the two Events below only pin down the order of *printed lines* where
// Python's output relies on scheduling luck. The hand-off itself is all Queue.
//
//   node examples/queue/handoff.mjs
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { Queue } from 'nogil/queue';
import { Event, Thread } from 'nogil/threading';

const print = (line) => writeSync(1, `${line}\n`);

export function consumer(queue, waiting) {
  print('Consumer waiting');
  waiting.set();
  queue.getSync();
  print('Consumer done');
}

export function slowConsumer(queue, gotOne, putTwo) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500); // time.sleep(0.5)
  queue.getSync();
  print('Consumer got 1');
  gotOne.set();
  queue.getSync();
  putTwo.waitSync();
  print('Consumer got 2');
}

async function handOff() {
  const queue = new Queue();
  const waiting = new Event();
  const thread = new Thread({ target: { module: import.meta.url, name: 'consumer' }, args: [queue, waiting] });
  thread.start();
  await waiting.wait();
  print('Producer putting');
  await queue.put({});
  await thread.join();
  print('Producer done');
}

async function boundedHandOff() {
  const queue = new Queue(1);
  const gotOne = new Event();
  const putTwo = new Event();
  const thread = new Thread({
    target: { module: import.meta.url, name: 'slowConsumer' },
    args: [queue, gotOne, putTwo],
  });
  thread.start();
  print('Producer putting');
  await queue.put({});
  print('Producer put 1');
  await queue.put({}); // waits: the queue holds one item until the consumer takes it
  await gotOne.wait();
  print('Producer put 2');
  putTwo.set();
  await thread.join();
  print('Producer done');
}

if (isMainThread) {
  await handOff();
  print('');
  await boundedHandOff();
}
