// NativePoolExecutor: the Executor interface over a NativePool of Rust OS threads. `fn` is a
// kernel name; a `map` chunk is one `NativePool.map` call (one crossing into Rust per chunk).
//
// When a task starts: NativePool does not tell JavaScript when a thread picks a task up, so
// this executor follows CPython's process-pool rule: a task is RUNNING once it is handed to the
// pool, and only `threads + 1` calls are handed over at a time (CPython: max_workers +
// EXTRA_QUEUED_CALLS). The rest wait here, PENDING, where `cancel()` still wins.
//
//   submit/map ──> #waiting (PENDING, cancellable) ──(at most threads + 1 in flight)──> NativePool
//                                                     setRunningOrNotifyCancel()  ─┘  settles ─> _settle
//
// An aborted running task: its future rejects with the AbortError at once and the kernel's
// result is dropped; the call keeps its in-flight slot until the kernel really returns, so the
// bound on the threads' work holds. (NativePool's per-task abort plugs in at `#start`.)
import { availableParallelism } from 'node:os';
import { outOfRange, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { type KernelInfo, type KernelName, kernelInfo } from '../native/kernel-table.js';
import { checkArgs, flatten, NativePool } from '../native/pool.js';
import { Executor, type WorkItem } from './executor.js';
import { maxWorkersOf } from './options.js';

/** Options of {@link NativePoolExecutor}. */
export interface NativePoolExecutorOptions {
  /** How many native OS threads (1..1024). @default os.availableParallelism() */
  maxWorkers?: number | undefined;
}

/** The most threads a NativePool takes. */
const MAX_THREADS = 1024;
/** Calls handed to the pool beyond one per thread, so no thread waits for JavaScript. */
const EXTRA_QUEUED_CALLS = 1;

type Item = WorkItem<KernelInfo>;
type AnySubmit = (kernel: string, ...args: number[]) => Promise<unknown>;

/**
 * An executor whose tasks are native kernels run on Rust OS threads (no worker_threads, no
 * processes): `fn` is a kernel name (`'bruteGcd'`, `'gcd'`, `'factorize'`, `'sleep'`), checked
 * at the call; `map` items are tuples spread into the kernel (`[a, b]`; a bare number for
 * one-argument kernels). The threads start with the first task and never keep the process alive.
 *
 * @example
 * const executor = new NativePoolExecutor({ maxWorkers: 2 });
 * console.log(await executor.submit('bruteGcd', 324435212, 23342412)); // 4
 * for await (const g of executor.map('bruteGcd', [[12, 18], [7134890, 873490]])) console.log(g);
 * await executor.shutdown();
 */
export class NativePoolExecutor extends Executor<KernelName, KernelInfo> {
  readonly #threads: number;
  #pool: NativePool | undefined;
  #closed = false;
  // The tasks not handed to the pool yet, FIFO (`#head` avoids O(n) shifts).
  #waiting: Item[] = [];
  #head = 0;
  // Calls handed to the pool that have not returned (aborted ones included), and the kernel
  // calls they carry (a chunk carries one per input), for `stats().idle`.
  #inFlight = 0;
  #load = 0;

  /**
   * @throws {ValueError} if `maxWorkers` < 1; RangeError `ERR_OUT_OF_RANGE` if it is not an
   *   integer or above 1024; TypeError `ERR_INVALID_ARG_TYPE` if it is not a number.
   */
  constructor(options: NativePoolExecutorOptions = {}) {
    super();
    const opts = validateOptions(options);
    validateKnownKeys(opts, ['maxWorkers']);
    this.#threads = maxWorkersOf(opts.maxWorkers, availableParallelism());
    if (this.#threads > MAX_THREADS) {
      throw outOfRange('options.maxWorkers', `an integer >= 1 and <= ${MAX_THREADS}`, this.#threads);
    }
  }

  /** The number of native threads (`maxWorkers`). */
  get maxWorkers(): number {
    return this.#threads;
  }

  protected override _prepare(fn: unknown): KernelInfo {
    return kernelInfo(fn);
  }

  protected override _argsOfItem(item: unknown): readonly unknown[] {
    return Array.isArray(item) ? item : [item];
  }

  protected override _prepareArgs(task: KernelInfo, args: readonly unknown[], chunk: boolean): readonly unknown[] {
    // A chunk travels as one flat Float64Array (what NativePool.map copies without per-item work).
    if (chunk) return [flatten(task, args)];
    checkArgs(task, args, (i) => task.params[i] ?? `arg${i}`);
    return args;
  }

  protected override _dispatch(items: readonly Item[]): void {
    for (const item of items) this.#waiting.push(item);
    this.#pump();
  }

  protected override _abort(item: Item, error: Error): void {
    // The kernel cannot be stopped through today's NativePool: reject now, drop its result.
    this._settle(item, false, error);
  }

  protected override async _close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }

  protected override _workers(): { workers: number; idle: number } {
    if (!this.#pool) return { workers: 0, idle: 0 };
    return { workers: this.#threads, idle: this.#threads - Math.min(this.#threads, this.#load) };
  }

  /** Hands waiting tasks to the pool while fewer than `threads + 1` calls are in flight. */
  #pump(): void {
    while (this.#inFlight < this.#threads + EXTRA_QUEUED_CALLS && this.#head < this.#waiting.length) {
      const item = this.#waiting[this.#head++]!;
      // Cancelled while waiting: CANCELLED -> CANCELLED_AND_NOTIFIED, and skip it.
      if (item.future.cancelled()) {
        item.future.setRunningOrNotifyCancel();
        continue;
      }
      // Settled from outside (a Future's setters are public): nothing to run.
      if (item.future.done()) continue;
      item.future.setRunningOrNotifyCancel();
      this.#start(item);
    }
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Hands one task (a call, or a chunk as one NativePool.map) to the pool. */
  #start(item: Item): void {
    let pool: NativePool;
    try {
      pool = this.#pool ??= new NativePool({ threads: this.#threads });
    } catch (error) {
      // The OS refused the threads: this task fails, a later one tries again.
      this._settle(item, false, error);
      return;
    }
    const kernel = item.task;
    // Where NativePool gains per-task abort, pass `{ signal: item.signal }` to these two calls.
    let load: number;
    let call: Promise<unknown>;
    if (item.chunk) {
      const flat = item.args[0] as Float64Array;
      load = flat.length / kernel.params.length;
      call = pool.map(kernel.name, flat);
    } else {
      load = 1;
      call = (pool.submit as AnySubmit)(kernel.name, ...(item.args as number[]));
    }
    this.#inFlight++;
    this.#load += load;
    const returned = (): void => {
      this.#inFlight--;
      this.#load -= load;
      if (!this.#closed) this.#pump();
    };
    call.then(
      (value) => {
        returned();
        this._settle(item, true, value);
      },
      (error: unknown) => {
        returned();
        this._settle(item, false, error);
      },
    );
  }
}
