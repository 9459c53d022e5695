// Event: Python's `threading.Event` over two shared words.
//
// Layout (Int32Array):
//   [FLAG]  1 while set, 0 while clear (Atomics.store by set()/clear()).
//   [GEN]   bumped by every set(); waiters sleep on it. A waiter reads GEN *before* FLAG, so a
//           set() that lands after its FLAG read changes GEN and ends its sleep at once. A waiter
//           whose GEN changed returns true even if clear() already followed (API detail 22:
//           set() then clear() still wakes every current waiter with true).
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { abortError, type SignalOptions, throwIfAborted, trailingSignal } from './abort.js';
import { waitTimeoutOf } from './options.js';
import { assertMayBlock, deadlineOf, remainingUntil, waitAsync, waitSync } from './wait.js';

const FLAG = 0;
const GEN = 1;
const WORDS = 2;
const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
let reviving: SharedArrayBuffer | undefined;

/**
 * An event flag (Python's `threading.Event`) in shared memory: `wait()` resolves once another
 * thread or task calls `set()`.
 *
 * @example
 * const ready = new Event();
 * new Thread({ target: (ev) => { prepare(); ev.set(); }, args: [ready] }).start();
 * await ready.wait();
 */
export class Event {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'Event';
  #s: Int32Array;

  /** Creates a clear event. */
  constructor() {
    const sab = reviving ?? new SharedArrayBuffer(WORDS * 4);
    reviving = undefined;
    this.#s = new Int32Array(sab);
  }

  /** Whether the flag is set. */
  isSet(): boolean {
    return Atomics.load(this.#s, FLAG) === 1;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    const s = this.#s;
    Atomics.store(s, FLAG, 1);
    Atomics.add(s, GEN, 1);
    Atomics.notify(s, GEN);
  }

  /** Clears the flag. */
  clear(): void {
    Atomics.store(this.#s, FLAG, 0);
  }

  /**
   * Waits (without blocking the event loop) until the flag is set or `timeout` ms pass.
   * Resolves `true` if the flag was set (or a `set()` happened while waiting), else `false`.
   * Aborting `signal` ends the wait as the timeout would and rejects with an `AbortError`.
   */
  wait(timeout?: number | null, options?: SignalOptions): Promise<boolean> {
    let wait: number;
    let signal: AbortSignal | undefined;
    try {
      wait = waitTimeoutOf(timeout);
      signal = trailingSignal(options);
      throwIfAborted(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    const s = this.#s;
    const gen = Atomics.load(s, GEN);
    if (Atomics.load(s, FLAG) === 1) return TRUE;
    if (wait === 0) return FALSE;
    return this.#waitAsync(gen, wait, signal);
  }

  async #waitAsync(gen: number, wait: number, signal: AbortSignal | undefined): Promise<boolean> {
    const s = this.#s;
    const deadline = deadlineOf(wait);
    for (;;) {
      if (Atomics.load(s, GEN) !== gen) return true;
      const left = remainingUntil(deadline);
      if (signal?.aborted) throw abortError(signal);
      if (left <= 0) return false;
      await waitAsync(s, GEN, gen, left, signal);
    }
  }

  /**
   * `wait()` that blocks this worker thread (an already-aborted `signal` throws its `AbortError`).
   * @throws {RuntimeError} always on the main thread.
   */
  waitSync(timeout?: number | null, options?: SignalOptions): boolean {
    assertMayBlock('Event.waitSync', 'event.wait');
    const wait = waitTimeoutOf(timeout);
    throwIfAborted(trailingSignal(options));
    const s = this.#s;
    const gen = Atomics.load(s, GEN);
    if (Atomics.load(s, FLAG) === 1) return true;
    const deadline = deadlineOf(wait);
    for (;;) {
      if (Atomics.load(s, GEN) !== gen) return true;
      const left = remainingUntil(deadline);
      if (left <= 0) return false;
      waitSync(s, GEN, gen, left);
    }
  }

  /** @internal The state that crosses threads: the shared words. */
  [kShare](): SharedArrayBuffer {
    return this.#s.buffer as SharedArrayBuffer;
  }
}
Object.defineProperty(Event.prototype, kKind, { value: 'Event' });
Object.defineProperty(Event.prototype, Symbol.toStringTag, { value: 'Event' });

registerShareable('Event', (state) => {
  reviving = state as SharedArrayBuffer;
  return new Event();
});
