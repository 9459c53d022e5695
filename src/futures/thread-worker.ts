// The piscina worker of ThreadPoolExecutor: runs one batch per piscina task (see
// thread-protocol.ts for the message flow and the slots). Compiled next to thread-pool.js, then
// bundled with what it imports statically into thread-worker.cjs (scripts/bundle-worker.mjs),
// which piscina's `filename`, thread-entry.cjs, requires; its default export runs each batch.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { toWire } from '../internal/errors.js';
import type { TaskRef } from '../internal/task-ref.js';
import { resolveTaskRef } from '../internal/task-resolve.js';
import {
  type BatchDone,
  type BatchOutcomes,
  type BatchTask,
  CHUNK_LIST,
  FINISHED,
  type InitSpec,
  isPlain,
  OUTCOME_ERROR,
  OUTCOME_NUMBERS,
  OUTCOME_VALUE,
  QUEUED,
  RUNNING,
  SLOT_FIRST,
  SLOT_STAGE,
  SLOT_THREAD,
  STAGE_INIT,
  STAGE_RUN,
  unpackChunk,
  WORKER_DATA_KEY,
} from './thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('nogil/futures thread-worker.cjs runs only inside a ThreadPoolExecutor worker');
const init = (workerData as Record<string, InitSpec | undefined> | null)?.[WORKER_DATA_KEY];

// The outcomes of the current batch not posted yet (flat triples, see BatchOutcomes).
let batchId = -1;
let pending: unknown[] = [];
let sent = 0;
// When the pending outcomes were last posted. Outcomes wait at most FLUSH_MS before they are
// posted: tiny tasks still share one message per millisecond of work, and a long task's result
// is not held back by the tasks queued after it in its batch (asCompleted, wait and a `break`
// out of map see each result as it is made).
const FLUSH_MS = 1;
let flushedAt = 0;
let initialized: Promise<void> | undefined = init ? undefined : Promise.resolve();

// process.exit() in a task: post what finished before the thread stops, so only the task that
// exited is lost. (An uncaught error also passes here; an out-of-memory death runs no JS.)
process.on('exit', () => flush());

/** Posts the pending outcomes; an outcome that cannot be cloned becomes a DataCloneError. */
function flush(): void {
  flushedAt = performance.now();
  if (pending.length === 0) return;
  const out = pending;
  pending = [];
  sent += out.length / 3;
  try {
    port?.postMessage({ __nogilBatch: batchId, out } satisfies BatchOutcomes);
    return;
  } catch {
    // One value at least cannot be cloned: send them one by one to find which.
  }
  for (let k = 0; k < out.length; k += 3) {
    const triple = [out[k], out[k + 1], out[k + 2]];
    try {
      port?.postMessage({ __nogilBatch: batchId, out: triple } satisfies BatchOutcomes);
    } catch (error) {
      const wire = toWire(uncloneable(error));
      port?.postMessage({ __nogilBatch: batchId, out: [out[k], OUTCOME_ERROR, wire] } satisfies BatchOutcomes);
    }
  }
}

function uncloneable(error: unknown): Error {
  const why = error instanceof Error ? error.message : String(error);
  return new DOMException(`the task's result could not be sent back to the main thread: ${why}`, 'DataCloneError');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

// A function sent by source that uses an outer variable fails with "x is not defined": say why.
function explain(error: unknown, ref: TaskRef): unknown {
  if (ref.kind !== 'source' || !(error instanceof ReferenceError)) return error;
  const match = /^(\S+) is not defined$/.exec(error.message);
  if (!match || (match[1] as string) in globalThis) return error;
  const name = match[1] as string;
  const old = error.message;
  error.message =
    `${old}: task ${ref.name} uses '${name}' from its enclosing scope, but tasks are sent to the worker ` +
    `by source (fn.toString()) and see no outer variables; pass ${name} as an argument ` +
    '(or export the function from a module and pass { module, name })';
  if (typeof error.stack === 'string') error.stack = error.stack.replace(old, error.message);
  return error;
}

// A module task that cannot be loaded: name the module and the export.
function unresolvable(error: unknown, ref: TaskRef): unknown {
  if (ref.kind !== 'module' || !(error instanceof Error)) return error;
  if (error.message.includes(ref.url) && error.message.includes(`'${ref.name}'`)) return error;
  error.message = `cannot load task '${ref.name}' from module ${ref.url}: ${error.message}`;
  return error;
}

// shareable.js (an ES module: the package's one copy of the shared-primitive registry) is loaded
// at the first result that is not plain data, so that a fresh worker starts no ES module loader
// on its way to its first result (a pool's cold start).
type Encode = typeof import('../internal/shareable.js').encodeShared;
let encodeShared: Encode | undefined;
async function loadEncode(): Promise<Encode> {
  encodeShared ??= (await import('../internal/shareable.js')).encodeShared;
  return encodeShared;
}

async function decode<T>(value: T): Promise<T> {
  const { decodeSharedAsync } = await import('../internal/shareable-kinds.js');
  return decodeSharedAsync(value);
}

async function runInitializer(spec: InitSpec): Promise<void> {
  const fn = await resolveTaskRef(spec.ref);
  const args = spec.shared ? await decode(spec.args) : spec.args;
  await fn(...args);
}

/** Runs one batch (piscina's task handler). */
export default async function runBatch(batch: BatchTask): Promise<BatchDone> {
  const slots = new Int32Array(batch.slots);
  batchId = batch.id;
  pending = [];
  sent = 0;
  flushedAt = performance.now();
  Atomics.store(slots, SLOT_THREAD, threadId);
  if (!initialized) {
    Atomics.store(slots, SLOT_STAGE, STAGE_INIT);
    initialized = runInitializer(init as InitSpec);
  }
  try {
    await initialized;
  } catch (error) {
    return { ms: 0, sent: 0, calls: 0, init: toWire(error) };
  }
  Atomics.store(slots, SLOT_STAGE, STAGE_RUN);
  const args = batch.shared ? await decode(batch.args) : batch.args;
  const fns: Array<((...a: unknown[]) => unknown) | undefined> = [];
  const started = performance.now();
  let calls = 0;
  for (let i = 0; i < batch.fnOf.length; i++) {
    // The start probe: the main thread may have cancelled this task (then the slot is CANCELLED).
    if (Atomics.compareExchange(slots, SLOT_FIRST + i, QUEUED, RUNNING) !== QUEUED) continue;
    const at = batch.fnOf[i] as number;
    const ref = batch.fns[at] as TaskRef;
    try {
      let fn = fns[at];
      if (!fn) {
        flush();
        try {
          fn = await resolveTaskRef(ref);
        } catch (error) {
          throw unresolvable(error, ref);
        }
        fns[at] = fn;
      }
      const kind = batch.chunk[i] as number;
      const taskArgs =
        kind > CHUNK_LIST ? unpackChunk(kind, args[i] as unknown as Float64Array) : (args[i] as readonly unknown[]);
      let value: unknown;
      let ok = OUTCOME_VALUE;
      if (kind !== 0) {
        // Results go into a Float64Array while they are numbers, into a list from the first
        // one that is not (see OUTCOME_NUMBERS).
        const n = taskArgs.length;
        let numbers: Float64Array | undefined = new Float64Array(n);
        let results: unknown[] | undefined;
        for (let j = 0; j < n; j++) {
          let v = fn(taskArgs[j]);
          if (isThenable(v)) {
            flush();
            v = await v;
          }
          if (numbers && typeof v === 'number') numbers[j] = v;
          else {
            if (numbers) {
              results = Array.from(numbers.subarray(0, j));
              numbers = undefined;
            }
            results?.push(v);
          }
        }
        calls += n;
        value = numbers ?? results;
        if (numbers) ok = OUTCOME_NUMBERS;
      } else {
        value = fn(...taskArgs);
        if (isThenable(value)) {
          flush();
          value = await value;
        }
        calls++;
      }
      if (ok === OUTCOME_NUMBERS || isPlain(value)) pending.push(i, ok, value);
      else {
        // (Outcomes are posted before every await, this first load of shareable.js included.)
        if (!encodeShared) flush();
        const encode = encodeShared ?? (await loadEncode());
        pending.push(i, ok, encode(value));
      }
    } catch (error) {
      pending.push(i, OUTCOME_ERROR, toWire(explain(error, ref)));
    }
    Atomics.store(slots, SLOT_FIRST + i, FINISHED);
    if (performance.now() - flushedAt >= FLUSH_MS) flush();
  }
  const ms = performance.now() - started;
  flush();
  return { ms, sent, calls };
}
