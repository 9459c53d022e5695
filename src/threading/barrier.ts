// Barrier: Python's `threading.Barrier` over shared words, with CPython's state machine.
//
// Layout (Int32Array):
//   [0..3)  internal mutex (mutex.ts) guarding STATE and COUNT
//   [STATE] FILLING 0, DRAINING 1, RESETTING -1, BROKEN -2, plus ACTION 2: the last thread to
//           arrive runs `action` *outside* the mutex (so no thread ever blocks on the mutex while
//           user code runs); arrivals wait while it runs, and a timeout cannot break the barrier
//           then (as in CPython, where the action runs under the lock and the timed-out waiter
//           re-checks the state after re-taking it)
//   [COUNT] threads inside wait() of the current cycle
//   [SEQ]   bumped (then notify-all) on every state change; sleepers wait on it (drive.ts)
// `parties`, the default timeout and the action (by source, see task-ref.ts) are immutable and
// travel in the descriptor.

import { ValueError } from '../internal/python-errors.js';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { compileSource, type TaskRef, toTaskRef } from '../internal/task-ref.js';
import { invalidArgType, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { driveAsync, driveSync, type Sleep } from './drive.js';
import { BrokenBarrierError } from './errors.js';
import { lockInternal, MUTEX_WORDS, unlockInternal } from './mutex.js';
import { waitTimeoutOf } from './options.js';
import { assertMayBlock, deadlineOf, remainingUntil } from './wait.js';

const STATE = MUTEX_WORDS;
const COUNT = STATE + 1;
const SEQ = STATE + 2;
const WORDS = STATE + 3;

const FILLING = 0;
const DRAINING = 1;
const ACTION = 2;
const RESETTING = -1;
const BROKEN = -2;

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /**
   * Called by one of the threads (the last to arrive) when all parties have arrived, before any
   * is released. It runs on that thread, so when the barrier is shared with workers it must be
   * self-contained (it is sent by source, like a `Thread` target). Synchronous.
   */
  action?: (() => unknown) | undefined;
  /** Default timeout of `wait()`, in ms. */
  timeout?: number | null | undefined;
}

interface BarrierState {
  sab: SharedArrayBuffer;
  parties: number;
  timeout: number;
  action: TaskRef | undefined;
}

let reviving: BarrierState | undefined;

/**
 * A barrier for a fixed number of threads/tasks (Python's `threading.Barrier`) in shared
 * memory: each `wait()` blocks until `parties` of them have called it, then all are released
 * together and the barrier can be reused.
 *
 * @example
 * const barrier = new Barrier(5);
 * // in each of 5 threads:
 * barrier.waitSync(); // (or `await barrier.wait()`)
 */
export class Barrier {
  /** @internal The Python class name, for the shareable registry. */
  declare readonly [kKind]: 'Barrier';
  #s: Int32Array;
  #parties: number;
  #timeout: number;
  #actionRef: TaskRef | undefined;
  #action: (() => unknown) | undefined;

  /**
   * Creates a barrier for `parties` threads (or tasks).
   * @throws {ValueError} if `parties < 1`.
   */
  constructor(parties: number, options?: BarrierOptions) {
    if (reviving) {
      const state = reviving;
      reviving = undefined;
      this.#s = new Int32Array(state.sab);
      this.#parties = state.parties;
      this.#timeout = state.timeout;
      this.#actionRef = state.action;
      return;
    }
    if (typeof parties !== 'number') throw invalidArgType('parties', 'of type number', parties);
    if (!Number.isInteger(parties) || parties < 1) throw new ValueError('parties must be >= 1');
    const opts = validateOptions(options);
    validateKnownKeys(opts, ['action', 'timeout']);
    if (opts.action !== undefined && opts.action !== null && typeof opts.action !== 'function') {
      throw invalidArgType('options.action', 'of type function', opts.action);
    }
    this.#parties = parties;
    this.#timeout = waitTimeoutOf(opts.timeout, 'options.timeout');
    this.#action = opts.action ?? undefined;
    this.#s = new Int32Array(new SharedArrayBuffer(WORDS * 4));
  }

  /** The number of threads required to pass the barrier. */
  get parties(): number {
    return this.#parties;
  }

  /** The number of threads currently waiting (0 while the barrier is draining or broken). */
  get nWaiting(): number {
    const s = this.#s;
    return Atomics.load(s, STATE) === FILLING ? Atomics.load(s, COUNT) : 0;
  }

  /** Whether the barrier is broken (`abort()`, a timeout, or a failed action). */
  get broken(): boolean {
    return Atomics.load(this.#s, STATE) === BROKEN;
  }

  /**
   * Waits until all parties have called `wait()`; resolves this party's arrival index
   * (0 .. parties-1). `timeout` (ms) overrides the barrier's default.
   * @throws {BrokenBarrierError} if the barrier is or becomes broken, is reset while waiting,
   * or the wait times out (which breaks it for every waiter).
   */
  async wait(timeout?: number | null): Promise<number> {
    const wait = timeout === undefined || timeout === null ? this.#timeout : waitTimeoutOf(timeout);
    return driveAsync(this.#waitOp(wait));
  }

  /**
   * `wait()` that blocks this worker thread.
   * @throws {RuntimeError} always on the main thread.
   */
  waitSync(timeout?: number | null): number {
    assertMayBlock('Barrier.waitSync', 'barrier.wait');
    const wait = timeout === undefined || timeout === null ? this.#timeout : waitTimeoutOf(timeout);
    return driveSync(this.#waitOp(wait));
  }

  // Sleeps until SEQ changes (or the deadline); the caller holds the mutex before and after.
  *#sleep(deadline: number): Generator<Sleep, void, void> {
    const s = this.#s;
    const value = Atomics.load(s, SEQ);
    unlockInternal(s, 0);
    try {
      yield { arr: s, index: SEQ, value, deadline };
    } finally {
      lockInternal(s, 0);
    }
  }

  #broadcast(): void {
    Atomics.add(this.#s, SEQ, 1);
    Atomics.notify(this.#s, SEQ);
  }

  *#waitOp(wait: number): Generator<Sleep, number, void> {
    const s = this.#s;
    const deadline = deadlineOf(wait);
    lockInternal(s, 0);
    let entered = false;
    try {
      // Wait while a previous cycle drains or resets (CPython's _enter).
      for (;;) {
        const state = Atomics.load(s, STATE);
        if (state === FILLING) break;
        if (state === BROKEN) throw new BrokenBarrierError();
        yield* this.#sleep(Number.POSITIVE_INFINITY);
      }
      const index = Atomics.add(s, COUNT, 1);
      entered = true;
      if (index + 1 === this.#parties) {
        this.#release();
        return index;
      }
      // CPython's _wait: until released, broken, reset, or timed out.
      for (;;) {
        const state = Atomics.load(s, STATE);
        if (state === DRAINING) return index;
        if (state === BROKEN || state === RESETTING) throw new BrokenBarrierError();
        if (state === FILLING && remainingUntil(deadline) <= 0) {
          this.#break();
          throw new BrokenBarrierError();
        }
        yield* this.#sleep(state === ACTION ? Number.POSITIVE_INFINITY : deadline);
      }
    } finally {
      if (entered) {
        // CPython's _exit: the last one out of a draining/resetting cycle refills the barrier.
        if (Atomics.sub(s, COUNT, 1) === 1) {
          const state = Atomics.load(s, STATE);
          if (state === DRAINING || state === RESETTING) {
            Atomics.store(s, STATE, FILLING);
            this.#broadcast();
          }
        }
      }
      unlockInternal(s, 0);
    }
  }

  // The last arrival: runs the action outside the mutex, then releases everyone (CPython's _release).
  #release(): void {
    const s = this.#s;
    const action = this.#resolveAction();
    if (action) {
      Atomics.store(s, STATE, ACTION);
      unlockInternal(s, 0);
      let failure: { error: unknown } | undefined;
      try {
        action();
      } catch (error) {
        failure = { error };
      }
      lockInternal(s, 0);
      if (failure) {
        this.#break();
        throw failure.error;
      }
      if (Atomics.load(s, STATE) !== ACTION) throw new BrokenBarrierError(); // aborted meanwhile
    }
    Atomics.store(s, STATE, DRAINING);
    this.#broadcast();
  }

  #resolveAction(): (() => unknown) | undefined {
    if (this.#action === undefined && this.#actionRef?.kind === 'source') {
      this.#action = compileSource(this.#actionRef) as () => unknown;
    }
    return this.#action;
  }

  #break(): void {
    Atomics.store(this.#s, STATE, BROKEN);
    this.#broadcast();
  }

  /**
   * Resets the barrier to its initial state; threads waiting in it get `BrokenBarrierError`.
   */
  reset(): void {
    const s = this.#s;
    lockInternal(s, 0);
    try {
      if (Atomics.load(s, COUNT) > 0) {
        const state = Atomics.load(s, STATE);
        if (state === FILLING || state === BROKEN) Atomics.store(s, STATE, RESETTING);
      } else {
        Atomics.store(s, STATE, FILLING);
      }
      this.#broadcast();
    } finally {
      unlockInternal(s, 0);
    }
  }

  /** Breaks the barrier: current and future `wait()` calls fail with `BrokenBarrierError`. */
  abort(): void {
    const s = this.#s;
    lockInternal(s, 0);
    try {
      this.#break();
    } finally {
      unlockInternal(s, 0);
    }
  }

  /** @internal The state that crosses threads. */
  [kShare](): BarrierState {
    let action = this.#actionRef;
    if (action === undefined && this.#action !== undefined) {
      action = toTaskRef(this.#action, 'options.action');
      this.#actionRef = action;
    }
    return { sab: this.#s.buffer as SharedArrayBuffer, parties: this.#parties, timeout: this.#timeout, action };
  }
}
Object.defineProperty(Barrier.prototype, kKind, { value: 'Barrier' });
Object.defineProperty(Barrier.prototype, Symbol.toStringTag, { value: 'Barrier' });

registerShareable('Barrier', (state) => {
  reviving = state as BarrierState;
  return new Barrier(1);
});
