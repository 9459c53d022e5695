// NativePoolExecutor: the Executor interface over a NativePool of Rust OS threads. `fn` is a
// kernel name; a `map` chunk is one `NativePool.map` call (one crossing into Rust per chunk).
//
// Every task is handed to the pool at once (one crossing per tick, as NativePool batches) as a
// *controlled* task: it owns a status word that the pool thread moves to RUNNING when it picks
// the task up (src/native/task.ts). The future reads that word through its start probe, so
// `running()` and `cancel()` are exact: `cancel()` wins only while the task is still queued in
// Rust, and then it never runs. An aborted running task stops at the kernel's next
// cancellation check (a few milliseconds of work) and its future rejects at once.
//
//   submit/map ──> _dispatch ──> submitTask/mapTask (controlled) ──> pool threads
//        future[kProbe] = { started: state !== 'queued', claim: task.cancel() }
//        task.promise settles ──> _settle
import { availableParallelism } from 'node:os';
import { outOfRange, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { type KernelInfo, type KernelName, kernelInfo } from '../native/kernel-table.js';
import { checkArgs, flatten, mapTask, NativePool, type NativeTask, submitTask } from '../native/pool.js';
import { Executor, type WorkItem } from './executor.js';
import { kProbe } from './future.js';
import { maxWorkersOf } from './options.js';

/** Options of {@link NativePoolExecutor}. */
export interface NativePoolExecutorOptions {
  /** How many native OS threads (1..1024). @default os.availableParallelism() */
  maxWorkers?: number | undefined;
}

/** The most threads a NativePool takes. */
const MAX_THREADS = 1024;

type Item = WorkItem<KernelInfo>;

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
  // The controls of every task handed to the pool and not settled yet.
  readonly #tasks = new Map<Item, NativeTask<unknown>>();

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
    // (A copy: flatten() may return a view over NativePool's scratch buffer, reused by the next call.)
    if (chunk) return [Float64Array.from(flatten(task, args) as Float64Array)];
    checkArgs(task, args, (i) => task.params[i] ?? `arg${i}`);
    return args;
  }

  protected override _dispatch(items: readonly Item[]): void {
    let pool: NativePool;
    try {
      pool = this.#pool ??= new NativePool({ threads: this.#threads });
    } catch (error) {
      // The OS refused the threads: these tasks fail, a later one tries again.
      for (const item of items) this._settle(item, false, error);
      return;
    }
    for (const item of items) this.#start(pool, item);
  }

  protected override _abort(item: Item, error: Error): void {
    // Stops the kernel at its next cancellation check; the future rejects now.
    this.#tasks.get(item)?.abort((error as { cause?: unknown }).cause);
    this._settle(item, false, error);
  }

  protected override async _close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }

  protected override _workers(): { workers: number; idle: number } {
    if (!this.#pool) return { workers: 0, idle: 0 };
    let running = 0;
    for (const task of this.#tasks.values()) if (task.state === 'running') running++;
    return { workers: this.#threads, idle: this.#threads - Math.min(this.#threads, running) };
  }

  /** Hands one task (a call, or a chunk as one NativePool.map) to the pool, controlled. */
  #start(pool: NativePool, item: Item): void {
    // Settled from outside (a Future's setters are public): nothing to run.
    if (item.future.done()) return;
    const kernel = item.task;
    const task = item.chunk
      ? mapTask(pool, kernel.name as KernelName, item.args[0] as Float64Array)
      : submitTask(pool, kernel.name as KernelName, item.args as never);
    item.future[kProbe] = { started: () => task.state !== 'queued', claim: () => task.cancel() };
    this.#tasks.set(item, task);
    task.promise.then(
      (value) => {
        this.#tasks.delete(item);
        this._settle(item, true, value);
      },
      (error: unknown) => {
        this.#tasks.delete(item);
        // A task cancelled through its probe rejects too: the executor has now noticed
        // (CANCELLED -> CANCELLED_AND_NOTIFIED, as a CPython worker that skips it).
        if (item.future.state === 'CANCELLED') item.future.setRunningOrNotifyCancel();
        else this._settle(item, false, error);
      },
    );
  }
}
