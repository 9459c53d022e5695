// RLock: Python's `threading.RLock`, owned per thread.
//
// Layout (Int32Array): words 0..2 are the mutex of mutex.ts (OWNER holds the owning thread's
// token), word COUNT is the recursion depth. COUNT is written only by the owning thread while it
// owns the lock (set to 1 right after the CAS that takes it, back to 0 before the release), so
// the CAS/exchange on OWNER orders it for the next owner.
import { RuntimeError } from '../internal/python-errors.js';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { kIsOwned, kReleaseSave, kRestoreAsync, kRestoreSync } from '../internal/symbols.js';
import { reportAbandoned } from './abandoned.js';
import { abortError, throwIfAborted } from './abort.js';
import { type Held, hold, holdSync, runExclusive } from './hold.js';
import { ABANDONED, lockAsync, lockSync, MUTEX_WORDS, OWNER, tryLock, unlock } from './mutex.js';
import { type AcquireOptions, acquireSignalOf, lockWaitOf } from './options.js';
import { isTokenDead, ownToken } from './state.js';
import { assertMayBlock } from './wait.js';

const COUNT = MUTEX_WORDS;
const WORDS = MUTEX_WORDS + 1;
const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
let reviving: SharedArrayBuffer | undefined;

/**
 * A re-entrant lock (Python's `threading.RLock`) in shared memory. Ownership is per thread
 * (worker): the owning thread may acquire it again and must release it as many times. Async
 * tasks on one thread share that ownership, so between async tasks use `Lock` (API detail 3).
 *
 * @example
 * const rlock = new RLock();
 * await rlock.acquire();
 * await rlock.acquire(); // same thread: re-entrant
 * rlock.release();
 * rlock.release();
 */
export class RLock {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'RLock';
  #s: Int32Array;

  /** Creates an unlocked re-entrant lock. */
  constructor() {
    const sab = reviving ?? new SharedArrayBuffer(WORDS * 4);
    reviving = undefined;
    this.#s = new Int32Array(sab);
  }

  /**
   * Acquires the lock (re-entering at once if this thread owns it), waiting without blocking
   * the event loop; resolves `false` when not acquired (`blocking: false`, or `timeout` ms).
   * Aborting `signal` gives up as the timeout would and rejects with an `AbortError`.
   * @throws {ValueError} (rejects) for `blocking: false` with a timeout, or a negative timeout other than -1.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    let wait = Number.POSITIVE_INFINITY;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      try {
        wait = lockWaitOf(options);
        signal = acquireSignalOf(options);
        throwIfAborted(signal);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const s = this.#s;
    if (Atomics.load(s, OWNER) === ownToken) {
      Atomics.add(s, COUNT, 1);
      return TRUE;
    }
    if (tryLock(s, 0)) {
      Atomics.store(s, COUNT, 1);
      return TRUE;
    }
    if (wait === 0 && !isTokenDead(Atomics.load(s, OWNER))) return FALSE;
    return this.#acquireAsync(wait, 1, signal);
  }

  async #acquireAsync(wait: number, count: number, signal: AbortSignal | undefined): Promise<boolean> {
    const got = await lockAsync(this.#s, 0, wait, signal);
    if (got === 0) {
      if (signal?.aborted) throw abortError(signal);
      return false;
    }
    if (got === 2) reportAbandoned('RLock');
    Atomics.store(this.#s, COUNT, count);
    return true;
  }

  /**
   * Acquires the lock, blocking this worker thread (same options and result as `acquire`; an
   * already-aborted `signal` throws its `AbortError`).
   * @throws {RuntimeError} always on the main thread.
   */
  acquireSync(options?: AcquireOptions): boolean {
    assertMayBlock('RLock.acquireSync', 'rlock.acquire');
    const wait = options === undefined ? Number.POSITIVE_INFINITY : lockWaitOf(options);
    throwIfAborted(acquireSignalOf(options));
    const s = this.#s;
    if (Atomics.load(s, OWNER) === ownToken) {
      Atomics.add(s, COUNT, 1);
      return true;
    }
    return this.#lockSync(wait, 1);
  }

  /**
   * Acquires one level (as `acquire(options)`) and resolves to a handle that releases it:
   * `using held = await rlock.hold();` is Python's `with rlock:`.
   * @throws {RuntimeError} (rejects) if it was not acquired.
   */
  hold(options?: AcquireOptions): Promise<Held> {
    return hold(this, 'RLock', options);
  }

  /** `hold()` that blocks this worker thread. @throws {RuntimeError} on the main thread, or if not acquired. */
  holdSync(options?: AcquireOptions): Held {
    return holdSync(this, 'RLock', options);
  }

  /** Runs `fn` holding one level of the lock, releasing it however `fn` ends. */
  runExclusive<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    return runExclusive(this, 'RLock', fn, options);
  }

  #lockSync(wait: number, count: number): boolean {
    const s = this.#s;
    let got: number = tryLock(s, 0) ? 1 : 0;
    if (got === 0) got = lockSync(s, 0, wait);
    if (got === 0) return false;
    if (got === 2) reportAbandoned('RLock');
    Atomics.store(s, COUNT, count);
    return true;
  }

  /**
   * Releases one level of ownership; the lock is free once every acquire has been released.
   * @throws {RuntimeError} if this thread does not own the lock.
   */
  release(): void {
    const s = this.#s;
    if (Atomics.load(s, OWNER) !== ownToken) throw new RuntimeError('cannot release un-acquired lock');
    const count = Atomics.sub(s, COUNT, 1) - 1;
    if (count <= 0) {
      Atomics.store(s, COUNT, 0);
      unlock(s, 0);
    }
  }

  /** Whether any thread holds the lock. */
  locked(): boolean {
    const owner = Atomics.load(this.#s, OWNER);
    return owner !== 0 && !isTokenDead(owner);
  }

  /** How many times a thread died while holding this lock and the lock was taken over. */
  get abandoned(): number {
    return Atomics.load(this.#s, ABANDONED);
  }

  /** @internal Condition protocol: owned by the calling thread. */
  [kIsOwned](): boolean {
    return Atomics.load(this.#s, OWNER) === ownToken;
  }

  /** @internal Releases every level at once, returning the depth to restore. */
  [kReleaseSave](): number {
    const s = this.#s;
    if (Atomics.load(s, OWNER) !== ownToken) throw new RuntimeError('cannot release un-acquired lock');
    const count = Atomics.exchange(s, COUNT, 0);
    unlock(s, 0);
    return count;
  }

  /**
   * @internal Takes the lock back with its depth. Not re-entrant on purpose (as CPython's
   * `_acquire_restore`): another task of this thread may hold it meanwhile, and must release it first.
   */
  async [kRestoreAsync](saved: number): Promise<void> {
    if (tryLock(this.#s, 0)) Atomics.store(this.#s, COUNT, saved);
    else await this.#acquireAsync(Number.POSITIVE_INFINITY, saved, undefined);
  }

  /** @internal */
  [kRestoreSync](saved: number): void {
    this.#lockSync(Number.POSITIVE_INFINITY, saved);
  }

  /** @internal The state that crosses threads: the lock's shared words. */
  [kShare](): SharedArrayBuffer {
    return this.#s.buffer as SharedArrayBuffer;
  }
}
Object.defineProperty(RLock.prototype, kKind, { value: 'RLock' });
Object.defineProperty(RLock.prototype, Symbol.toStringTag, { value: 'RLock' });

registerShareable('RLock', (state) => {
  reviving = state as SharedArrayBuffer;
  return new RLock();
});
