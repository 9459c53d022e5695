// Lock: Python's `threading.Lock` over one shared word (see mutex.ts for the protocol).
import { RuntimeError } from '../internal/python-errors.js';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { kIsOwned, kReleaseSave, kRestoreAsync, kRestoreSync } from '../internal/symbols.js';
import { reportAbandoned } from './abandoned.js';
import { abortError, throwIfAborted } from './abort.js';
import { type Held, hold, holdSync, runExclusive } from './hold.js';
import { ABANDONED, lockAsync, lockSync, MUTEX_WORDS, OWNER, tryLock, unlock } from './mutex.js';
import { type AcquireOptions, acquireSignalOf, lockWaitOf } from './options.js';
import { isTokenDead } from './state.js';
import { assertMayBlock } from './wait.js';

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
let reviving: SharedArrayBuffer | undefined;

/**
 * A primitive lock (Python's `threading.Lock`) in shared memory: not owned (any thread may
 * release it), not re-entrant. Works between async tasks on one thread, between workers, and
 * between the main thread and workers; pass it as a `Thread` argument to share it.
 *
 * If the thread holding it *dies* (`process.exit()`, an uncaught error, `worker.terminate()`),
 * the next acquirer takes it over within about 100 ms instead of waiting forever; `abandoned`
 * counts such takeovers and a `NogilWarning` is emitted. A thread that merely *finishes* (its
 * target returns or throws) leaves the lock held, as in Python, where another thread may
 * release it.
 *
 * @example
 * const lock = new Lock();
 * await lock.runExclusive(() => { shared.value += 1; });
 * // Python's `with lock:` (TypeScript 5.2+ / explicit resource management):
 * { using held = await lock.hold(); shared.value += 1; }
 */
export class Lock {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'Lock';
  #s: Int32Array;

  /** Creates an unlocked lock. */
  constructor() {
    const sab = reviving ?? new SharedArrayBuffer(MUTEX_WORDS * 4);
    reviving = undefined;
    this.#s = new Int32Array(sab);
  }

  /**
   * Acquires the lock, waiting without blocking the event loop. Resolves `true` once acquired,
   * `false` if `blocking` is false and the lock is taken, or when `timeout` (ms) expires.
   * Aborting `signal` gives up as the timeout would (the lock is not taken) and rejects with an
   * `AbortError`.
   * @throws {ValueError} (rejects) for `blocking: false` with a timeout, or a negative timeout
   * other than -1 (which, as in Python, means no timeout).
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    if (options === undefined) {
      if (tryLock(this.#s, 0)) return TRUE;
      return this.#acquireAsync(Number.POSITIVE_INFINITY, undefined);
    }
    let wait: number;
    let signal: AbortSignal | undefined;
    try {
      wait = lockWaitOf(options);
      signal = acquireSignalOf(options);
      throwIfAborted(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (tryLock(this.#s, 0)) return TRUE;
    if (wait === 0 && !this.#ownerDead()) return FALSE;
    return this.#acquireAsync(wait, signal);
  }

  async #acquireAsync(wait: number, signal: AbortSignal | undefined): Promise<boolean> {
    const got = await lockAsync(this.#s, 0, wait, signal);
    if (got === 2) reportAbandoned('Lock');
    if (got === 0 && signal?.aborted) throw abortError(signal);
    return got !== 0;
  }

  /**
   * Acquires the lock, blocking this worker thread (same options and result as `acquire`; an
   * already-aborted `signal` throws its `AbortError`, a later abort cannot reach a blocked thread).
   * @throws {RuntimeError} always on the main thread.
   */
  acquireSync(options?: AcquireOptions): boolean {
    assertMayBlock('Lock.acquireSync', 'lock.acquire');
    const wait = options === undefined ? Number.POSITIVE_INFINITY : lockWaitOf(options);
    throwIfAborted(acquireSignalOf(options));
    if (tryLock(this.#s, 0)) return true;
    const got = lockSync(this.#s, 0, wait);
    if (got === 2) reportAbandoned('Lock');
    return got !== 0;
  }

  /**
   * Acquires the lock (as `acquire(options)`) and resolves to a handle that releases it:
   * `using held = await lock.hold();` is Python's `with lock:`.
   * @throws {RuntimeError} (rejects) if it was not acquired (`timeout` expired, `blocking: false`).
   */
  hold(options?: AcquireOptions): Promise<Held> {
    return hold(this, 'Lock', options);
  }

  /** `hold()` that blocks this worker thread. @throws {RuntimeError} on the main thread, or if not acquired. */
  holdSync(options?: AcquireOptions): Held {
    return holdSync(this, 'Lock', options);
  }

  /**
   * Runs `fn` holding the lock and releases it however `fn` ends (async-mutex's name).
   * @example await lock.runExclusive(async () => { shared.value += 1; });
   */
  runExclusive<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    return runExclusive(this, 'Lock', fn, options);
  }

  /**
   * Releases the lock (from any thread or task, as in Python).
   * @throws {RuntimeError} if the lock is not locked.
   */
  release(): void {
    if (unlock(this.#s, 0) === 0) throw new RuntimeError('release unlocked lock');
  }

  /** Whether the lock is held (a lock whose holder died counts as free). */
  locked(): boolean {
    const owner = Atomics.load(this.#s, OWNER);
    return owner !== 0 && !isTokenDead(owner);
  }

  /** How many times a thread died while holding this lock and the lock was taken over. */
  get abandoned(): number {
    return Atomics.load(this.#s, ABANDONED);
  }

  #ownerDead(): boolean {
    return isTokenDead(Atomics.load(this.#s, OWNER));
  }

  /** @internal Condition protocol: a plain Lock counts as owned when it is locked (as in Python). */
  [kIsOwned](): boolean {
    return this.locked();
  }

  /** @internal */
  [kReleaseSave](): number {
    this.release();
    return 1;
  }

  /** @internal */
  async [kRestoreAsync](_saved: number): Promise<void> {
    if (!tryLock(this.#s, 0)) await this.#acquireAsync(Number.POSITIVE_INFINITY, undefined);
  }

  /** @internal */
  [kRestoreSync](_saved: number): void {
    if (!tryLock(this.#s, 0) && lockSync(this.#s, 0, Number.POSITIVE_INFINITY) === 2) reportAbandoned('Lock');
  }

  /** @internal The state that crosses threads: the lock's shared words. */
  [kShare](): SharedArrayBuffer {
    return this.#s.buffer as SharedArrayBuffer;
  }
}
Object.defineProperty(Lock.prototype, kKind, { value: 'Lock' });
Object.defineProperty(Lock.prototype, Symbol.toStringTag, { value: 'Lock' });

registerShareable('Lock', (state) => {
  reviving = state as SharedArrayBuffer;
  return new Lock();
});
