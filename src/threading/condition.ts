// Condition: Python's `threading.Condition`, with exact notify(n) semantics across threads.
//
// Each waiter gets its own slot word and sleeps on it, so `notify(n)` wakes exactly the n oldest
// waiters (FIFO, as CPython's deque of waiter locks) and no one else. Layout (Int32Array):
//   [0..3)                    internal mutex (mutex.ts) guarding everything below
//   [HEAD]                    index in ORDER of the oldest waiter
//   [LEN]                     number of waiters in ORDER
//   [FREE_TOP]                number of entries on the FREE stack
//   [SLOTS .. SLOTS+CAP)      per-waiter word: 0 free, NOTIFIED (-1), or the waiter's owner
//                             token (> 0) while it waits; the waiter sleeps while it holds its token
//   [ORDER .. ORDER+CAP)      ring of slot indices, oldest first
//   [FREE .. FREE+CAP)        stack of free slot indices
// Only a waiter registers/unregisters its slot and only notify() sets NOTIFIED, all under the
// internal mutex; the waiter reads its own slot without it. A waiter that stops waiting (timeout)
// removes itself under the mutex: if it was notified meanwhile it reports `true` (the wake-up is
// not lost). notify() skips and frees slots of waiters whose thread died.
import { RuntimeError } from '../internal/python-errors.js';
import {
  fromDescriptor,
  kKind,
  kShare,
  registerShareable,
  type SharedDescriptor,
  toDescriptor,
} from '../internal/shareable.js';
import { kIsOwned, kReleaseSave, kRestoreAsync, kRestoreSync } from '../internal/symbols.js';
import { invalidArgType } from '../internal/validate.js';
import { abortError, expired, type SignalOptions, throwIfAborted, trailingSignal } from './abort.js';
import { driveAsync, driveSync, type Sleep } from './drive.js';
import { type Held, hold, holdSync, runExclusive } from './hold.js';
import { Lock } from './lock.js';
import { lockInternal, MUTEX_WORDS, unlockInternal } from './mutex.js';
import { type AcquireOptions, waitTimeoutOf } from './options.js';
import { RLock } from './rlock.js';
import { isTokenDead, ownToken } from './state.js';
import { assertMayBlock, deadlineOf, remainingUntil } from './wait.js';

/**
 * Sleeps on a waiter's slot word until a notifier overwrites our token in it, or the deadline.
 * Written once for `wait` and `waitSync` (drive.ts); no internal mutex is held across the
 * yield, and none is needed: the kernel compares the word with our token before sleeping.
 */
function* untilNotified(
  s: Int32Array,
  index: number,
  deadline: number,
  signal?: AbortSignal,
): Generator<Sleep, void, void> {
  while (Atomics.load(s, index) === ownToken && !expired(remainingUntil(deadline), signal)) {
    yield { arr: s, index, value: ownToken, deadline };
  }
}

/** How many threads/tasks may wait on one Condition at the same time. */
export const CONDITION_MAX_WAITERS = 1024;

const CAP = CONDITION_MAX_WAITERS;
const HEAD = MUTEX_WORDS;
const LEN = HEAD + 1;
const FREE_TOP = HEAD + 2;
const SLOTS = HEAD + 3;
const ORDER = SLOTS + CAP;
const FREE = ORDER + CAP;
const WORDS = FREE + CAP;
const NOTIFIED = -1;

type ConditionLock = Lock | RLock;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}
let reviving: { sab: SharedArrayBuffer; lock: ConditionLock } | undefined;

/**
 * A condition variable (Python's `threading.Condition`) in shared memory, bound to a `Lock` or
 * `RLock` (by default a new `RLock`, as in Python). `wait()` releases the lock, sleeps until
 * notified, and takes the lock back; `notify(n)` wakes exactly the `n` longest waiters.
 * At most {@link CONDITION_MAX_WAITERS} waiters at a time.
 *
 * @example
 * const cond = new Condition();
 * // consumer
 * await cond.acquire();
 * try { await cond.waitFor(() => items.length > 0); use(items.shift()); } finally { cond.release(); }
 * // producer
 * await cond.acquire();
 * try { items.push(x); cond.notify(); } finally { cond.release(); }
 */
export class Condition {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'Condition';
  #s: Int32Array;
  #lock: ConditionLock;

  /** Creates a condition over `lock` (default: a new `RLock`). */
  constructor(lock?: Lock | RLock) {
    if (reviving) {
      this.#s = new Int32Array(reviving.sab);
      this.#lock = reviving.lock;
      reviving = undefined;
      return;
    }
    if (lock !== undefined && lock !== null && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw invalidArgType('lock', 'an instance of Lock or RLock', lock);
    }
    this.#lock = lock ?? new RLock();
    const s = new Int32Array(new SharedArrayBuffer(WORDS * 4));
    for (let i = 0; i < CAP; i++) s[FREE + i] = CAP - 1 - i;
    s[FREE_TOP] = CAP;
    this.#s = s;
  }

  /** The underlying lock. */
  get lock(): Lock | RLock {
    return this.#lock;
  }

  /** Acquires the underlying lock (see `Lock.acquire` / `RLock.acquire`, `signal` included). */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return this.#lock.acquire(options);
  }

  /** Acquires the underlying lock, blocking this worker (throws on the main thread). */
  acquireSync(options?: AcquireOptions): boolean {
    return this.#lock.acquireSync(options);
  }

  /**
   * Acquires the underlying lock and resolves to a handle that releases it:
   * `using held = await cond.hold();` is Python's `with cond:`.
   * @throws {RuntimeError} (rejects) if it was not acquired.
   */
  hold(options?: AcquireOptions): Promise<Held> {
    return hold(this, 'Condition', options);
  }

  /** `hold()` that blocks this worker thread. @throws {RuntimeError} on the main thread, or if not acquired. */
  holdSync(options?: AcquireOptions): Held {
    return holdSync(this, 'Condition', options);
  }

  /**
   * Runs `fn` holding the underlying lock (so it may `wait()` and `notify()`), releasing it
   * however `fn` ends.
   */
  runExclusive<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    return runExclusive(this, 'Condition', fn, options);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.#lock.release();
  }

  /**
   * Releases the lock, waits until notified or until `timeout` ms pass, then re-acquires the
   * lock. Resolves `true` if notified, `false` on timeout. Aborting `signal` ends the wait as
   * the timeout would (the lock is re-acquired first), then rejects with an `AbortError`; a
   * notification that came first wins (resolves `true`).
   * @throws {RuntimeError} if the calling thread does not hold the lock.
   */
  async wait(timeout?: number | null, options?: SignalOptions): Promise<boolean> {
    const wait = waitTimeoutOf(timeout);
    const signal = trailingSignal(options);
    if (!this.#lock[kIsOwned]()) throw new RuntimeError('cannot wait on un-acquired lock');
    throwIfAborted(signal);
    const slot = this.#register();
    const saved = this.#lock[kReleaseSave]();
    const s = this.#s;
    let notified = false;
    try {
      await driveAsync(untilNotified(s, SLOTS + slot, deadlineOf(wait), signal), signal);
    } finally {
      notified = this.#unregister(slot);
      await this.#lock[kRestoreAsync](saved);
    }
    if (!notified && signal?.aborted) throw abortError(signal);
    return notified;
  }

  /**
   * `wait()` that blocks this worker thread (an already-aborted `signal` throws its `AbortError`).
   * @throws {RuntimeError} on the main thread, or if the calling thread does not hold the lock.
   */
  waitSync(timeout?: number | null, options?: SignalOptions): boolean {
    assertMayBlock('Condition.waitSync', 'condition.wait');
    const wait = waitTimeoutOf(timeout);
    throwIfAborted(trailingSignal(options));
    if (!this.#lock[kIsOwned]()) throw new RuntimeError('cannot wait on un-acquired lock');
    const slot = this.#register();
    const saved = this.#lock[kReleaseSave]();
    const s = this.#s;
    let notified = false;
    try {
      driveSync(untilNotified(s, SLOTS + slot, deadlineOf(wait)));
    } finally {
      notified = this.#unregister(slot);
      this.#lock[kRestoreSync](saved);
    }
    return notified;
  }

  /**
   * Waits until `predicate()` is truthy (checked with the lock held; it may return a Promise),
   * or until `timeout` ms pass. Resolves the predicate's last value. Aborting `signal` rejects
   * with an `AbortError` (with the lock held again, as after a timeout).
   */
  async waitFor<T>(predicate: () => T | PromiseLike<T>, timeout?: number | null, options?: SignalOptions): Promise<T> {
    if (typeof predicate !== 'function') throw invalidArgType('predicate', 'of type function', predicate);
    const wait = waitTimeoutOf(timeout);
    const signal = trailingSignal(options);
    const waitOptions = signal ? { signal } : undefined;
    const deadline = deadlineOf(wait);
    // A synchronous predicate is not awaited: no extra turn of the event loop with the lock held.
    const check = (): T | Promise<T> => {
      const value = predicate();
      return isThenable(value) ? Promise.resolve(value) : value;
    };
    let result = check();
    if (isThenable(result)) result = await result;
    while (!result) {
      const left = remainingUntil(deadline);
      if (left <= 0) break;
      await this.wait(left, waitOptions);
      result = check();
      if (isThenable(result)) result = await result;
    }
    return result as T;
  }

  /** `waitFor()` that blocks this worker thread (the predicate must be synchronous). */
  waitForSync<T>(predicate: () => T, timeout?: number | null, options?: SignalOptions): T {
    assertMayBlock('Condition.waitForSync', 'condition.waitFor');
    throwIfAborted(trailingSignal(options));
    if (typeof predicate !== 'function') throw invalidArgType('predicate', 'of type function', predicate);
    const deadline = deadlineOf(waitTimeoutOf(timeout));
    let result = predicate();
    while (!result) {
      const left = remainingUntil(deadline);
      if (left <= 0) break;
      this.waitSync(left);
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` (default 1) of the threads/tasks waiting, longest-waiting first.
   * @throws {RuntimeError} if the calling thread does not hold the lock.
   */
  notify(n = 1): void {
    if (typeof n !== 'number' || Number.isNaN(n)) throw invalidArgType('n', 'of type number', n);
    if (!this.#lock[kIsOwned]()) throw new RuntimeError('cannot notify on un-acquired lock');
    this.#wake(n);
  }

  /** Wakes every waiter. @throws {RuntimeError} if the calling thread does not hold the lock. */
  notifyAll(): void {
    if (!this.#lock[kIsOwned]()) throw new RuntimeError('cannot notify on un-acquired lock');
    this.#wake(Number.POSITIVE_INFINITY);
  }

  #wake(n: number): void {
    const s = this.#s;
    lockInternal(s, 0);
    try {
      while (n > 0 && s[LEN]! > 0) {
        const head = s[HEAD]!;
        const slot = s[ORDER + head]!;
        s[HEAD] = (head + 1) % CAP;
        s[LEN] = s[LEN]! - 1;
        const token = Atomics.load(s, SLOTS + slot);
        if (token > 0 && isTokenDead(token)) {
          // Its thread died while waiting: free the slot, it does not count.
          Atomics.store(s, SLOTS + slot, 0);
          s[FREE + s[FREE_TOP]!] = slot;
          s[FREE_TOP] = s[FREE_TOP]! + 1;
          continue;
        }
        Atomics.store(s, SLOTS + slot, NOTIFIED);
        Atomics.notify(s, SLOTS + slot, 1);
        n--;
      }
    } finally {
      unlockInternal(s, 0);
    }
  }

  #register(): number {
    const s = this.#s;
    lockInternal(s, 0);
    try {
      const top = s[FREE_TOP]!;
      if (top === 0) {
        throw new RuntimeError(`too many waiters on one Condition (at most ${CONDITION_MAX_WAITERS})`);
      }
      const slot = s[FREE + top - 1]!;
      s[FREE_TOP] = top - 1;
      Atomics.store(s, SLOTS + slot, ownToken);
      s[ORDER + ((s[HEAD]! + s[LEN]!) % CAP)] = slot;
      s[LEN] = s[LEN]! + 1;
      return slot;
    } finally {
      unlockInternal(s, 0);
    }
  }

  // Frees the slot; returns whether it had been notified (else removes it from ORDER).
  #unregister(slot: number): boolean {
    const s = this.#s;
    lockInternal(s, 0);
    try {
      const notified = Atomics.load(s, SLOTS + slot) === NOTIFIED;
      if (!notified) {
        const head = s[HEAD]!;
        const len = s[LEN]!;
        let i = 0;
        while (i < len && s[ORDER + ((head + i) % CAP)] !== slot) i++;
        if (i < len) {
          for (; i < len - 1; i++) s[ORDER + ((head + i) % CAP)] = s[ORDER + ((head + i + 1) % CAP)]!;
          s[LEN] = len - 1;
        }
      }
      Atomics.store(s, SLOTS + slot, 0);
      s[FREE + s[FREE_TOP]!] = slot;
      s[FREE_TOP] = s[FREE_TOP]! + 1;
      return notified;
    } finally {
      unlockInternal(s, 0);
    }
  }

  /** @internal The state that crosses threads: the shared words and the lock's descriptor. */
  [kShare](): { sab: SharedArrayBuffer; lock: SharedDescriptor } {
    return { sab: this.#s.buffer as SharedArrayBuffer, lock: toDescriptor(this.#lock) };
  }
}
Object.defineProperty(Condition.prototype, kKind, { value: 'Condition' });
Object.defineProperty(Condition.prototype, Symbol.toStringTag, { value: 'Condition' });

registerShareable('Condition', (state) => {
  const { sab, lock } = state as { sab: SharedArrayBuffer; lock: SharedDescriptor };
  reviving = { sab, lock: fromDescriptor(lock) as ConditionLock };
  return new Condition();
});
