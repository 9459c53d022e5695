// ThreadPoolExecutor: Python's concurrent.futures.ThreadPoolExecutor on worker_threads, built on
// piscina (the pool: on-demand workers, reuse, idle workers unref'd, crash replacement).
//
// What this file adds around piscina (see docs/futures.md):
//   - batching: one tick's submissions go to a worker as one piscina task (a batch), sized by
//     guided self-scheduling (a share of what is queued) and by the measured cost per call, so
//     tiny tasks cost one message per batch while long ones go one at a time (load balance);
//   - exact running()/cancel() for batched tasks: a start probe per task (a slot in the batch's
//     SharedArrayBuffer that the worker CASes QUEUED -> RUNNING, see thread-protocol.ts);
//   - crash containment per task: when a worker dies piscina fails its whole batch; the slots
//     say which task was running (it fails with BrokenThreadPool), which never started (they
//     run elsewhere) and which finished (their outcomes were already delivered);
//   - Futures, nogil primitives passed live, errors with class and stack, DataCloneError for a
//     result that cannot be cloned (the worker survives), the initializer, abort of a running
//     task (its batch is alone, and piscina terminates its worker), terminateWorkers().

import { SHARE_ENV, type TransferListItem, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { fromWire, isWire, type WireError } from '../internal/errors.js';
import { encodeShared } from '../internal/shareable.js';
import { decodeSharedAsync } from '../internal/shareable-kinds.js';
import { type TaskRef, toTaskRef, workerExecArgv } from '../internal/task-ref.js';
import { BrokenThreadPool } from './errors.js';
import { Executor, type WorkItem } from './executor.js';
import { kProbe, type StartProbe } from './future.js';
import { type ThreadPoolOptions, threadPoolOptionsOf } from './thread-options.js';
import {
  type BatchDone,
  type BatchOutcomes,
  type BatchTask,
  CANCELLED,
  CHUNK_LIST,
  FINISHED,
  type InitSpec,
  isOutcomes,
  isPlain,
  isPlainList,
  OUTCOME_ERROR,
  OUTCOME_NUMBERS,
  packChunk,
  QUEUED,
  RUNNING,
  SLOT_FIRST,
  SLOT_STAGE,
  SLOT_THREAD,
  STAGE_INIT,
  STOLEN,
  WORKER_DATA_KEY,
} from './thread-protocol.js';
import type { ModuleTask, TaskFunction } from './types.js';

export type { ThreadPoolOptions } from './thread-options.js';

const WORKER_FILE = new URL('./thread-entry.cjs', import.meta.url).href;
/** At most this many calls per batch (a map chunk counts its items). */
const MAX_BATCH_CALLS = 65536;
/** A batch of measured tasks aims at about this much work (ms): long tasks go one at a time. */
const BATCH_BUDGET_MS = 2;
/** ... and, when the queue holds that much, at least this much (see #targetCalls). */
const BATCH_FLOOR_MS = 0.5;

/** A batched task's start, read from its slot (see thread-protocol.ts). */
class SlotProbe implements StartProbe {
  readonly #slots: Int32Array;
  readonly #at: number;
  constructor(slots: Int32Array, at: number) {
    this.#slots = slots;
    this.#at = at;
  }
  started(): boolean {
    const state = Atomics.load(this.#slots, this.#at);
    return state === RUNNING || state === FINISHED;
  }
  claim(): boolean {
    const state = Atomics.compareExchange(this.#slots, this.#at, QUEUED, CANCELLED);
    return state === QUEUED || state === CANCELLED;
  }
}

/** A batch handed to piscina. */
interface Batch {
  readonly id: number;
  readonly items: ReadonlyArray<WorkItem<TaskRef>>;
  readonly slots: Int32Array;
  /** Per task: its outcome arrived. */
  readonly delivered: Uint8Array;
  /** For a batch of one task with a signal: aborting it terminates the worker. */
  readonly controller: AbortController | undefined;
  /** A batch of one task with a signal or a transfer list: it stays with its worker. */
  readonly pinned: boolean;
  received: number;
  /** How many outcomes the worker posted (known once the piscina task resolved; -1 before). */
  expected: number;
}

// Whether a task transfers buffers (they can be sent once only).
function moves(item: WorkItem<TaskRef>): boolean {
  return item.transfer !== undefined && item.transfer.length > 0;
}

function weightOf(item: WorkItem<TaskRef>): number {
  return item.chunk ? item.args.length : 1;
}

// How a worker died, for BrokenThreadPool messages, from the error piscina failed its task with.
function deathOf(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; name?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const exited = /worker exited with code: (-?\d+)/.exec(message);
  if (exited) return `exited with code ${exited[1]}`;
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') return `ran out of memory (${message})`;
  return `died of an uncaught ${typeof e?.name === 'string' ? e.name : 'error'}: ${message}`;
}

// Whether a task's arguments cannot be cloned (its own transfer list aside). For the failure
// path only: a clone per task.
function cloneThrows(item: WorkItem<TaskRef>): boolean {
  if (item.future.done() || moves(item)) return false;
  try {
    structuredClone(item.args);
    return false;
  } catch {
    return true;
  }
}

// The error of BatchDone.load (plain data, see thread-entry.cts) as an Error again.
function loadError({ name, message, stack }: NonNullable<BatchDone['load']>): Error {
  const error = new Error(message);
  error.name = name;
  if (stack) error.stack = stack;
  return error;
}

function revive(wire: unknown): unknown {
  if (!isWire(wire)) return wire;
  if (wire.name === 'DataCloneError') {
    const error = new DOMException(wire.message, 'DataCloneError');
    if (wire.stack) Object.defineProperty(error, 'stack', { value: wire.stack, writable: true, configurable: true });
    return error;
  }
  return fromWire(wire as WireError);
}

/**
 * Python's `concurrent.futures.ThreadPoolExecutor` on worker_threads (via piscina): real
 * parallelism, one JS heap per worker. Tasks are self-contained functions (sent by source:
 * pass what they need as arguments) or `{ module, name }`; nogil primitives (Lock, Value,
 * Queue, ...) passed as arguments are live handles to the same shared memory.
 *
 * @example
 * const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
 * const f = executor.submit((a: number, b: number) => a * b, 6, 7);
 * console.log(await f); // 42
 * await executor.shutdown();
 */
export class ThreadPoolExecutor extends Executor<TaskFunction | ModuleTask, TaskRef> {
  readonly #maxWorkers: number;
  readonly #piscinaOptions: ConstructorParameters<typeof Piscina>[0];
  #piscina: Piscina | undefined;
  // Tasks not handed to a worker yet, in order (#head: the first one).
  #queue: Array<WorkItem<TaskRef>> = [];
  #head = 0;
  #queuedCalls = 0;
  #inflight = 0;
  #nextBatch = 0;
  readonly #batches = new Map<number, Batch>();
  readonly #signalBatches = new Map<WorkItem<TaskRef>, Batch>();
  // Live workers by threadId: settles on the worker's 'exit' (after its messages were drained).
  readonly #exits = new Map<number, Promise<void>>();
  // Measured ms per call, by task function.
  readonly #cost = new WeakMap<TaskRef, number>();
  // Encoded argument lists that hold shared-primitive descriptors.
  readonly #sharedArgs = new WeakSet<readonly unknown[]>();
  readonly #moduleRefs = new Map<string, TaskRef>();
  #broken = false;
  #terminated = false;
  // Outcomes travel on the worker's parentPort, unref'd like the worker: when piscina's reply
  // (on its own port, ref'd while a task runs) overtakes them, this timer keeps the process
  // alive until they arrive.
  readonly #lagging = new Set<Batch>();
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates the executor; workers start when tasks arrive.
   * @throws {ValueError} if `maxWorkers` < 1; TypeError/RangeError for other bad options.
   */
  constructor(options?: ThreadPoolOptions) {
    super();
    const config = threadPoolOptionsOf(options);
    this.#maxWorkers = config.maxWorkers;
    let init: InitSpec | undefined;
    if (config.initializer) {
      const args = encodeShared(config.initargs);
      init = { ref: config.initializer, args, shared: args !== config.initargs };
    }
    this.#piscinaOptions = {
      filename: WORKER_FILE,
      // The first worker is started with the pool, i.e. at the first task (the pool is made
      // then): piscina posts that task to it at once instead of waiting for its 'ready' message.
      minThreads: 1,
      maxThreads: config.maxWorkers,
      idleTimeout: config.idleTimeout,
      concurrentTasksPerWorker: 1,
      recordTiming: false,
      env: SHARE_ENV,
      execArgv: workerExecArgv(),
      workerData: { [WORKER_DATA_KEY]: init },
      ...(config.resourceLimits ? { resourceLimits: config.resourceLimits } : {}),
    };
  }

  // The piscina pool, made when the first task is dispatched (so workers start on demand).
  get #pool(): Piscina {
    if (this.#piscina) return this.#piscina;
    const pool = new Piscina(this.#piscinaOptions);
    pool.on('message', (message: unknown) => {
      if (isOutcomes(message)) this.#onOutcomes(message);
    });
    pool.on('workerCreate', (info: { id: number }) => this.#track(info.id));
    // A worker that dies while idle: piscina emits 'error' (nothing was lost; it is replaced).
    pool.on('error', () => {});
    this.#piscina = pool;
    return pool;
  }

  /** The most workers this executor runs at once. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Stops every worker now (Python 3.14's `terminate_workers`): running futures fail with
   * `BrokenThreadPool`, pending ones are cancelled, and the executor is shut down. Resolves
   * once every worker has exited.
   */
  terminateWorkers(): Promise<void> {
    return this.#stopAll('terminateWorkers()');
  }

  /** Like `terminateWorkers()` (threads have no signals to tell the two apart: Python's SIGKILL). */
  killWorkers(): Promise<void> {
    return this.#stopAll('killWorkers()');
  }

  // ---- the backend protocol ----

  protected _prepare(fn: unknown): TaskRef {
    const ref = toTaskRef(fn, 'fn');
    if (ref.kind !== 'module') return ref;
    // One object per module export, so that batches and cost estimates see one function.
    const key = `${ref.url}#${ref.name}`;
    const known = this.#moduleRefs.get(key);
    if (known) return known;
    this.#moduleRefs.set(key, ref);
    return ref;
  }

  protected override _prepareArgs(_task: TaskRef, args: readonly unknown[]): readonly unknown[] {
    if (isPlainList(args)) return args;
    const encoded = encodeShared(args);
    if (encoded !== args) this.#sharedArgs.add(encoded);
    return encoded;
  }

  protected _dispatch(items: ReadonlyArray<WorkItem<TaskRef>>): void {
    for (const item of items) {
      this.#queue.push(item);
      this.#queuedCalls += weightOf(item);
    }
    this.#pump();
  }

  protected override _abort(item: WorkItem<TaskRef>, error: Error): void {
    // A task with a signal runs alone in its batch: aborting that piscina task terminates the
    // worker (piscina replaces it), and nothing else is lost.
    this.#signalBatches.get(item)?.controller?.abort(error);
    this._settle(item, false, error);
  }

  protected async _close(): Promise<void> {
    await this.#piscina?.destroy();
  }

  protected _workers(): { workers: number; idle: number } {
    const pool = this.#piscina;
    return pool ? { workers: pool.threads.length, idle: pool.idleThreads } : { workers: 0, idle: 0 };
  }

  // ---- scheduling ----

  // Hands batches to piscina while a worker is free for one (one batch per worker at a time:
  // what is not sent stays cancellable here, and the next batch is sized when a worker frees).
  #pump(): void {
    while (!this.#broken && !this.#terminated && this.#inflight < this.#maxWorkers) {
      const items = this.#takeBatch() ?? this.#steal();
      if (!items) return;
      this.#send(items);
    }
  }

  // A worker is free and nothing is queued: take back the not-started end of the busiest batch
  // (the worker runs its batch front to back), so that no task waits behind another while a
  // worker idles. The CAS QUEUED -> STOLEN races the worker's QUEUED -> RUNNING; one wins.
  #steal(): Array<WorkItem<TaskRef>> | undefined {
    // Only for a worker that is up and has nothing: below maxWorkers because workers are still
    // starting, a batch would just go to a new worker and leave its first one empty.
    if ((this.#piscina?.idleThreads ?? 0) === 0) return undefined;
    let victim: Batch | undefined;
    let most = 0;
    for (const batch of this.#batches.values()) {
      // (A batch not started yet may sit with a worker that is still booting: fair game too.)
      if (batch.expected >= 0 || batch.pinned) continue;
      let waiting = 0;
      for (let i = batch.items.length - 1; i >= 0; i--) {
        const state = Atomics.load(batch.slots, SLOT_FIRST + i);
        if (state === QUEUED) waiting++;
        else if (state === RUNNING || state === FINISHED) break;
      }
      if (waiting > most) {
        most = waiting;
        victim = batch;
      }
    }
    if (!victim) return undefined;
    const stolen: Array<WorkItem<TaskRef>> = [];
    const take = Math.ceil(most / 2);
    for (let i = victim.items.length - 1; i >= 0 && stolen.length < take; i--) {
      const state = Atomics.compareExchange(victim.slots, SLOT_FIRST + i, QUEUED, STOLEN);
      if (state === QUEUED) stolen.push(victim.items[i] as WorkItem<TaskRef>);
      else if (state === RUNNING || state === FINISHED) break;
    }
    return stolen.length > 0 ? stolen.reverse() : undefined;
  }

  #takeBatch(): Array<WorkItem<TaskRef>> | undefined {
    const queue = this.#queue;
    const items: Array<WorkItem<TaskRef>> = [];
    let calls = 0;
    let target = 0;
    while (this.#head < queue.length) {
      const item = queue[this.#head] as WorkItem<TaskRef>;
      const weight = weightOf(item);
      if (item.future.done()) {
        this.#head++;
        this.#queuedCalls -= weight;
        if (item.future.state === 'CANCELLED') item.future.setRunningOrNotifyCancel();
        continue;
      }
      if (items.length === 0) {
        if (item.signal || moves(item)) {
          // Alone in its batch, so that aborting it stops only its own worker, and so that
          // nothing else waits behind a task whose transferred buffers cannot be sent again.
          this.#head++;
          this.#queuedCalls -= weight;
          items.push(item);
          break;
        }
        target = this.#targetCalls(item);
      } else if (item.signal || moves(item) || calls + weight > target) {
        break;
      }
      this.#head++;
      this.#queuedCalls -= weight;
      items.push(item);
      calls += weight;
    }
    if (this.#head === queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    return items.length > 0 ? items : undefined;
  }

  // Guided self-scheduling: a batch takes a share of what is queued (so the last batches are
  // small and the workers finish together), capped by the measured cost of the function.
  // A share that would hold less than BATCH_FLOOR_MS of measured work is raised to that much
  // (but never past an even split of what is queued): a round trip to a sleeping worker costs
  // 0.1-0.3 ms here, more than the last small shares of tiny tasks (a map of 100 chunks took
  // 17 batches, seven of them one chunk each), and the steal (#steal) still balances the end.
  #targetCalls(first: WorkItem<TaskRef>): number {
    const queued = this.#queuedCalls;
    let target = Math.ceil(queued / (2 * this.#maxWorkers));
    const cost = this.#cost.get(first.task);
    if (cost !== undefined && cost > 0) {
      const floor = Math.min(Math.floor(BATCH_FLOOR_MS / cost), Math.ceil(queued / this.#maxWorkers));
      target = Math.min(Math.max(target, floor), Math.floor(BATCH_BUDGET_MS / cost));
    }
    return Math.max(1, Math.min(MAX_BATCH_CALLS, target));
  }

  #send(batchItems: Array<WorkItem<TaskRef>>): void {
    // Map chunks are packed first: reading a chunk's items can throw (a getter, a Proxy trap),
    // which fails that chunk alone, as the same error thrown by a structured clone would.
    const packs: Array<ReturnType<typeof packChunk>> = [];
    const items: Array<WorkItem<TaskRef>> = [];
    for (const item of batchItems) {
      let packed: ReturnType<typeof packChunk>;
      if (item.chunk && !this.#sharedArgs.has(item.args)) {
        try {
          packed = packChunk(item.args);
        } catch (error) {
          this._settle(item, false, error);
          continue;
        }
      }
      packs.push(packed);
      items.push(item);
    }
    const n = items.length;
    if (n === 0) return;
    const slots = new Int32Array(new SharedArrayBuffer(4 * (SLOT_FIRST + n)));
    const fns: TaskRef[] = [];
    const fnOf: number[] = new Array(n);
    const args: Array<readonly unknown[]> = new Array(n);
    const chunk: number[] = new Array(n);
    let shared = false;
    let transfer: TransferListItem[] | undefined;
    let lastRef: TaskRef | undefined;
    let lastAt = -1;
    for (let i = 0; i < n; i++) {
      const item = items[i] as WorkItem<TaskRef>;
      if (item.task !== lastRef) {
        lastRef = item.task;
        lastAt = fns.indexOf(lastRef);
        if (lastAt < 0) lastAt = fns.push(lastRef) - 1;
      }
      fnOf[i] = lastAt;
      if (this.#sharedArgs.has(item.args)) shared = true;
      const packed = packs[i];
      args[i] = packed ? (packed.data as never) : item.args;
      chunk[i] = packed ? packed.kind : item.chunk ? CHUNK_LIST : 0;
      if (item.transfer) {
        transfer ??= [];
        for (const t of item.transfer) transfer.push(t);
      }
      item.future[kProbe] = new SlotProbe(slots, SLOT_FIRST + i);
    }
    const first = items[0] as WorkItem<TaskRef>;
    const controller = first.signal ? new AbortController() : undefined;
    const batch: Batch = {
      id: ++this.#nextBatch,
      items,
      slots,
      delivered: new Uint8Array(n),
      controller,
      pinned: first.signal !== undefined || moves(first),
      received: 0,
      expected: -1,
    };
    this.#batches.set(batch.id, batch);
    if (controller) this.#signalBatches.set(first, batch);
    this.#inflight++;
    const task: BatchTask = { id: batch.id, fns, fnOf, args, chunk, shared, slots: slots.buffer as SharedArrayBuffer };
    this.#pool.run(task, { transferList: transfer as never, signal: controller?.signal ?? null }).then(
      (done: BatchDone) => this.#onBatchDone(batch, done),
      (error: unknown) => this.#onBatchFailed(batch, error),
    );
  }

  // ---- outcomes ----

  #onOutcomes(message: BatchOutcomes): void {
    const batch = this.#batches.get(message.__nogilBatch);
    if (!batch) return;
    const out = message.out;
    for (let k = 0; k < out.length; k += 3) {
      const i = out[k] as number;
      const value = out[k + 2];
      batch.delivered[i] = 1;
      batch.received++;
      const item = batch.items[i] as WorkItem<TaskRef>;
      const ok = out[k + 1];
      if (ok === OUTCOME_ERROR) this._settle(item, false, revive(value));
      else if (ok === OUTCOME_NUMBERS || isPlain(value)) this._settle(item, true, value);
      else {
        // The result may hold primitives (a Lock made in the worker) of modules not loaded here yet.
        decodeSharedAsync(value).then(
          (result) => this._settle(item, true, result),
          (error: unknown) => this._settle(item, false, error),
        );
      }
    }
    this.#retireIfDone(batch);
  }

  #onBatchDone(batch: Batch, done: BatchDone): void {
    this.#inflight--;
    batch.expected = done.sent;
    if (done.init !== undefined) {
      this.#batches.delete(batch.id);
      this.#breakOnInitializer(revive(done.init));
      return;
    }
    if (done.load !== undefined) {
      this.#batches.delete(batch.id);
      this.#breakPool("A worker thread could not load nogil's worker code", loadError(done.load));
      return;
    }
    this.#signalBatches.delete(batch.items[0] as WorkItem<TaskRef>);
    if (done.calls > 0) {
      const task = (batch.items[0] as WorkItem<TaskRef>).task;
      const per = done.ms / done.calls;
      const old = this.#cost.get(task);
      this.#cost.set(task, old === undefined ? per : old * 0.5 + per * 0.5);
    }
    this.#notifyCancelled(batch);
    this.#retireIfDone(batch);
    if (batch.received < batch.expected) this.#awaitOutcomes(batch);
    this.#pump();
  }

  #retireIfDone(batch: Batch): void {
    if (batch.expected < 0 || batch.received < batch.expected) return;
    this.#batches.delete(batch.id);
    if (this.#lagging.delete(batch) && this.#lagging.size === 0) this.#releaseKeepAlive();
  }

  #awaitOutcomes(batch: Batch): void {
    this.#lagging.add(batch);
    this.#keepAlive ??= setInterval(() => {}, 1 << 30);
  }

  #releaseKeepAlive(): void {
    this.#lagging.clear();
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
  }

  // CPython's worker calls set_running_or_notify_cancel() on each item it takes: a task cancelled
  // in its batch becomes CANCELLED_AND_NOTIFIED once the worker has passed it.
  #notifyCancelled(batch: Batch): void {
    for (let i = 0; i < batch.items.length; i++) {
      const future = (batch.items[i] as WorkItem<TaskRef>).future;
      if (Atomics.load(batch.slots, SLOT_FIRST + i) === CANCELLED && future.state === 'CANCELLED') {
        future.setRunningOrNotifyCancel();
      }
    }
  }

  // piscina failed the batch: its worker died (or was terminated), or the batch could not be
  // posted. Judge it once the worker has exited, when everything it posted has been delivered.
  #onBatchFailed(batch: Batch, error: unknown): void {
    const tid = Atomics.load(batch.slots, SLOT_THREAD);
    const exited = tid !== 0 ? this.#exits.get(tid) : undefined;
    if (exited) exited.then(() => this.#salvage(batch, error));
    else this.#salvage(batch, error);
  }

  #salvage(batch: Batch, error: unknown): void {
    this.#inflight--;
    this.#batches.delete(batch.id);
    if (this.#lagging.delete(batch) && this.#lagging.size === 0) this.#releaseKeepAlive();
    this.#signalBatches.delete(batch.items[0] as WorkItem<TaskRef>);
    if (this.#broken || this.#terminated) return;
    const reached = Atomics.load(batch.slots, SLOT_THREAD) !== 0;
    if (reached && Atomics.load(batch.slots, SLOT_STAGE) === STAGE_INIT) {
      this.#breakOnInitializer(
        new Error(`the worker ${deathOf(error)} while running the initializer`, { cause: error }),
      );
      return;
    }
    // Never reached a worker because it could not be posted: a value that cannot be cloned, or
    // a getter that throws while it is cloned (piscina then fails the task with that error, not
    // with a DataCloneError). A worker that died before it took the batch lands below instead.
    if (!reached && ((error as Error | null)?.name === 'DataCloneError' || batch.items.some(cloneThrows))) {
      this.#refuseUncloneable(batch, error);
      return;
    }
    const how = deathOf(error);
    const again: Array<WorkItem<TaskRef>> = [];
    for (let i = 0; i < batch.items.length; i++) {
      const item = batch.items[i] as WorkItem<TaskRef>;
      if (batch.delivered[i] || item.future.done()) continue;
      const state = Atomics.load(batch.slots, SLOT_FIRST + i);
      if (state === QUEUED && moves(item)) {
        this._settle(
          item,
          false,
          new BrokenThreadPool(
            `the worker thread ${how} before this task started, with the buffers transferred to it`,
            {
              cause: error,
            },
          ),
        );
      } else if (state === QUEUED) again.push(item);
      else if (state === RUNNING) {
        this._settle(
          item,
          false,
          new BrokenThreadPool(`the worker thread running this task ${how}; the pool replaced it`, { cause: error }),
        );
      } else if (state === FINISHED) {
        this._settle(
          item,
          false,
          new BrokenThreadPool(`the worker thread ${how} after this task finished, before its result was sent`, {
            cause: error,
          }),
        );
      }
    }
    this.#notifyCancelled(batch);
    this.#requeue(again);
    this.#pump();
  }

  // The batch could not be posted (an argument cannot be cloned): fail the tasks at fault, run the rest.
  #refuseUncloneable(batch: Batch, error: unknown): void {
    const again: Array<WorkItem<TaskRef>> = [];
    let blamed = false;
    for (const item of batch.items) {
      if (item.future.done()) continue;
      try {
        structuredClone(item.args);
        again.push(item);
      } catch (cloneError) {
        blamed = true;
        this._settle(item, false, cloneError);
      }
    }
    // Nothing fails on its own: the transfer list is at fault (e.g. a detached ArrayBuffer).
    const rest = blamed ? again : [];
    if (!blamed) for (const item of again) this._settle(item, false, error);
    this.#requeue(rest);
    this.#pump();
  }

  #requeue(items: Array<WorkItem<TaskRef>>): void {
    if (items.length === 0) return;
    for (const item of items) this.#queuedCalls += weightOf(item);
    this.#queue = [...items, ...this.#queue.slice(this.#head)];
    this.#head = 0;
  }

  #breakOnInitializer(cause: unknown): void {
    this.#breakPool('A thread initializer failed', cause);
  }

  // Every task not done fails with BrokenThreadPool(`${why}, ...`); later submissions throw it.
  #breakPool(why: string, cause: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#queue = [];
    this.#head = 0;
    this.#queuedCalls = 0;
    this._breakPool(new BrokenThreadPool(`${why}, the thread pool is not usable anymore`, { cause }));
    this.#releaseKeepAlive();
    // Nothing may run any more: stop the workers (a later shutdown() finds none).
    this.#piscina?.destroy().catch(() => {});
  }

  async #stopAll(how: string): Promise<void> {
    this.#terminated = true;
    this._shutdownNow();
    for (const item of [...this._liveItems()]) {
      this._settle(item, false, new BrokenThreadPool(`the worker thread running this task was stopped by ${how}`));
    }
    for (let i = this.#head; i < this.#queue.length; i++) {
      const future = (this.#queue[i] as WorkItem<TaskRef>).future;
      if (future.state === 'CANCELLED') future.setRunningOrNotifyCancel();
    }
    this.#queue = [];
    this.#head = 0;
    this.#queuedCalls = 0;
    this.#releaseKeepAlive();
    await this.#piscina?.destroy();
  }

  // Remembers a new worker until its 'exit' (listening for 'exit' does not ref the worker).
  #track(threadId: number): void {
    const worker = this.#pool.threads.find((w: Worker) => w.threadId === threadId);
    if (!worker) return;
    this.#exits.set(
      threadId,
      new Promise<void>((resolve) => {
        worker.once('exit', () => {
          this.#exits.delete(threadId);
          resolve();
        });
      }),
    );
  }
}
