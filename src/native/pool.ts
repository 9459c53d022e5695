// NativePool: a pool of Rust OS threads running the native kernels, off the event loop.
//
// Submissions of one JavaScript tick are packed into a Float64Array and cross into Rust once
// (flushed in a microtask, or early every FLUSH_AT tasks); results come back in bursts through
// one threadsafe function per thread (see completions.ts). `map` crosses once per call.
import { availableParallelism } from 'node:os';
import { withCode } from '../internal/errors.js';
import { RuntimeError } from '../internal/python-errors.js';
import { invalidArgType, outOfRange, SAFE_UINT_RANGE, validateInteger, validateOptions } from '../internal/validate.js';
import { binding } from './binding.js';
import { expect, fail, lastExpected, type Shape } from './completions.js';
import { type KernelInfo, type KernelName, kernelInfo } from './kernel-table.js';

/** Options of {@link NativePool}. */
export interface NativePoolOptions {
  /** How many OS threads (1..1024). @default os.availableParallelism() */
  threads?: number;
}

/** What a kernel resolves to. */
export type KernelResult<K extends string> = K extends 'factorize' ? number[] : K extends 'sleep' ? undefined : number;

/** The arguments of a kernel. */
export type KernelArgs<K extends string> = K extends 'bruteGcd' | 'gcd'
  ? [a: number, b: number]
  : K extends 'factorize'
    ? [n: number]
    : K extends 'sleep'
      ? [ms: number]
      : number[];

/** One input of `map` for a kernel: a tuple, or a bare number for one-argument kernels. */
export type KernelInput<K extends string> = K extends 'bruteGcd' | 'gcd'
  ? readonly [number, number]
  : number | readonly [number];

/** Fields per task in the wire array: `[id, kernelId, arg0, arg1]`. */
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

/** The shape of a batch result. */
function batchShape(kernel: KernelInfo): Shape {
  return kernel.result === 'list' ? 'lists' : kernel.result === 'void' ? 'voids' : 'numbers';
}

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
  readonly #handle: number;
  readonly #size: number;
  #closed = false;
  #closing: Promise<void> | undefined;
  #queued: number[] = [];
  #flushScheduled = false;
  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const queued = this.#queued;
    if (queued.length === 0) return;
    this.#queued = [];
    try {
      binding().poolSubmit(this.#handle, new Float64Array(queued));
    } catch (error) {
      for (let i = 0; i < queued.length; i += TASK_FIELDS) fail(queued[i]!, error);
    }
  };

  /** Starts the threads. @throws {RangeError} `ERR_OUT_OF_RANGE` unless 1 <= threads <= 1024. */
  constructor(options: NativePoolOptions = {}) {
    const { threads = availableParallelism() } = validateOptions(options);
    validateInteger(threads, 'options.threads', 1, 1024);
    this.#handle = binding().poolCreate(threads);
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
  submit(kernel: string, ...args: number[]): Promise<unknown>;
  submit(kernel: string, ...args: unknown[]): Promise<unknown> {
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
   * Runs a kernel on many inputs at once, crossing into Rust once for the whole batch; the
   * threads share the inputs (longest first for small batches) and the results come back in
   * input order.
   *
   * `inputs` is an array (or iterable) of tuples (`[a, b]` for two-argument kernels; a bare
   * number or `[n]` for one-argument ones), or a typed array of the numbers laid out flat
   * (`[a0, b0, a1, b1, ...]`), which is copied without per-item overhead.
   *
   * @example await pool.map('gcd', [[12, 18], [0, 5]]) // [6, 5]
   * @example await pool.map('gcd', new Uint32Array([12, 18, 0, 5])) // [6, 5]
   */
  map<K extends KernelName>(
    kernel: K,
    inputs: Iterable<KernelInput<K>> | ArrayBufferView,
  ): Promise<Array<KernelResult<K>>>;
  map(kernel: string, inputs: Iterable<unknown> | ArrayBufferView): Promise<unknown[]>;
  async map(kernel: string, inputs: Iterable<unknown> | ArrayBufferView): Promise<unknown[]> {
    const info = kernelInfo(kernel);
    const flat = flatten(info, inputs);
    if (this.#closed) throw closedError();
    // Keep submission order: tasks submitted before this map are queued before it.
    this.#flush();
    const id = expect(batchShape(info));
    const promise = lastExpected<unknown[]>();
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
  const flat = new Float64Array(list.length * arity);
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
    checkArgs(kernel, item, (j) => `inputs[${i}][${j}]`);
    for (let j = 0; j < arity; j++) flat[i * arity + j] = item[j] as number;
  }
  return flat;
}
