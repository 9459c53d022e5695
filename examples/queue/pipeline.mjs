// Tutorial section 4 (the ClosableQueue pipeline): download -> resize -> upload, one stoppable
// worker thread per stage, connected by queues. A queue is "closed" with shutdown(): its worker
// finishes the items already queued, then its loop ends. (The notebook's version never starts
// its threads and forwards the input instead of the result; this replays what it meant.)
//
//   node examples/queue/pipeline.mjs
import { isMainThread } from 'node:worker_threads';
import { Queue } from 'nogil/queue';
import { Thread } from 'nogil/threading';

// Simulated stages: each wraps its input so the result shows the path an item took.
const stages = {
  download: (item) => `downloaded(${item})`,
  resize: (item) => `resized(${item})`,
  upload: (item) => `uploaded(${item})`,
};

// A StoppableWorker's run(): iterate the input queue until it is closed and drained, marking
// each item done (iterSync, the blocking twin of `for await`).
export function stoppableWorker(stage, inQueue, outQueue) {
  let count = 0;
  for (const item of inQueue.iterSync()) {
    outQueue.putSync(stages[stage](item));
    count++;
  }
  return count;
}

if (isMainThread) {
  console.log('start');
  const downloadQueue = new Queue(10);
  const resizeQueue = new Queue(10);
  const uploadQueue = new Queue(10);
  const doneQueue = new Queue();
  const threads = [
    ['download', downloadQueue, resizeQueue],
    ['resize', resizeQueue, uploadQueue],
    ['upload', uploadQueue, doneQueue],
  ].map(([stage, inQueue, outQueue]) => {
    const thread = new Thread({
      name: stage,
      target: { module: import.meta.url, name: 'stoppableWorker' },
      args: [stage, inQueue, outQueue],
    });
    thread.start();
    return thread;
  });

  for (let i = 0; i < 25; i++) await downloadQueue.put(`photo-${i}`);
  downloadQueue.shutdown(); // close
  await downloadQueue.join();
  resizeQueue.shutdown();
  await resizeQueue.join();
  uploadQueue.shutdown();
  await uploadQueue.join();

  console.log(doneQueue.qsize(), 'items finished');
  const results = [];
  while (!doneQueue.empty()) results.push(doneQueue.getNowait());
  console.log(results.join('\n'));
  for (const thread of threads) {
    await thread.join();
    console.log(`${thread.name} worker stopped after ${thread.result} items`);
  }
}
