// piscina's `filename` for ThreadPoolExecutor: a CommonJS shim that loads the ESM worker
// (thread-worker.ts) with import(). piscina first tries require(filename); on Node versions with
// require(esm), a worker terminated while require() loads an ES module aborts the whole process
// (V8 "ToLocalChecked Empty MaybeLocal" in CreateRequiredModuleFacade), so never let piscina
// require an ES module. import() is the ordinary, interruptible loader.
import type { BatchDone, BatchTask } from './thread-protocol.js';

type RunBatch = (batch: BatchTask) => Promise<BatchDone>;
// Loading starts at once, while piscina finishes booting the worker.
const worker: Promise<RunBatch> = import('./thread-worker.js').then((m: { default: RunBatch }) => m.default);
// Until the first batch awaits it, a failed load is not an unhandled rejection.
worker.catch(() => {});

function runBatch(batch: BatchTask): Promise<BatchDone> {
  return worker.then((run) => run(batch));
}

export = runBatch;
