// Future: Python's concurrent.futures.Future, awaitable.
//
// States and transitions (CPython's _base.py):
//
//   PENDING ──cancel()──────────────> CANCELLED ──setRunningOrNotifyCancel()──> CANCELLED_AND_NOTIFIED
//      │
//      ├──setRunningOrNotifyCancel()──> RUNNING ──setResult/setException──> FINISHED
//      └──setResult/setException──────────────────────────────────────────> FINISHED
//
// `cancel()` succeeds only while PENDING (a running or finished future cannot be cancelled).
// Done callbacks run synchronously in the settling call, in registration order; one that
// throws is reported as a process warning and the others still run.
//
// Batched executors do not tell the main thread when each task starts (that is what batching
// saves); they attach a *probe* (`kProbe`) instead: a view of the task's state slot in shared
// memory that the worker flips when it starts the task. `running()`, `cancel()` and friends
// consult the probe, so they stay exact: `cancel()` wins only if it flips the slot first.
import { abortErrorWith } from '../internal/abort.js';
import { invalidArgType } from '../internal/validate.js';
import { CancelledError, InvalidStateError, TimeoutError, unexpectedState } from './errors.js';
import { longTimeout, timeoutOf } from './timeout.js';

/** A future's state, as CPython names it. */
export type FutureState = 'PENDING' | 'RUNNING' | 'CANCELLED' | 'CANCELLED_AND_NOTIFIED' | 'FINISHED';

/** How a batched executor lets a future see its task's start (internal protocol). */
export interface StartProbe {
  /** Whether the worker has started the task. */
  started(): boolean;
  /** Atomically claims the not-yet-started task for cancellation; false once it started. */
  claim(): boolean;
}

/** The symbol under which an executor attaches a {@link StartProbe} to a future. */
export const kProbe: unique symbol = Symbol('nogil.futures.probe');
/** Internal: cancels a pending future with a cause (an AbortSignal's reason). */
export const kCancelWith: unique symbol = Symbol('nogil.futures.cancelWith');
/** Internal: the observers `wait`/`asCompleted` register (woken on done, cancel included). */
export const kObserve: unique symbol = Symbol('nogil.futures.observe');
/** Internal: whether the future finished with an exception (synchronously). */
export const kFailed: unique symbol = Symbol('nogil.futures.failed');

let nextId = 0;

/**
 * The eventual result of an asynchronous computation (Python's `concurrent.futures.Future`).
 * Executors create futures; `new Future()` is there for executor authors and tests.
 * A future is awaitable: `await future` gives the result or throws the exception
 * (`CancelledError` if it was cancelled).
 *
 * @example
 * const f = executor.submit((a: number, b: number) => a + b, 1, 2);
 * f.addDoneCallback((done) => console.log('finished', done.cancelled()));
 * console.log(await f); // 3
 */
export class Future<T = unknown> implements PromiseLike<T> {
  #state: FutureState = 'PENDING';
  #result: T | undefined;
  #exception: unknown = null;
  #failed = false;
  #cancelCause: unknown;
  // Stored with `never` parameters so that a Future<T> stays assignable to Future<unknown>.
  #callbacks: Array<(future: never) => void> | undefined;
  #observers: Set<(future: never) => void> | undefined;
  #settled: Promise<void> | undefined;
  #resolveSettled: (() => void) | undefined;
  readonly #id = ++nextId;
  /** @internal */
  [kProbe]: StartProbe | undefined;

  /** The state, syncing a batched task's start from its probe. */
  #sync(): FutureState {
    if (this.#state === 'PENDING' && this[kProbe]?.started()) this.#state = 'RUNNING';
    return this.#state;
  }

  /**
   * Attempts to cancel the future: succeeds (returns true) while it is pending or already
   * cancelled; a running or finished future cannot be cancelled (returns false).
   */
  cancel(): boolean {
    return this[kCancelWith](undefined);
  }

  /** @internal */
  [kCancelWith](cause: unknown): boolean {
    const state = this.#sync();
    if (state === 'RUNNING' || state === 'FINISHED') return false;
    if (state === 'CANCELLED' || state === 'CANCELLED_AND_NOTIFIED') return true;
    const probe = this[kProbe];
    if (probe && !probe.claim()) {
      // The worker started it between our look and the claim.
      this.#state = 'RUNNING';
      return false;
    }
    this.#state = 'CANCELLED';
    this.#cancelCause = cause;
    this.#finish();
    return true;
  }

  /** Whether the future was cancelled. */
  cancelled(): boolean {
    const state = this.#sync();
    return state === 'CANCELLED' || state === 'CANCELLED_AND_NOTIFIED';
  }

  /** Whether the future is running now (started, not finished). */
  running(): boolean {
    return this.#sync() === 'RUNNING';
  }

  /** Whether the future is done: finished with a result or an exception, or cancelled. */
  done(): boolean {
    const state = this.#sync();
    return state === 'FINISHED' || state === 'CANCELLED' || state === 'CANCELLED_AND_NOTIFIED';
  }

  /** The state name (for debugging and executor authors). */
  get state(): FutureState {
    return this.#sync();
  }

  /**
   * Waits for the result: resolves to it, rejects with the task's error, `CancelledError` if
   * the future was cancelled, or `TimeoutError` after `timeout` ms (the task goes on).
   * @param timeout - milliseconds; `undefined`/`null` waits forever; negative is a ValueError.
   */
  async result(timeout?: number | null): Promise<T> {
    await this.#waitDone(timeout);
    return this.#outcome();
  }

  /**
   * Waits like `result()`, then gives the task's error, or `null` if it succeeded (Python's
   * `None`). Rejects with `CancelledError` if cancelled and `TimeoutError` on timeout.
   */
  async exception(timeout?: number | null): Promise<unknown> {
    await this.#waitDone(timeout);
    if (this.cancelled()) throw this.#cancelledError();
    return this.#failed ? this.#exception : null;
  }

  /**
   * Calls `fn(future)` when the future is done (at once, synchronously, if it already is).
   * An error thrown by `fn` is reported as a warning and does not affect other callbacks.
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn);
    if (this.done()) {
      this.#invoke(fn);
      return;
    }
    this.#callbacks ??= [];
    this.#callbacks.push(fn);
  }

  /**
   * Marks the future running, or (if it was cancelled) as cancelled-and-notified. Returns
   * false if it was cancelled (the executor must then not run the task).
   * @throws {InvalidStateError} if the future is running or finished: a bug in the executor
   *   (API item 23). The error is also an instance of `RuntimeError`, the class CPython raises.
   */
  setRunningOrNotifyCancel(): boolean {
    const state = this.#sync();
    if (state === 'CANCELLED') {
      this.#state = 'CANCELLED_AND_NOTIFIED';
      return false;
    }
    if (state === 'PENDING') {
      this.#state = 'RUNNING';
      return true;
    }
    throw unexpectedState(`Future ${this.#id} in unexpected state: ${state}`);
  }

  /** Sets the result. @throws {InvalidStateError} if the future is done already. */
  setResult(value: T): void {
    this.#checkNotDone();
    this.#result = value;
    this.#state = 'FINISHED';
    this.#finish();
  }

  /** Sets the exception. @throws {InvalidStateError} if the future is done already. */
  setException(error: unknown): void {
    this.#checkNotDone();
    this.#exception = error;
    this.#failed = true;
    this.#state = 'FINISHED';
    this.#finish();
  }

  /** Awaitable: `await future` resolves to the result or throws its error. */
  // biome-ignore lint/suspicious/noThenProperty: a Future is awaitable by design (docs/futures.md)
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  /** Like `Promise.prototype.catch`. */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.result().catch(onRejected);
  }

  /** Like `Promise.prototype.finally`. */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.result().finally(onFinally);
  }

  /** `Future<1 state=running>`, as Python's repr. */
  toString(): string {
    const state = this.#sync();
    if (state !== 'FINISHED') return `Future<${this.#id} state=${state.toLowerCase()}>`;
    return this.#failed
      ? `Future<${this.#id} state=finished raised ${(this.#exception as Error)?.name ?? typeof this.#exception}>`
      : `Future<${this.#id} state=finished returned ${typeof this.#result}>`;
  }

  get [Symbol.toStringTag](): string {
    return 'Future';
  }

  /** @internal */
  [kFailed](): boolean {
    return this.#failed;
  }

  /** @internal Calls `fn` once done; returns an unsubscribe function. */
  [kObserve](fn: (future: Future<T>) => void): () => void {
    if (this.done()) {
      fn(this);
      return () => {};
    }
    this.#observers ??= new Set();
    this.#observers.add(fn);
    return () => this.#observers?.delete(fn);
  }

  #checkNotDone(): void {
    const state = this.#sync();
    if (state === 'FINISHED' || state === 'CANCELLED' || state === 'CANCELLED_AND_NOTIFIED') {
      throw new InvalidStateError(`Future ${this.#id} is already done (${state})`);
    }
  }

  #cancelledError(): CancelledError {
    return this.#cancelCause === undefined
      ? new CancelledError()
      : new CancelledError('the future was cancelled', { cause: this.#cancelCause });
  }

  #outcome(): T {
    if (this.cancelled()) throw this.#cancelledError();
    if (this.#failed) throw this.#exception;
    return this.#result as T;
  }

  async #waitDone(timeout: number | null | undefined): Promise<void> {
    const ms = timeoutOf(timeout);
    if (this.done()) return;
    this.#settled ??= new Promise<void>((resolve) => {
      this.#resolveSettled = resolve;
    });
    if (ms === Number.POSITIVE_INFINITY) {
      await this.#settled;
      return;
    }
    const timer = longTimeout(ms);
    try {
      if ((await Promise.race([this.#settled, timer.expired])) === 'timeout' && !this.done()) {
        throw new TimeoutError(`the future did not finish within ${ms} ms`);
      }
    } finally {
      timer.clear();
    }
  }

  #invoke(fn: (future: Future<T>) => void): void {
    try {
      fn(this);
    } catch (error) {
      // Python logs "exception calling callback for <Future>" and goes on.
      process.emitWarning(`exception calling callback for ${this}: ${(error as Error)?.stack ?? String(error)}`, {
        type: 'NogilWarning',
        code: 'NOGIL_FUTURE_CALLBACK',
      });
    }
  }

  #finish(): void {
    this.#resolveSettled?.();
    const observers = this.#observers;
    this.#observers = undefined;
    if (observers) for (const fn of observers) (fn as (future: Future<T>) => void)(this);
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) for (const fn of callbacks) this.#invoke(fn as (future: Future<T>) => void);
  }
}

/** Internal helper for executors: `AbortError` with the signal's reason as cause. */
export function taskAbortError(reason: unknown): Error {
  return abortErrorWith(reason, 'The task was aborted');
}
