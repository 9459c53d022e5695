// Executor: the part of Python's concurrent.futures.Executor that every backend shares (as
// CPython's _base.py), so each backend file supplies only scheduling.
//
//   submit/submitWith/map ──> WorkItem{future, task, args} ──(one microtask: a batch)──> _dispatch(items)
//                                                                                          │ backend runs them
//   future settled <── _settle(item, ...) <────────────────────────────────────────────────┘
//
// The base owns: validation at the call site (RuntimeError after shutdown, synchronously), the
// futures, AbortSignals (a pending task is cancelled, a running one handed to `_abort`), the
// batching of one tick's submissions into one `_dispatch` call, `map` (map.ts), shutdown
// (wait for live work, then `_close`), a broken state (`_breakPool`), and `stats()`.
// A backend owns its workers, decides when a task starts (calling
// `future.setRunningOrNotifyCancel()`, or attaching a start probe, see future.ts) and settles
// each future through `_settle`.
import type { TransferListItem } from 'node:worker_threads';
import { watchAbort } from '../internal/abort.js';
import { RuntimeError } from '../internal/python-errors.js';
import type { BrokenExecutor } from './errors.js';
import { Future, kCancelWith, kFailed, kObserve, taskAbortError } from './future.js';
import { startMap } from './map.js';
import {
  type MapOptions,
  type ShutdownOptions,
  type SubmitOptions,
  shutdownOptionsOf,
  submitOptionsOf,
} from './options.js';
import type { TaskArgs, TaskItem, TaskResult } from './types.js';

/** Live counters of an executor (`stats()`). */
export interface ExecutorStats {
  /** Workers alive now (threads, processes, or native threads). */
  readonly workers: number;
  /** Workers alive and waiting for work. */
  readonly idle: number;
  /** Tasks running now (a map chunk counts once). */
  readonly running: number;
  /** Tasks submitted and not started yet. */
  readonly queued: number;
  /** Tasks finished with a result. */
  readonly completed: number;
  /** Tasks finished with an exception. */
  readonly failed: number;
  /** Tasks cancelled before they started. */
  readonly cancelled: number;
}

/** One task as a backend sees it. */
export interface WorkItem<Task = unknown> {
  /** The task's future: settle it with `Executor._settle`. */
  readonly future: Future<unknown>;
  /** The prepared `fn` (what the backend's `_prepare` returned). */
  readonly task: Task;
  /** `fn`'s arguments; for a map chunk, the chunk's items (each is one call). */
  readonly args: readonly unknown[];
  /**
   * A map chunk: call `fn` once per element of `args` and resolve with the results in order (an
   * array, or any array-like: the thread pool answers a chunk of numbers with a Float64Array).
   */
  readonly chunk: boolean;
  /** The task's AbortSignal, if any (the base cancels or calls `_abort` when it fires). */
  readonly signal: AbortSignal | undefined;
  /** What to transfer rather than copy. */
  readonly transfer: readonly TransferListItem[] | undefined;
}

const SHUTDOWN_MESSAGE = 'cannot schedule new futures after shutdown';

/**
 * The executor interface of Python's concurrent.futures, with the machinery every backend
 * shares. `Fn` is what `submit` accepts as a task (functions, `{ module, name }`, or native
 * kernel names); `Task` is the backend's prepared form of it.
 */
export abstract class Executor<Fn = unknown, Task = unknown> {
  #shutdown = false;
  #broken: BrokenExecutor | undefined;
  readonly #live = new Set<WorkItem<Task>>();
  #batch: Array<WorkItem<Task>> = [];
  #flushQueued = false;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  readonly #flush = (): void => {
    this.#flushQueued = false;
    const batch = this.#batch;
    this.#batch = [];
    const runnable: Array<WorkItem<Task>> = [];
    for (const item of batch) {
      // Cancelled before the backend saw it: notify (CANCELLED_AND_NOTIFIED) and drop it.
      if (item.future.cancelled()) item.future.setRunningOrNotifyCancel();
      else runnable.push(item);
    }
    if (runnable.length > 0) this._dispatch(runnable);
  };

  /**
   * Schedules `fn(...args)` and returns its future (Python's `Executor.submit`).
   * @throws {RuntimeError} after `shutdown()` (synchronously, as Python); the pool's
   *   `BrokenExecutor` error once it is broken; TypeError for a bad `fn`.
   */
  submit<F extends Fn>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    return this.#submit(fn, args, undefined, undefined) as Future<TaskResult<F>>;
  }

  /**
   * `submit` with Node extras: `{ signal, transfer }` (see {@link SubmitOptions}).
   * @example
   * const ac = new AbortController();
   * const f = executor.submitWith({ signal: ac.signal }, slowTask, 10);
   * ac.abort(); // pending: cancelled; running: stopped, rejects with an AbortError
   */
  submitWith<F extends Fn>(options: SubmitOptions, fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    const { signal, transfer } = submitOptionsOf(options);
    return this.#submit(fn, args, signal, transfer) as Future<TaskResult<F>>;
  }

  /**
   * Runs `fn(item)` for every item (Python's `Executor.map`, one iterable): submits now (or,
   * with `buffersize`, keeps that many tasks ahead of the consumer) and returns an async
   * iterable of the results in input order. A failed task's error is thrown at its position;
   * the tasks after it are cancelled, as are the remaining ones if the loop ends early.
   *
   * @example
   * for await (const g of executor.map(gcd, pairs, { chunksize: 4 })) console.log(g);
   */
  map<F extends Fn>(
    fn: F,
    iterable: Iterable<TaskItem<F>>,
    options?: MapOptions,
  ): AsyncIterableIterator<TaskResult<F>> {
    this.#checkOpen();
    const task = this._prepare(fn);
    return startMap<TaskResult<F>>(iterable, options, {
      submit: (args, chunk) => this.#submitPrepared(task, args, chunk, undefined, undefined),
      argsOfItem: (item) => this._argsOfItem(item),
    });
  }

  /**
   * Stops accepting work (Python's `shutdown(wait=True, cancel_futures=False)`). With
   * `cancelFutures`, tasks not started yet are cancelled. With `wait` (the default) the promise
   * resolves once every remaining task is done and the workers are gone; otherwise at once,
   * and the remaining work still runs. Idempotent.
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    const { wait, cancelFutures } = shutdownOptionsOf(options);
    this.#shutdown = true;
    if (cancelFutures) this._cancelPending();
    this.#closing ??= this.#drain().then(() => this._close());
    if (wait) return this.#closing;
    this.#closing.catch(() => {});
    return Promise.resolve();
  }

  /** `await using executor = new ThreadPoolExecutor()`: `shutdown({ wait: true })` at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /** Live counters, for monitoring and benchmarks. */
  stats(): ExecutorStats {
    let running = 0;
    let queued = 0;
    for (const item of this.#live) {
      if (item.future.running()) running++;
      else if (!item.future.done()) queued++;
    }
    const { workers, idle } = this._workers();
    return {
      workers,
      idle,
      running,
      queued,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
    };
  }

  // ---- the backend protocol ----

  /** Validates and prepares `fn` (throws synchronously: TypeError for a bad task). */
  protected abstract _prepare(fn: unknown): Task;
  /**
   * Validates (and may transform) a task's arguments before it is queued; throws synchronously
   * (e.g. a process pool refuses shared-memory primitives). Default: as they are.
   */
  protected _prepareArgs(_task: Task, args: readonly unknown[], _chunk: boolean): readonly unknown[] {
    return args;
  }
  /** The call arguments of one `map` item. Default: `[item]` (`fn(item)`). */
  protected _argsOfItem(item: unknown): readonly unknown[] {
    return [item];
  }
  /** Runs the items (called once per tick with that tick's submissions, in order). */
  protected abstract _dispatch(items: ReadonlyArray<WorkItem<Task>>): void;
  /**
   * Stops a running item whose signal fired, then settles its future with `error` (an
   * AbortError). Default: settles it at once (the work's result, if any, is dropped).
   */
  protected _abort(item: WorkItem<Task>, error: Error): void {
    this._settle(item, false, error);
  }
  /** Releases the workers once shut down and every task is done. */
  protected abstract _close(): Promise<void>;
  /** `{ workers, idle }` for `stats()`. */
  protected abstract _workers(): { workers: number; idle: number };

  // ---- helpers for backends ----

  /** Settles an item's future (a no-op if it is done already, e.g. aborted). */
  protected _settle(item: WorkItem<Task>, ok: boolean, value: unknown): void {
    if (item.future.done()) return;
    if (ok) item.future.setResult(value);
    else item.future.setException(value);
  }

  /** Whether `shutdown()` was called. */
  protected get _isShutdown(): boolean {
    return this.#shutdown;
  }

  /** The tasks submitted and not done yet. */
  protected _liveItems(): ReadonlySet<WorkItem<Task>> {
    return this.#live;
  }

  /** Cancels every task that has not started (a running one stays). */
  protected _cancelPending(): void {
    for (const item of this.#live) item.future.cancel();
  }

  /**
   * Breaks the pool (Python's `_broken`, e.g. a failed initializer): later submissions throw
   * `error`, and the given tasks (default: every task not done yet) fail with it.
   */
  protected _breakPool(error: BrokenExecutor, items: Iterable<WorkItem<Task>> = [...this.#live]): void {
    this.#broken ??= error;
    for (const item of items) this._settle(item, false, error);
  }

  /** Stops accepting work at once (terminateWorkers/killWorkers): shut down, pending cancelled. */
  protected _shutdownNow(): void {
    this.#shutdown = true;
    this._cancelPending();
  }

  // ---- internals ----

  #checkOpen(): void {
    if (this.#broken) {
      const Cls = this.#broken.constructor as new (message: string, options?: { cause?: unknown }) => BrokenExecutor;
      throw new Cls(this.#broken.message, { cause: this.#broken.cause });
    }
    if (this.#shutdown) throw new RuntimeError(SHUTDOWN_MESSAGE);
  }

  #submit(
    fn: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
    transfer: readonly TransferListItem[] | undefined,
  ): Future<unknown> {
    this.#checkOpen();
    const task = this._prepare(fn);
    return this.#submitPrepared(task, args, false, signal, transfer);
  }

  #submitPrepared(
    task: Task,
    args: readonly unknown[],
    chunk: boolean,
    signal: AbortSignal | undefined,
    transfer: readonly TransferListItem[] | undefined,
  ): Future<unknown> {
    // map with buffersize submits while it is consumed: shutdown in between refuses, as Python.
    this.#checkOpen();
    const prepared = this._prepareArgs(task, args, chunk);
    const future = new Future<unknown>();
    const item: WorkItem<Task> = { future, task, args: prepared, chunk, signal, transfer };
    if (signal?.aborted) {
      future[kCancelWith](signal.reason);
      future.setRunningOrNotifyCancel();
      this.#cancelled++;
      return future;
    }
    this.#live.add(item);
    future[kObserve](() => this.#onDone(item));
    if (signal) {
      const onAbort = (): void => {
        if (future[kCancelWith](signal.reason) || future.done()) return;
        this._abort(item, taskAbortError(signal.reason));
      };
      future[kObserve](watchAbort(signal, onAbort));
    }
    this.#batch.push(item);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flush);
    }
    return future;
  }

  #onDone(item: WorkItem<Task>): void {
    this.#live.delete(item);
    if (item.future.cancelled()) this.#cancelled++;
    else if (item.future[kFailed]()) this.#failed++;
    else this.#completed++;
    if (this.#live.size === 0) this.#drained?.();
  }

  #drain(): Promise<void> {
    if (this.#live.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }
}
