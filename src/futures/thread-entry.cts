// piscina's `filename` for ThreadPoolExecutor: a CommonJS file that requires the worker,
// bundled into one CommonJS file at build time (thread-worker.cjs, see scripts/bundle-worker.mjs:
// no ES module loader on a fresh worker's way to its first result).
//
// Never let piscina require an ES module: on Node versions with require(esm), a worker
// terminated while require() loads an ES module aborts the whole process (V8 "ToLocalChecked
// Empty MaybeLocal" in CreateRequiredModuleFacade). thread-worker.cjs is CommonJS, and the ES
// modules it needs later are loaded with import(), the ordinary, interruptible loader.
import type { BatchDone, BatchTask } from './thread-protocol.js';

type RunBatch = (batch: BatchTask) => Promise<BatchDone>;

// A worker file that fails to load must not fail the load of this file (piscina then never
// runs the task, and it would wait forever), nor reject the batch (the executor would take it
// for a batch that never reached a worker, and post it again, forever): each batch answers
// with the error instead, and the executor breaks the pool (BatchDone.load).
function load(): RunBatch {
  try {
    const run = (require('./thread-worker.cjs') as { default?: unknown }).default;
    if (typeof run !== 'function') throw new TypeError('thread-worker.cjs exports no batch runner');
    return run as RunBatch;
  } catch (error) {
    // As plain data: anything thrown (undefined, an uncloneable value) reaches the executor.
    const e = error instanceof Error ? error : undefined;
    const load = { name: e?.name ?? 'Error', message: e ? e.message : String(error), stack: e?.stack };
    return () => Promise.resolve({ ms: 0, sent: 0, calls: 0, load });
  }
}

export = load();
