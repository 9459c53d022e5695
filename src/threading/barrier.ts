// Barrier: Python's `threading.Barrier` over shared words, with CPython's state machine.
//
// Layout (Int32Array):
//   [0..3)  internal mutex (mutex.ts) guarding STATE and COUNT
//   [STATE] FILLING 0, DRAINING 1, RESETTING -1, BROKEN -2, plus ACTION 2: the last thread to
//           arrive runs `action` *outside* the mutex (so no thread ever blocks on the mutex while
//           user code runs); arrivals wait while it runs
//   [COUNT] threads inside wait() of the current cycle
//   [SEQ]   bumped (then notify-all) on every state change; sleepers wait on it (drive.ts)
//   [TOKENS .. TOKENS + parties)  the owner tokens (state.ts) of the COUNT threads inside wait(),
//           unordered: each leaving waiter removes one copy of its own token
// `parties`, the default timeout and the action (by source, see task-ref.ts) are immutable and
// travel in the descriptor.
//
// Parties that die (as for locks, mutex.ts): waiters sleep in slices of DEAD_OWNER_POLL_MS and
// after each whole slice look for the tokens of dead threads among the parties inside. A dead
// party is removed (it no longer counts), and if the cycle was filling or running the action
// (the actor died) the barrier breaks: the others get BrokenBarrierError instead of waiting for
// a party that will never come, and a later cycle never lets too few live parties through.
// Every wait honours its deadline, also while the action runs (the barrier then breaks, as any
// timeout does; CPython would wait for the action to return).

import { ValueError } from '../internal/python-errors.js';
import { explainScopeError } from '../internal/scope-error.js';
import { kKind, kShare, registerShareable } from '../internal/shareable.js';
import { compileSource, type TaskRef, toTaskRef } from '../internal/task-ref.js';
import { invalidArgType, validateKnownKeys, validateOptions } from '../internal/validate.js';
import { abortError, expired, type SignalOptions, throwIfAborted, trailingSignal } from './abort.js';
import { driveAsync, driveSync, type Sleep } from './drive.js';
import { BrokenBarrierError } from './errors.js';
import { DEAD_OWNER_POLL_MS, lockInternal, MUTEX_WORDS, unlockInternal } from './mutex.js';
import { waitTimeoutOf } from './options.js';
import { isTokenDead, ownToken, probeTokenDead } from './state.js';
import { assertMayBlock, deadlineOf, now, remainingUntil } from './wait.js';

const ACTION_HINT =
  'a Barrier action runs on the thread of the last party to arrive, so it must be self-contained ' +
  '(keep `{name}` out of it, or act on it in the parties after wait() returns)';

const STATE = MUTEX_WORDS;
const COUNT = STATE + 1;
const SEQ = STATE + 2;
const TOKENS = STATE + 3;
// Slices between /proc probes for dead parties (cheaper checks run after every slice).
const PROBE_EVERY = 10;

const FILLING = 0;
const DRAINING = 1;
const ACTION = 2;
const RESETTING = -1;
const BROKEN = -2;

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /**
   * Called by the last thread to arrive, on that thread, when all parties have arrived and before
   * any is released. Synchronous. Once the barrier has been shared with another thread, every
   * thread (its creator too) runs it compiled from its source, like a `Thread` target, so it
   * behaves the same whichever thread arrives last: it must be self-contained (no variables of
   * its enclosing scope).
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
  #compiled: (() => unknown) | undefined;
  // Whether this barrier has crossed threads (shared from here, or revived here).
  #shared = false;

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
      this.#shared = true;
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
    this.#s = new Int32Array(new SharedArrayBuffer((TOKENS + parties) * 4));
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
   * or the wait times out (which breaks it for every waiter). Aborting `signal` does what the
   * timeout would (the barrier breaks) and rejects with an `AbortError`.
   */
  async wait(timeout?: number | null, options?: SignalOptions): Promise<number> {
    const wait = timeout === undefined || timeout === null ? this.#timeout : waitTimeoutOf(timeout);
    const signal = trailingSignal(options);
    throwIfAborted(signal);
    return driveAsync(this.#waitOp(wait, signal), signal);
  }

  /**
   * `wait()` that blocks this worker thread.
   * @throws {RuntimeError} always on the main thread.
   */
  waitSync(timeout?: number | null, options?: SignalOptions): number {
    assertMayBlock('Barrier.waitSync', 'barrier.wait');
    const wait = timeout === undefined || timeout === null ? this.#timeout : waitTimeoutOf(timeout);
    throwIfAborted(trailingSignal(options));
    return driveSync(this.#waitOp(wait));
  }

  // Sleeps until SEQ changes, the deadline, or the end of a slice (then looks for dead parties);
  // the caller holds the mutex before and after. `slices` counts the slices slept so far.
  *#sleep(deadline: number, slices: { n: number }): Generator<Sleep, void, void> {
    const s = this.#s;
    const value = Atomics.load(s, SEQ);
    const sliceEnd = Math.min(deadline, now() + DEAD_OWNER_POLL_MS);
    unlockInternal(s, 0);
    try {
      yield { arr: s, index: SEQ, value, deadline: sliceEnd };
    } finally {
      lockInternal(s, 0);
    }
    if (sliceEnd < deadline && now() >= sliceEnd && Atomics.load(s, SEQ) === value) {
      this.#reapDead(++slices.n % PROBE_EVERY === 0);
    }
  }

  // Removes the parties whose thread died (`probe`: also ask /proc, see state.ts); breaks the
  // barrier if one died while the cycle was filling or its action ran (mutex held).
  #reapDead(probe: boolean): void {
    const s = this.#s;
    let count = Atomics.load(s, COUNT);
    let reaped = false;
    for (let i = 0; i < count; ) {
      const token = s[TOKENS + i]!;
      if (token !== ownToken && (probe ? probeTokenDead(token) : isTokenDead(token))) {
        s[TOKENS + i] = s[TOKENS + count - 1]!;
        count--;
        reaped = true;
      } else {
        i++;
      }
    }
    if (!reaped) return;
    Atomics.store(s, COUNT, count);
    const state = Atomics.load(s, STATE);
    if (state === FILLING || state === ACTION) this.#break();
    else if ((state === DRAINING || state === RESETTING) && count === 0) {
      Atomics.store(s, STATE, FILLING);
      this.#broadcast();
    }
  }

  // Adds this thread to the parties inside (mutex held); returns its arrival index.
  #enter(): number {
    const s = this.#s;
    const index = Atomics.load(s, COUNT);
    s[TOKENS + index] = ownToken;
    Atomics.store(s, COUNT, index + 1);
    return index;
  }

  // Removes one copy of this thread's token (mutex held); returns how many parties are left.
  #leave(): number {
    const s = this.#s;
    const count = Atomics.load(s, COUNT);
    for (let i = count - 1; i >= 0; i--) {
      if (s[TOKENS + i] === ownToken) {
        s[TOKENS + i] = s[TOKENS + count - 1]!;
        break;
      }
    }
    Atomics.store(s, COUNT, count - 1);
    return count - 1;
  }

  #broadcast(): void {
    Atomics.add(this.#s, SEQ, 1);
    Atomics.notify(this.#s, SEQ);
  }

  *#waitOp(wait: number, signal?: AbortSignal): Generator<Sleep, number, void> {
    const s = this.#s;
    const deadline = deadlineOf(wait);
    const slices = { n: 0 };
    lockInternal(s, 0);
    let entered = false;
    try {
      // Wait while a previous cycle drains or resets (CPython's _enter; here within the deadline).
      for (;;) {
        const state = Atomics.load(s, STATE);
        if (state === FILLING) break;
        if (state === BROKEN) throw new BrokenBarrierError();
        if (expired(remainingUntil(deadline), signal)) throw this.#timedOut(signal);
        yield* this.#sleep(deadline, slices);
      }
      const index = this.#enter();
      entered = true;
      if (index + 1 === this.#parties) {
        // Complete only with live parties: a recorded death among them breaks the barrier.
        this.#reapDead(false);
        if (Atomics.load(s, STATE) === BROKEN) throw new BrokenBarrierError();
        this.#release();
        return index;
      }
      // CPython's _wait: until released, broken, reset, or timed out.
      for (;;) {
        const state = Atomics.load(s, STATE);
        if (state === DRAINING) return index;
        if (state === BROKEN || state === RESETTING) throw new BrokenBarrierError();
        if (expired(remainingUntil(deadline), signal)) {
          this.#break();
          throw this.#timedOut(signal);
        }
        yield* this.#sleep(deadline, slices);
      }
    } finally {
      if (entered) {
        // CPython's _exit: the last one out of a draining/resetting cycle refills the barrier.
        if (this.#leave() === 0) {
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

  // What a wait that timed out (or was aborted, which counts as a timeout) throws.
  #timedOut(signal: AbortSignal | undefined): Error {
    return signal?.aborted ? abortError(signal) : new BrokenBarrierError();
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
        const ref = this.#shared ? this.#actionRef : undefined;
        failure = { error: explainScopeError(error, ref, 'Barrier action', ACTION_HINT) };
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

  // The action this thread runs: once shared, always the one compiled from source (so which
  // thread arrives last never changes what the action can see).
  #resolveAction(): (() => unknown) | undefined {
    if (!this.#shared) return this.#action;
    if (this.#compiled === undefined && this.#actionRef?.kind === 'source') {
      this.#compiled = compileSource(this.#actionRef) as () => unknown;
    }
    return this.#compiled;
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
      // Parties that died no longer count (else the reset would wait for them to leave).
      this.#reapDead(true);
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
    this.#shared = true;
    return { sab: this.#s.buffer as SharedArrayBuffer, parties: this.#parties, timeout: this.#timeout, action };
  }
}
Object.defineProperty(Barrier.prototype, kKind, { value: 'Barrier' });
Object.defineProperty(Barrier.prototype, Symbol.toStringTag, { value: 'Barrier' });

registerShareable('Barrier', (state) => {
  reviving = state as BarrierState;
  return new Barrier(1);
});
