// NativePool: a pool of Rust OS threads running the native kernels, off the event loop.
//
// Submissions of one JavaScript tick are packed into a Float64Array and cross into Rust once
// (flushed in a microtask, or early every FLUSH_AT tasks); results come back in bursts through
// one threadsafe function per thread (see completions.ts). `map` crosses once per call.
//
// ## Controlled tasks (AbortSignal, and the internal API for NativePoolExecutor)
// A task or batch submitted with a signal (`submitWith`, `map(..., { signal })`), or through
// the internal `submitTask` / `mapTask` below, owns a status word (control.ts, task.ts) that the pool
// thread moves to RUNNING, with an acquire-release compare-and-swap, when it picks the task.
// Aborting is one compare-and-swap from JavaScript, with no call into the addon: a QUEUED task
// never runs, a RUNNING one stops at its next cancellation check (at most a few milliseconds
// of work away: kernels poll every 2^16 iterations, sleeps every 5 ms) and its result is
// dropped; the promise rejects at once with an AbortError. Plain `submit`/`map` carry no word
// and pay nothing for this: the word travels in the high part of the kernel field.
//
// Internal API (not in API.md), for src/futures' NativePoolExecutor:
//   submitTask(pool, kernel, args, options?) -> NativeTask<result>
//   mapTask(pool, kernel, inputs, options?)  -> NativeTask<results>
//   task.promise   the result (rejects with an AbortError, cause = reason, once aborted)
//   task.state     'queued' | 'running' | 'finished', exact at the moment it is read
//   task.cancel()  Python's Future.cancel(): only while queued; true if it will never run
//   task.abort(r)  AbortSignal semantics: queued or running; true if it stopped it
import { availableParallelism } from 'node:os';
import { withCode } from '../internal/errors.js';
import { RuntimeError } from '../internal/python-errors.js';
import { invalidArgType, outOfRange, SAFE_UINT_RANGE, validateInteger, validateOptions } from '../internal/validate.js';
import { binding } from './binding.js';
import { client, expect, fail, lastExpected, type Shape } from './completions.js';
import { type KernelInfo, type KernelName, kernelInfo } from './kernel-table.js';
import { aborted, ControlledTask, type NativeTask, type NativeTaskOptions, refusedTask, taskSignal } from './task.js';

export type { NativeTask, NativeTaskOptions, NativeTaskState } from './task.js';

/** Options of {@link NativePool}. */
export interface NativePoolOptions {
  /** How many OS threads (1..1024). @default os.availableParallelism() */
  threads?: number;
}

/** What a kernel resolves to. */
export type KernelResult<K extends KernelName> = K extends 'factorize'
  ? number[]
  : K extends 'sleep'
    ? undefined
    : number;

/** The arguments of a kernel. */
export type KernelArgs<K extends KernelName> = K extends 'bruteGcd' | 'gcd'
  ? [a: number, b: number]
  : K extends 'factorize'
    ? [n: number]
    : [ms: number];

/** One input of `map` for a kernel: a tuple, or a bare number for one-argument kernels. */
export type KernelInput<K extends KernelName> = K extends 'bruteGcd' | 'gcd'
  ? readonly [number, number]
  : number | readonly [number];

/** The typed arrays `map` takes flat inputs from (BigInt arrays and DataView are refused). */
export type NumericTypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/**
 * What `map` resolves to for flat typed-array inputs: typed in, typed out (a `Float64Array`)
 * for the kernels that return a number; an array for the others.
 */
export type KernelTypedResults<K extends KernelName> = K extends 'factorize'
  ? number[][]
  : K extends 'sleep'
    ? undefined[]
    : Float64Array;

/** Fields per task in the wire array: `[id, kernelField, arg0, arg1]`. */
const TASK_FIELDS = 4;
/** Flush early once this many tasks are waiting, so a long submit loop overlaps the work. */
const FLUSH_AT = 8192;

// Pools that are garbage-collected without close(): close them natively (without waiting).
const leaked = new FinalizationRegistry<number>((handle) => {
  try {
    binding().poolRelease(handle);
  } catch {
    // The environment is shutting down; its cleanup hook closes the pool anyway.
  }
});

function closedError(): RuntimeError {
  return withCode(new RuntimeError('cannot submit to a closed NativePool'), 'ERR_NATIVE_POOL_CLOSED');
}

/** Validates one kernel call's arguments (arity, safe non-negative integers). @internal */
export function checkArgs(kernel: KernelInfo, args: readonly unknown[], where: (i: number) => string): void {
  if (args.length !== kernel.params.length) {
    throw withCode(
      new TypeError(
        `${kernel.name}(${kernel.params.join(', ')}) takes ${kernel.params.length} argument` +
          `${kernel.params.length === 1 ? '' : 's'}; received ${args.length}`,
      ),
      'ERR_INVALID_ARG_TYPE',
    );
  }
  for (let i = 0; i < args.length; i++) {
    const value = args[i];
    if (typeof value !== 'number') throw invalidArgType(where(i), 'of type number', value);
    if (!Number.isSafeInteger(value) || value < 0) throw outOfRange(where(i), SAFE_UINT_RANGE, value);
  }
}

/** The shape of a batch result: typed in, typed out for number kernels. */
function batchShape(kernel: KernelInfo, fromTuples: boolean): Shape {
  if (kernel.result === 'list') return 'lists';
  if (kernel.result === 'void') return 'voids';
  return fromTuples ? 'numbers' : 'floats';
}

// Set by NativePool's static block: the internal functions below reach its private methods.
let submitTaskOf: (
  pool: NativePool,
  kernel: unknown,
  args: readonly unknown[],
  options: NativeTaskOptions | undefined,
) => NativeTask<unknown>;
let mapTaskOf: (
  pool: NativePool,
  kernel: unknown,
  inputs: unknown,
  options: NativeTaskOptions | undefined,
) => NativeTask<unknown>;

/**
 * A pool of native OS threads (Rust `std::thread`) that runs the kernels in parallel without
 * ever blocking the event loop.
 *
 * @example
 * const pool = new NativePool({ threads: 2 });
 * await pool.submit('bruteGcd', 324435212, 23342412); // 4
 * await pool.map('bruteGcd', [[12, 18], [7134890, 873490]]); // [6, 10]
 * await pool.close();
 */
export class NativePool {
  static {
    submitTaskOf = (pool, kernel, args, options) => pool.#submitTask(kernel, args, options);
    mapTaskOf = (pool, kernel, inputs, options) => pool.#mapTask(kernel, inputs, options);
  }

  readonly #handle: number;
  readonly #size: number;
  #closed = false;
  #closing: Promise<void> | undefined;
  #queued: number[] = [];
  /** The controlled tasks among `#queued`, to release their words if the addon refuses them. */
  #queuedControls: Array<ControlledTask<unknown>> = [];
  #flushScheduled = false;
  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const queued = this.#queued;
    if (queued.length === 0) return;
    this.#queued = [];
    const controls = this.#queuedControls;
    if (controls.length > 0) this.#queuedControls = [];
    try {
      binding().poolSubmit(this.#handle, new Float64Array(queued));
    } catch (error) {
      for (const task of controls) task.refused(error);
      for (let i = 0; i < queued.length; i += TASK_FIELDS) fail(queued[i]!, error);
    }
  };

  /** Starts the threads. @throws {RangeError} `ERR_OUT_OF_RANGE` unless 1 <= threads <= 1024. */
  constructor(options: NativePoolOptions = {}) {
    const { threads = availableParallelism() } = validateOptions(options);
    validateInteger(threads, 'options.threads', 1, 1024);
    this.#handle = binding().poolCreate(threads, client());
    this.#size = threads;
    leaked.register(this, this.#handle, this);
  }

  /** The number of threads. */
  get size(): number {
    return this.#size;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs one kernel call on a pool thread.
   *
   * @returns a promise of the kernel's result (rejects on bad input: TypeError/RangeError with
   *   Node's codes; `RuntimeError` after `close()`; an `ERR_NATIVE_PANIC` error if native code
   *   panicked, which leaves the pool working).
   * @example await pool.submit('factorize', 12) // [1, 2, 3, 4, 6, 12]
   */
  submit<K extends KernelName>(kernel: K, ...args: KernelArgs<K>): Promise<KernelResult<K>>;
  submit(kernel: KernelName, ...args: readonly unknown[]): Promise<unknown> {
    // The hot path, written out (no helper calls that would make `args` escape).
    let info: KernelInfo;
    try {
      info = kernelInfo(kernel);
      checkArgs(info, args, (i) => info.params[i] ?? `arg${i}`);
      if (this.#closed) throw closedError();
    } catch (error) {
      return Promise.reject(error);
    }
    const id = expect(info.result);
    const promise = lastExpected<unknown>();
    this.#queued.push(id, info.id, args[0] as number, (args[1] as number | undefined) ?? 0);
    if (this.#queued.length >= FLUSH_AT * TASK_FIELDS) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
    return promise;
  }

  /**
   * `submit` with options: `{ signal }` aborts the task (a queued task never runs, a running
   * one stops at its next cancellation check, within a few milliseconds), and the promise then
   * rejects with an `AbortError` (`code: 'ABORT_ERR'`, `cause`: the signal's reason). An
   * already-aborted signal rejects at once.
   *
   * @example await pool.submitWith({ signal: AbortSignal.timeout(100) }, 'sleep', 5000) // AbortError
   */
  submitWith<K extends KernelName>(
    options: NativeTaskOptions,
    kernel: K,
    ...args: KernelArgs<K>
  ): Promise<KernelResult<K>> {
    return this.#submitTask(kernel, args, options).promise as Promise<KernelResult<K>>;
  }

  /**
   * Runs a kernel on many inputs at once, crossing into Rust once for the whole batch; the
   * threads share the inputs (longest first for small batches) and the results come back in
   * input order.
   *
   * `inputs` is an array (or iterable) of tuples (`[a, b]` for two-argument kernels; a bare
   * number or `[n]` for one-argument ones), or a typed array of the numbers laid out flat
   * (`[a0, b0, a1, b1, ...]`), which is copied without per-item overhead. `{ signal }` aborts
   * the whole batch, as for {@link NativePool.submitWith}.
   *
   * @example await pool.map('gcd', [[12, 18], [0, 5]]) // [6, 5]
   * @example await pool.map('gcd', new Uint32Array([12, 18, 0, 5])) // [6, 5]
   */
  map<K extends KernelName>(
    kernel: K,
    inputs: NumericTypedArray,
    options?: NativeTaskOptions,
  ): Promise<KernelTypedResults<K>>;
  map<K extends KernelName>(
    kernel: K,
    inputs: Iterable<KernelInput<K>>,
    options?: NativeTaskOptions,
  ): Promise<Array<KernelResult<K>>>;
  map(kernel: KernelName, inputs: unknown, options?: NativeTaskOptions): Promise<unknown> {
    // Not `async`: an async function's promise settles turns after the one it returns, and
    // then a `close()` resolved in the same native burst would overtake it.
    if (options !== undefined) return this.#mapTask(kernel, inputs, options).promise;
    let info: KernelInfo;
    let flat: ArrayBufferView;
    try {
      info = kernelInfo(kernel);
      flat = flatten(info, inputs);
      if (this.#closed) throw closedError();
    } catch (error) {
      return Promise.reject(error);
    }
    // Keep submission order: tasks submitted before this map are queued before it.
    this.#flush();
    const id = expect(batchShape(info, flat !== inputs));
    const promise = lastExpected<unknown>();
    try {
      binding().poolMap(this.#handle, id, info.id, flat);
    } catch (error) {
      fail(id, error);
    }
    return promise;
  }

  /**
   * Stops accepting work, lets queued work finish, then joins the threads. Idempotent.
   *
   * @example await pool.close()
   */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#flush();
      leaked.unregister(this);
      this.#closing = binding().poolClose(this.#handle);
    }
    return this.#closing;
  }

  /** `await using pool = new NativePool()` closes the pool at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Validates a submission; the kernel. */
  #check(kernel: unknown, args: readonly unknown[]): KernelInfo {
    const info = kernelInfo(kernel);
    checkArgs(info, args, (i) => info.params[i] ?? `arg${i}`);
    if (this.#closed) throw closedError();
    return info;
  }

  /** Queues `[id, field, a, b]` for the next flush. */
  #enqueue(id: number, field: number, args: readonly unknown[]): void {
    this.#queued.push(id, field, args[0] as number, (args[1] as number | undefined) ?? 0);
    if (this.#queued.length >= FLUSH_AT * TASK_FIELDS) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  #submitTask(kernel: unknown, args: readonly unknown[], options: NativeTaskOptions | undefined): NativeTask<unknown> {
    let info: KernelInfo;
    let task: ControlledTask<unknown>;
    try {
      const signal = taskSignal(options);
      info = this.#check(kernel, args);
      if (signal?.aborted) throw aborted(signal.reason);
      // Last: it claims a status word (and may fail, if the runtime refuses external memory).
      task = new ControlledTask<unknown>(info.result, signal);
    } catch (error) {
      return refusedTask(error);
    }
    this.#queuedControls.push(task);
    this.#enqueue(task.id, task.field(info.id), args);
    return task;
  }

  #mapTask(kernel: unknown, inputs: unknown, options: NativeTaskOptions | undefined): NativeTask<unknown> {
    let info: KernelInfo;
    let flat: ArrayBufferView;
    let task: ControlledTask<unknown>;
    try {
      const signal = taskSignal(options);
      info = kernelInfo(kernel);
      flat = flatten(info, inputs);
      if (this.#closed) throw closedError();
      if (signal?.aborted) throw aborted(signal.reason);
      task = new ControlledTask<unknown>(batchShape(info, flat !== inputs), signal);
    } catch (error) {
      return refusedTask(error);
    }
    this.#flush();
    try {
      binding().poolMap(this.#handle, task.id, task.field(info.id), flat);
    } catch (error) {
      task.refused(error);
    }
    return task;
  }
}

/**
 * Internal (NativePoolExecutor): submits one kernel call and returns its controls, so a
 * Future's `running()` and `cancel()` can be exact. Bad input gives a finished task whose
 * promise rejects.
 */
export function submitTask<K extends KernelName>(
  pool: NativePool,
  kernel: K,
  args: KernelArgs<K>,
  options?: NativeTaskOptions,
): NativeTask<KernelResult<K>> {
  return submitTaskOf(pool, kernel, args, options) as NativeTask<KernelResult<K>>;
}

/** Internal (NativePoolExecutor): `pool.map` with the controls of the whole batch. */
export function mapTask<K extends KernelName>(
  pool: NativePool,
  kernel: K,
  inputs: NumericTypedArray,
  options?: NativeTaskOptions,
): NativeTask<KernelTypedResults<K>>;
export function mapTask<K extends KernelName>(
  pool: NativePool,
  kernel: K,
  inputs: Iterable<KernelInput<K>>,
  options?: NativeTaskOptions,
): NativeTask<Array<KernelResult<K>>>;
export function mapTask(
  pool: NativePool,
  kernel: KernelName,
  inputs: unknown,
  options?: NativeTaskOptions,
): NativeTask<unknown> {
  return mapTaskOf(pool, kernel, inputs, options);
}

// The flat copy of tuple inputs is only read during the `poolMap` call (the addon copies it
// before returning), so one buffer serves every call: a fresh 16 MB array per million pairs
// would add external-memory pressure and with it full garbage collections. Held weakly, so an
// idle pool keeps nothing alive.
let scratchBuffer: WeakRef<Float64Array> | undefined;

/** A Float64Array view of `length` numbers over the shared scratch buffer. */
function scratch(length: number): Float64Array {
  let buffer = scratchBuffer?.deref();
  if (buffer === undefined || buffer.length < length) {
    buffer = new Float64Array(Math.max(length, 1024));
    scratchBuffer = new WeakRef(buffer);
  }
  return buffer.subarray(0, length);
}

/** `map`'s inputs as one flat typed array, validated. @internal */
export function flatten(kernel: KernelInfo, inputs: unknown): ArrayBufferView {
  const arity = kernel.params.length;
  if (ArrayBuffer.isView(inputs)) {
    if (inputs instanceof DataView) throw invalidArgType('inputs', 'an array of tuples or a typed array', inputs);
    // The addon validates every element while copying (fast, in Rust).
    return inputs;
  }
  if (inputs === null || typeof inputs !== 'object' || !(Symbol.iterator in inputs)) {
    throw invalidArgType('inputs', 'an array of tuples or a typed array', inputs);
  }
  const list = Array.isArray(inputs) ? inputs : Array.from(inputs as Iterable<unknown>);
  const flat = scratch(list.length * arity);
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (arity === 1 && typeof item === 'number') {
      if (!Number.isSafeInteger(item) || item < 0) throw outOfRange(`inputs[${i}]`, SAFE_UINT_RANGE, item);
      flat[i] = item;
      continue;
    }
    if (!Array.isArray(item)) {
      throw invalidArgType(`inputs[${i}]`, arity === 1 ? 'a number or a 1-tuple' : `a tuple of ${arity} numbers`, item);
    }
    // The fast path allocates nothing per item; a bad item is described by `checkArgs`.
    let ok = item.length === arity;
    for (let j = 0; ok && j < arity; j++) {
      const value = item[j];
      ok = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
      flat[i * arity + j] = value;
    }
    if (!ok) checkArgs(kernel, item, (j) => `inputs[${i}][${j}]`);
  }
  return flat;
}
