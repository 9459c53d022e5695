// Timer: Python's `threading.Timer`, run on the creating thread like setTimeout (API detail 7).
import { RuntimeError } from '../internal/python-errors.js';
import { invalidArgType, validateFunction } from '../internal/validate.js';
import type { SignalOptions } from './abort.js';
import { Event } from './event.js';
import { reportException } from './excepthook.js';
import { type LongTimeout, setLongTimeout } from './long-timeout.js';
import { waitTimeoutOf } from './options.js';
import { nextThreadNumber } from './state.js';
import { holdKeepAlive, releaseKeepAlive } from './wait.js';

/**
 * Calls `fn(...args)` once after `interval` ms on the thread that created the timer, unless
 * `cancel()` comes first (Python's `threading.Timer`, interval in milliseconds). An exception
 * in `fn` goes to `excepthook`. A non-daemon timer keeps the process alive until it fires.
 *
 * @example
 * const t = new Timer(100, () => console.log('hello'));
 * t.start();
 */
export class Timer<A extends unknown[] = unknown[]> {
  /** The delay in ms. */
  readonly interval: number;
  /** The function to call. */
  readonly function: (...args: A) => unknown;
  /** Its arguments. */
  readonly args: A;
  /** Set once the timer has fired (and `fn` finished) or was cancelled. */
  readonly finished: Event = new Event();
  /** The timer's name (`Thread-N`, as Python's Timer is a Thread). */
  name: string;
  #daemon = false;
  #handle: LongTimeout | undefined;
  #started = false;

  /** Creates a timer (not started). */
  constructor(interval: number, fn: (...args: A) => unknown, args?: A) {
    if (typeof interval !== 'number') throw invalidArgType('interval', 'of type number', interval);
    validateFunction(fn, 'fn');
    if (args !== undefined && !Array.isArray(args)) throw invalidArgType('args', 'an array', args);
    this.interval = interval;
    this.function = fn;
    this.args = (args ?? []) as A;
    this.name = `Thread-${nextThreadNumber()}`;
  }

  /** Whether the timer does not keep the process alive (default false). */
  get daemon(): boolean {
    return this.#daemon;
  }

  /** Sets the daemon flag before `start()`. @throws {RuntimeError} once started. */
  set daemon(value: boolean) {
    if (this.#started) throw new RuntimeError('cannot set daemon status of active thread');
    this.#daemon = Boolean(value);
  }

  /** Starts the countdown. @throws {RuntimeError} if called twice. */
  start(): void {
    if (this.#started) throw new RuntimeError('threads can only be started once');
    this.#started = true;
    if (this.finished.isSet()) return;
    const delay = waitTimeoutOf(this.interval, 'interval');
    this.#handle = setLongTimeout(() => void this.#fire(), delay, !this.#daemon);
  }

  async #fire(): Promise<void> {
    this.#handle = undefined;
    if (this.finished.isSet()) return;
    try {
      await this.function(...this.args);
    } catch (error) {
      reportException(error, this);
    } finally {
      this.finished.set();
    }
  }

  /** Stops the timer if it has not fired yet (no effect once `fn` is running). */
  cancel(): void {
    if (this.#handle !== undefined) {
      this.#handle.clear();
      this.#handle = undefined;
    }
    this.finished.set();
  }

  /** Whether the timer has started and not yet finished or been cancelled. */
  isAlive(): boolean {
    return this.#started && !this.finished.isSet();
  }

  /**
   * Waits until the timer has fired and `fn` finished, or was cancelled (or `timeout` ms).
   * Aborting `signal` stops waiting and rejects with an `AbortError`.
   */
  async join(timeout?: number | null, options?: SignalOptions): Promise<void> {
    if (!this.#started) throw new RuntimeError('cannot join thread before it is started');
    holdKeepAlive();
    try {
      await this.finished.wait(timeout, options);
    } finally {
      releaseKeepAlive();
    }
  }
}
