// Semaphore and BoundedSemaphore: Python's counting semaphores over shared words.
//
// Layout (Int32Array):
//   [VALUE]    the counter; decremented only by a successful compare-exchange from a positive
//              value, incremented by release(). Waiters sleep on it while it is 0.
//   [WAITERS]  acquirers sleeping (or about to sleep) on VALUE. Incremented before the waiter's
//              first CAS; release() adds to VALUE before reading it (sequentially consistent),
//              so a release either sees the waiter and notifies or the waiter sees the value.
//   [BOUND]    the initial value for a BoundedSemaphore, -1 for a plain Semaphore.
import { ValueError } from '../internal/python-errors.js';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { invalidArgType, outOfRange } from '../internal/validate.js';
import { abortError, expired, throwIfAborted } from './abort.js';
import { driveAsync, driveSync, type Sleep } from './drive.js';
import { type Held, hold, holdSync, runExclusive } from './hold.js';
import { type AcquireOptions, acquireSignalOf, semaphoreWaitOf } from './options.js';
import { assertMayBlock, deadlineOf, remainingUntil } from './wait.js';

const VALUE = 0;
const WAITERS = 1;
const BOUND = 2;
const WORDS = 3;
const INT32_MAX = 0x7fffffff;
const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
let reviving: SharedArrayBuffer | undefined;
// Set by BoundedSemaphore's constructor just before super(): the new counter is also its bound.
let makingBounded = false;

function validateCount(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
}

/**
 * A counting semaphore (Python's `threading.Semaphore`) in shared memory: `acquire()` waits
 * while the counter is 0 and decrements it; `release(n)` adds `n` and wakes up to `n` waiters.
 *
 * @example
 * const slots = new Semaphore(3); // at most 3 at a time
 * await slots.acquire();
 * try { await download(); } finally { slots.release(); }
 */
export class Semaphore {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'Semaphore' | 'BoundedSemaphore';
  #s: Int32Array;

  /**
   * Creates a semaphore with counter `value` (default 1).
   * @throws {ValueError} if `value` is negative.
   */
  constructor(value = 1) {
    if (reviving) {
      this.#s = new Int32Array(reviving);
      reviving = undefined;
      return;
    }
    validateCount(value, 'value');
    if (value < 0) throw new ValueError('semaphore initial value must be >= 0');
    if (value > INT32_MAX) throw outOfRange('value', `<= ${INT32_MAX}`, value);
    const s = new Int32Array(new SharedArrayBuffer(WORDS * 4));
    s[VALUE] = value;
    s[BOUND] = makingBounded ? value : -1;
    makingBounded = false;
    this.#s = s;
  }

  #tryDown(): boolean {
    const s = this.#s;
    let v = Atomics.load(s, VALUE);
    while (v > 0) {
      const prev = Atomics.compareExchange(s, VALUE, v, v - 1);
      if (prev === v) return true;
      v = prev;
    }
    return false;
  }

  /**
   * Decrements the counter, waiting (without blocking the event loop) while it is 0. Resolves
   * `false` if `blocking` is false and the counter is 0, or when `timeout` ms expire. Aborting
   * `signal` gives up as the timeout would (no unit taken) and rejects with an `AbortError`.
   * @throws {ValueError} (rejects) for `blocking: false` with a timeout.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    let wait = Number.POSITIVE_INFINITY;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      try {
        wait = semaphoreWaitOf(options);
        signal = acquireSignalOf(options);
        throwIfAborted(signal);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#tryDown()) return TRUE;
    if (wait === 0) return FALSE;
    return this.#acquireAsync(wait, signal);
  }

  async #acquireAsync(wait: number, signal: AbortSignal | undefined): Promise<boolean> {
    Atomics.add(this.#s, WAITERS, 1);
    let got: boolean;
    try {
      got = await driveAsync(this.#down(deadlineOf(wait), signal), signal);
    } finally {
      Atomics.sub(this.#s, WAITERS, 1);
    }
    if (!got && signal?.aborted) throw abortError(signal);
    return got;
  }

  /**
   * Takes one unit, sleeping on the value word while it is 0, until the deadline or an abort
   * (`false`). Written once for `acquire` and `acquireSync` (drive.ts); the kernel compares the
   * word with 0 before sleeping, so a release between the check and the sleep is never missed.
   */
  *#down(deadline: number, signal?: AbortSignal): Generator<Sleep, boolean, void> {
    for (;;) {
      if (this.#tryDown()) return true;
      if (expired(remainingUntil(deadline), signal)) return false;
      yield { arr: this.#s, index: VALUE, value: 0, deadline };
    }
  }

  /**
   * `acquire()` that blocks this worker thread (an already-aborted `signal` throws its `AbortError`).
   * @throws {RuntimeError} always on the main thread.
   */
  acquireSync(options?: AcquireOptions): boolean {
    assertMayBlock(`${this[kKind]}.acquireSync`, 'semaphore.acquire');
    const wait = options === undefined ? Number.POSITIVE_INFINITY : semaphoreWaitOf(options);
    throwIfAborted(acquireSignalOf(options));
    if (this.#tryDown()) return true;
    if (wait === 0) return false;
    Atomics.add(this.#s, WAITERS, 1);
    try {
      return driveSync(this.#down(deadlineOf(wait)));
    } finally {
      Atomics.sub(this.#s, WAITERS, 1);
    }
  }

  /**
   * Takes one unit (as `acquire(options)`) and resolves to a handle that gives it back:
   * `using slot = await sem.hold();` is Python's `with sem:`.
   * @throws {RuntimeError} (rejects) if no unit was taken (`timeout` expired, `blocking: false`).
   */
  hold(options?: AcquireOptions): Promise<Held> {
    return hold(this, this[kKind], options);
  }

  /** `hold()` that blocks this worker thread. @throws {RuntimeError} on the main thread, or if not acquired. */
  holdSync(options?: AcquireOptions): Held {
    return holdSync(this, this[kKind], options);
  }

  /** Runs `fn` holding one unit, giving it back however `fn` ends. */
  runExclusive<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    return runExclusive(this, this[kKind], fn, options);
  }

  /**
   * Adds `n` (default 1) to the counter and wakes up to `n` waiters.
   * @throws {ValueError} if `n < 1`, or (BoundedSemaphore) if the counter would exceed its initial value.
   */
  release(n = 1): void {
    validateCount(n, 'n');
    if (n < 1) throw new ValueError('n must be one or more');
    const s = this.#s;
    const bound = Atomics.load(s, BOUND);
    let v = Atomics.load(s, VALUE);
    for (;;) {
      if (bound >= 0 && v + n > bound) throw new ValueError('Semaphore released too many times');
      if (v + n > INT32_MAX) throw outOfRange('n', `small enough to keep the counter <= ${INT32_MAX}`, n);
      const prev = Atomics.compareExchange(s, VALUE, v, v + n);
      if (prev === v) break;
      v = prev;
    }
    if (Atomics.load(s, WAITERS) !== 0) Atomics.notify(s, VALUE, n);
  }

  /** @internal The state that crosses threads: the shared words. */
  [kShare](): SharedArrayBuffer {
    return this.#s.buffer as SharedArrayBuffer;
  }
}
Object.defineProperty(Semaphore.prototype, kKind, { value: 'Semaphore', configurable: true });
Object.defineProperty(Semaphore.prototype, Symbol.toStringTag, { value: 'Semaphore', configurable: true });

/**
 * A semaphore that refuses to be released above its initial value (Python's
 * `threading.BoundedSemaphore`): an extra `release()` throws `ValueError`.
 */
export class BoundedSemaphore extends Semaphore {
  /** Creates a bounded semaphore with counter and bound `value` (default 1). */
  constructor(value = 1) {
    makingBounded = reviving === undefined;
    try {
      super(value);
    } finally {
      makingBounded = false;
    }
  }
}
Object.defineProperty(BoundedSemaphore.prototype, kKind, { value: 'BoundedSemaphore' });
Object.defineProperty(BoundedSemaphore.prototype, Symbol.toStringTag, { value: 'BoundedSemaphore' });

registerShareable('Semaphore', (state) => {
  reviving = state as SharedArrayBuffer;
  return new Semaphore();
});
registerShareable('BoundedSemaphore', (state) => {
  reviving = state as SharedArrayBuffer;
  return new BoundedSemaphore();
});
